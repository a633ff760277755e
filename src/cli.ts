#!/usr/bin/env node
/** `brooklet`: starts the broker in the foreground; SIGINT/SIGTERM shut it down cleanly. */
import { parseCli, HELP } from './cli-args.js';
import { ConfigError } from './config.js';
import { startBroker } from './index.js';

async function main(): Promise<void> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`brooklet: ${err.message} (see brooklet --help)\n`);
      process.exit(2);
    }
    throw err;
  }
  if (cli.help) {
    process.stdout.write(HELP);
    return;
  }
  let broker;
  try {
    broker = await startBroker({ ...cli.config, installSignalHandlers: true });
  } catch (err) {
    process.stderr.write(`brooklet: ${(err as Error).message}\n`);
    process.exit(1);
  }
  void broker;
}

void main();
