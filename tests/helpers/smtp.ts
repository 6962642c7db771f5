import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { type ParsedMail, parseMail } from './mime';

// A real SMTP server on a loopback port, for tests: it keeps every message it accepted. It can be
// stopped and started again on the same port (an outage), or answer 421 to everything for a while.

export type Received = ParsedMail & { raw: string; rcptTo: string[] };

export class TestSmtp {
  readonly received: Received[] = [];
  private server: SMTPServer | null = null;
  /** While set, every connection is refused with this SMTP reply (e.g. 421 "try again later"). */
  refuseWith: { code: number; message: string } | null = null;
  /** While set, MAIL FROM is refused with this reply (a relay that does not accept MAIL_FROM as sender). */
  refuseSender: { code: number; message: string } | null = null;
  /** Recipients refused with 550 at RCPT TO (a mailbox that does not exist). */
  readonly rejectRcpt = new Set<string>();
  /** Called after a message was accepted (the 250 has been sent). */
  onAccepted: ((m: Received) => void) | null = null;
  /**
   * While true, a message's DATA is read to its final "." and never answered: the server stalls
   * before its 250, the client waits. Such messages are kept in `stalled`, never in `received` (a
   * server that did not answer 250 did not take the message, RFC 5321 §4.1.1.4).
   */
  stallData = false;
  readonly stalled: string[] = [];

  private constructor(readonly port: number) {}

  static async start(): Promise<TestSmtp> {
    const port = await freePort();
    const s = new TestSmtp(port);
    await s.up();
    return s;
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onConnect: (_session, cb) => {
        if (!this.refuseWith) return cb();
        cb(Object.assign(new Error(this.refuseWith.message), { responseCode: this.refuseWith.code }));
      },
      onMailFrom: (_address, _session, cb) => {
        if (!this.refuseSender) return cb();
        cb(Object.assign(new Error(this.refuseSender.message), { responseCode: this.refuseSender.code }));
      },
      onRcptTo: (address, _session, cb) => {
        if (!this.rejectRcpt.has(address.address)) return cb();
        cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          if (this.stallData) return void this.stalled.push(raw);
          const m = { ...parseMail(raw), raw, rcptTo: session.envelope.rcptTo.map((r) => r.address) };
          this.received.push(m);
          cb();
          this.onAccepted?.(m);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  to(address: string) {
    return this.received.filter((m) => m.rcptTo.includes(address));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
