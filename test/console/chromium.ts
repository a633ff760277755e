/**
 * Debian's Chromium for the console's browser tests, headless and driven by playwright-core (no
 * browser download: scripts/install-peers.sh installs the package). A missing binary fails the
 * test with the command that provides it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Where the browser tests save their screenshots (shown in the README). */
export const SHOTS = path.resolve(import.meta.dirname, '../../docs/console');

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-peers.sh (apt-get install chromium)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}
