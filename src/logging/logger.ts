/**
 * The broker's logger. pino's JSON lines stay the default wherever stdout is not a terminal
 * (containers, log shippers, the tests that read the ready line); on a terminal each event is one
 * readable line, time, level, message and the event's own fields, as a dev server prints them.
 * `--log-format json|pretty` forces either.
 *
 * pino-pretty runs as a plain synchronous stream in this thread (not as a pino transport, which
 * would start a worker thread and load files by path, which a bundled dist/brooklet.cjs cannot).
 *
 * JSON lines go to stdout synchronously too. pino's default destination writes asynchronously
 * and flushes synchronously on process exit, and that flush (sonic-boom's flushSync) retries a
 * failed write every 100 ms for as long as it fails: a broker whose stdout reader had gone
 * (`brooklet | head -1`) looped on EPIPE inside exit after SIGTERM and needed kill -9. A
 * synchronous write meets EPIPE at once, and pino then drops every later line (its destination
 * ignores a broken pipe), so a closed stdout costs nothing. A reader that stops reading without
 * closing holds up the writer once the pipe is full (as a console logger's blocking write does),
 * where the asynchronous destination grew its buffer without bound: lines are rare events here
 * (topics created or deleted, connections closed), never one per request.
 */
import pino, { type Logger } from 'pino';

export type LogFormat = 'auto' | 'json' | 'pretty';

export function usePrettyLogs(format: LogFormat, stdoutIsTerminal = process.stdout.isTTY === true): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTerminal);
}

/**
 * pino-pretty is imported only for pretty output (a terminal, or --log-format pretty): a broker
 * logging JSON lines never holds it. If it fails to load, the broker does not start.
 */
export async function createLogger(level: string, format: LogFormat): Promise<Logger> {
  const options = { name: 'brooklet', level };
  if (!usePrettyLogs(format)) return pino(options, stdoutReplaced() ? process.stdout : pino.destination({ dest: 1, sync: true }));
  const { default: pretty } = await import('pino-pretty');
  return pino(options, pretty({
    sync: true,
    singleLine: true,
    colorize: process.stdout.isTTY === true && !process.env.NO_COLOR,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
  }));
}

/** Something (a test runner capturing output) replaced process.stdout.write: lines go through it, as pino's default does. */
function stdoutReplaced(): boolean {
  const stdout = process.stdout as NodeJS.WriteStream & { constructor: { prototype: { write?: unknown } } };
  return stdout.write !== stdout.constructor.prototype.write;
}
