import fs from 'node:fs';
import path from 'node:path';
import { E2E_DIR } from './env';

/** Lines a healthy run never prints: a server-side exception is a bug even when the page looked fine. */
const UNEXPECTED = /⨯|Unhandled|\[auth\]\[error\]|\[auth\] (?!CredentialsSignin|Verification|AccessDenied)|TypeError|ReferenceError|PrismaClient\w*Error|\[worker /;

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
  const bad = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter((l) => UNEXPECTED.test(l)) : [];
  if (bad.length) throw new Error(`The portal logged ${bad.length} unexpected error line(s) during e2e (see ${log}):\n${bad.slice(0, 10).join('\n')}`);
}
