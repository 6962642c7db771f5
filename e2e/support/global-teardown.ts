import fs from 'node:fs';
import path from 'node:path';
import { E2E_DIR } from './env';

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
}
