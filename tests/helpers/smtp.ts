import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { type ParsedMail, parseMail } from './mime';

// A real SMTP server on a loopback port (or an address given), for tests: it keeps every message it accepted. It can be
// stopped and started again on the same port (an outage), or answer 421 to everything for a while.

/** `secure`: the message came over TLS (STARTTLS on this server: smtp-server's session.secure). */
export type Received = ParsedMail & { raw: string; rcptTo: string[]; secure: boolean };

/**
 * Where the server listens (default 127.0.0.1) and whether it offers STARTTLS (default no; with it,
 * smtp-server's own self-signed certificate, which a client must be told to accept).
 */
export type SmtpOptions = { host?: string; startTls?: boolean };

export class TestSmtp {
  readonly received: Received[] = [];
  private server: SMTPServer | null = null;
  /** While set, every connection is refused with this SMTP reply (e.g. 421 "try again later"). */
  refuseWith: { code: number; message: string } | null = null;
  /** While set, MAIL FROM is refused with this reply (a relay that does not accept MAIL_FROM as sender). */
  refuseSender: { code: number; message: string } | null = null;
  /** Recipients refused with 550 at RCPT TO (a mailbox that does not exist). */
  readonly rejectRcpt = new Set<string>();
  /**
   * While set, every RCPT TO is refused with this reply, written as real servers do, enhanced status
   * code first (RFC 3463): `{ code: 554, message: '5.7.1 Relay access denied' }`.
   */
  refuseRecipients: { code: number; message: string } | null = null;
  /** Called after a message was accepted (the 250 has been sent). */
  onAccepted: ((m: Received) => void) | null = null;
  /**
   * While true, a message's DATA is read to its final "." and never answered: the server stalls
   * before its 250, the client waits. Such messages are kept in `stalled`, never in `received` (a
   * server that did not answer 250 did not take the message, RFC 5321 §4.1.1.4).
   */
  stallData = false;
  readonly stalled: string[] = [];
  /**
   * While set, the server cuts the connection at that step, as a server that crashes or a network
   * that fails there: on connecting (before the greeting), on MAIL FROM, on RCPT TO, on the DATA
   * command (before its 354), or once the whole content has arrived (before the 250). Messages cut
   * in the content are kept in `stalled`.
   */
  dropAt: 'connect' | 'MAIL FROM' | 'RCPT TO' | 'DATA' | 'content' | null = null;
  private readonly sockets = new Map<number, net.Socket>();

  private constructor(
    readonly port: number,
    private readonly options: SmtpOptions,
  ) {}

  static async start(options: SmtpOptions = {}): Promise<TestSmtp> {
    const port = await freePort(options.host);
    const s = new TestSmtp(port, options);
    await s.up();
    return s;
  }

  get host() {
    return this.options.host ?? '127.0.0.1';
  }

  get url() {
    return `smtp://${this.host}:${this.port}`;
  }

  async up(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: this.options.startTls ? ['AUTH'] : ['STARTTLS', 'AUTH'],
      // Replies carry only what a test writes: an enhanced status code in its message when it wants one
      // (smtp-server would otherwise put its own generic one first, `553 5.1.3` for any 553).
      hideENHANCEDSTATUSCODES: true,
      logger: false,
      onConnect: (_session, cb) => {
        if (!this.refuseWith) return cb();
        cb(Object.assign(new Error(this.refuseWith.message), { responseCode: this.refuseWith.code }));
      },
      onMailFrom: (_address, session, cb) => {
        if (this.dropAt === 'MAIL FROM') return this.cut(session.remotePort);
        if (!this.refuseSender) return cb();
        cb(Object.assign(new Error(this.refuseSender.message), { responseCode: this.refuseSender.code }));
      },
      onRcptTo: (address, session, cb) => {
        if (this.dropAt === 'RCPT TO') return this.cut(session.remotePort);
        if (this.refuseRecipients)
          return cb(
            Object.assign(new Error(this.refuseRecipients.message), {
              responseCode: this.refuseRecipients.code,
            }),
          );
        if (!this.rejectRcpt.has(address.address)) return cb();
        cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      },
      onData: (stream, session, cb) => {
        // smtp-server calls onData just before it sends its 354: a cut here comes before the content.
        if (this.dropAt === 'DATA') return this.cut(session.remotePort);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          if (this.dropAt === 'content') return void (this.stalled.push(raw), this.cut(session.remotePort));
          if (this.stallData) return void this.stalled.push(raw);
          const m = {
            ...parseMail(raw),
            raw,
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
          };
          this.received.push(m);
          cb();
          this.onAccepted?.(m);
        });
      },
    });
    // The listening socket of smtp-server (its `server` property): each connection, by client port.
    (server as unknown as { server: net.Server }).server.on('connection', (socket: net.Socket) => {
      if (this.dropAt === 'connect') return void socket.destroy();
      const port = socket.remotePort!;
      this.sockets.set(port, socket);
      socket.once('close', () => this.sockets.delete(port));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.server = server;
  }

  /** Cuts the connection from that client port at once, without a reply. */
  private cut(remotePort: number) {
    this.sockets.get(remotePort)?.destroy();
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

async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
