import fs from 'node:fs';
import path from 'node:path';
import { E2E_DIR } from './env';
import { expectedReferences } from './expected-errors';
import { e2eSecrets, linesWithSecrets } from './secrets';

/** Lines a healthy run never prints: a server-side exception is a bug even when the page looked fine. */
const UNEXPECTED = /⨯|Unhandled|\[auth\]\[error\]|TypeError|ReferenceError|PrismaClient\w*Error/;

/**
 * A JSON log line (lib/server/log.ts) at level error or fatal, unless a journey caused it on purpose
 * (its `reference` is in `expected`: ./expected-errors.ts), or a free-text line Next.js printed that
 * looks like an error.
 */
function unexpected(line: string, expected: Set<string>): boolean {
  if (line.startsWith('{')) {
    try {
      const { level, reference } = JSON.parse(line) as { level?: string; reference?: string };
      return ['error', 'fatal'].includes(level ?? '') && !(reference && expected.has(reference));
    } catch {
      /* not JSON after all */
    }
  }
  return UNEXPECTED.test(line);
}

export default async function globalTeardown() {
  const file = path.join(E2E_DIR, 'pids.json');
  if (!fs.existsSync(file)) return;
  for (const pid of JSON.parse(fs.readFileSync(file, 'utf8')) as number[]) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const log = path.join(E2E_DIR, 'next.log');
  const text = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
  // No password, token, cookie or sign-in link the run used may appear in any log line.
  const secrets = e2eSecrets();
  for (const file of [log, path.join(E2E_DIR, 'switch-sim.log')]) {
    const leaks = fs.existsSync(file) ? linesWithSecrets(fs.readFileSync(file, 'utf8'), secrets) : [];
    if (leaks.length)
      throw new Error(
        `${file} holds secrets the e2e run used (${secrets.length} checked):\n${leaks.slice(0, 10).join('\n')}`,
      );
  }
  const expected = expectedReferences();
  const bad = text.split('\n').filter((line) => unexpected(line, expected));
  if (bad.length)
    throw new Error(
      `The portal logged ${bad.length} unexpected error line(s) during e2e (see ${log}):\n${bad.slice(0, 10).join('\n')}`,
    );
}
