import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { E2E, E2E_DIR } from './env';

// The SMTP server the e2e portal sends to (SMTP_URL): every accepted message is written to
// test-results/e2e-env/smtp/ as JSON {rcptTo, raw}, where the journeys read it (./mail.ts).
export const SMTP_DIR = path.join(E2E_DIR, 'smtp');

export async function startSmtp(): Promise<() => Promise<void>> {
  fs.mkdirSync(SMTP_DIR, { recursive: true });
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const file = path.join(SMTP_DIR, `${Date.now()}-${String(n++).padStart(4, '0')}.json`);
        // Written aside, then renamed (atomic on one file system): a journey in another worker polls
        // this directory and must never read half a message (it did, with three workers).
        fs.writeFileSync(
          `${file}.part`,
          JSON.stringify({
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        fs.renameSync(`${file}.part`, file);
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(E2E.smtpPort, '127.0.0.1', () => resolve());
  });
  return () => new Promise<void>((r) => server.close(() => r()));
}
