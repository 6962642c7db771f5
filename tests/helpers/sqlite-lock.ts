import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * Another process (a CLI command, a second portal, a test factory) that takes the SQLite file's write
 * lock (`BEGIN IMMEDIATE` and a row of its own, action `test.other_process`) and commits after `ms`.
 * better-sqlite3 waits synchronously, so the holder must be another process, not a promise here.
 * Resolves once it holds the lock; `exited` once it has committed and exited.
 */
export async function holdWriteLock(file: string, ms: number): Promise<{ exited: Promise<unknown> }> {
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(process.argv[1]);
       db.exec("BEGIN IMMEDIATE; INSERT INTO AuditLog (id, at, action) VALUES (lower(hex(randomblob(8))), 0, 'test.other_process')");
       console.log('holding');
       setTimeout(() => { db.exec('COMMIT'); db.close(); }, Number(process.argv[2]));`,
      file,
      String(ms),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(holder, 'exit');
  await once(holder.stdout, 'data');
  return { exited };
}
