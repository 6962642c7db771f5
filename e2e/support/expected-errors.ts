import fs from 'node:fs';
import path from 'node:path';
import { E2E_DIR } from './env';

// The portal's error lines that a journey caused on purpose (a database failure it injected), by the
// reference the page showed: global-teardown.ts fails the run on every other error line.
const FILE = path.join(E2E_DIR, 'expected-errors.txt');

/** Records that the error line with this `reference` (the request id a form's message quotes) is expected. */
export function expectErrorLine(reference: string): void {
  fs.appendFileSync(FILE, `${reference}\n`);
}

/** The references recorded by expectErrorLine during this run. */
export function expectedReferences(): Set<string> {
  return new Set(fs.existsSync(FILE) ? fs.readFileSync(FILE, 'utf8').split('\n').filter(Boolean) : []);
}
