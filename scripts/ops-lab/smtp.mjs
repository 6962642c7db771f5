// A small SMTP server for the operations lab (scripts/ops-lab/lab.sh): every accepted message is
// appended to $OPS_LAB_DIR/mail.jsonl as {messageId, rcptTo, subject}. Modes (argv[2]):
//   accept    answer and accept everything (default)
//   blackhole accept the TCP connection and never say a word (no greeting, no answer)
//   slow      accept everything, but answer the end of each message only after OPS_LAB_SMTP_DELAY_MS
//             (default 25000: inside nodemailer's 30 s socket timeout, a long SMTP conversation)
// Port: OPS_LAB_SMTP_PORT (5025).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

const mode = process.argv[2] ?? 'accept';
const port = Number(process.env.OPS_LAB_SMTP_PORT ?? 5025);
const dir = process.env.OPS_LAB_DIR ?? '/tmp/ops-lab';
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'mail.jsonl');

if (mode === 'blackhole') {
  const held = [];
  net
    .createServer((s) => held.push(s))
    .listen(port, '127.0.0.1', () => console.log(`smtp blackhole on ${port}`));
} else {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = (name) => raw.match(new RegExp(`^${name}: (.*)$`, 'mi'))?.[1]?.trim() ?? null;
        const accept = () => {
          fs.appendFileSync(
            file,
            JSON.stringify({
              at: new Date().toISOString(),
              messageId: header('Message-ID'),
              subject: header('Subject'),
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
            }) + '\n',
          );
          cb();
        };
        // Recorded when the 250 is sent: before it, the message is not the server's.
        if (mode === 'slow') setTimeout(accept, Number(process.env.OPS_LAB_SMTP_DELAY_MS ?? 25_000));
        else accept();
      });
    },
  });
  server.listen(port, '127.0.0.1', () => console.log(`smtp accepting on ${port}`));
}
