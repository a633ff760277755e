/**
 * The broker's logger. pino's JSON lines stay the default wherever stdout is not a terminal
 * (containers, log shippers, the tests that read the ready line); on a terminal each event is one
 * readable line, time, level, message and the event's own fields, as a dev server prints them.
 * `--log-format json|pretty` forces either.
 *
 * pino-pretty runs as a plain synchronous stream in this thread (not as a pino transport, which
 * would start a worker thread and load files by path, which a bundled dist/brooklet.cjs cannot).
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'auto' | 'json' | 'pretty';

export function usePrettyLogs(format: LogFormat, stdoutIsTerminal = process.stdout.isTTY === true): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTerminal);
}

export function createLogger(level: string, format: LogFormat): Logger {
  const options = { name: 'brooklet', level };
  if (!usePrettyLogs(format)) return pino(options);
  return pino(options, pretty({
    sync: true,
    singleLine: true,
    colorize: process.stdout.isTTY === true && !process.env.NO_COLOR,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
  }));
}
