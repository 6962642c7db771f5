import 'server-only';
import ipaddr from 'ipaddr.js';
import nodemailer from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import { env } from '@/lib/server/env';
import { storeMail } from '@/lib/mail/mailbox';

// Where rendered messages go: SMTP (nodemailer over SMTP_URL), or, in the demo without SMTP_URL,
// the dev mailbox. One SMTP connection per message: simple, and each message's fate is its own.

export type OutgoingMail = {
  id: string;
  messageId: string;
  from: string;
  to: string;
  /** Where a person's reply goes (SUPPORT_CONTACT when it is an address): not the no-reply sender. */
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  date: Date;
};
export type SendReceipt = { messageId: string; response: string };
export type MailTransport = {
  kind: 'smtp' | 'mailbox';
  send(m: OutgoingMail): Promise<SendReceipt>;
  /** Resolves when the server would take mail (connect, EHLO, STARTTLS and AUTH as configured; nothing sent); SMTP only. */
  verify?(): Promise<void>;
};

/**
 * How long (ms) the SMTP conversation waits for the connection, for the server's greeting, and for
 * any reply once connected: well inside the worker's lease (lib/mail/worker.ts, 120 s), so a slow or
 * stalling server cannot outlive it, and a tarpit holds the outbox for seconds, not nodemailer's
 * default ten minutes.
 */
export type SmtpTimeouts = Pick<
  SMTPTransport.Options,
  'connectionTimeout' | 'greetingTimeout' | 'socketTimeout'
>;
const TIMEOUTS: SmtpTimeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * Set to `true` on an error from `send` when the message's content never began to go to the server:
 * the conversation failed at the connection, the greeting, EHLO, STARTTLS, AUTH, MAIL FROM, RCPT TO
 * or the DATA command, before the server's `354`. A server takes a message only at the end of its
 * content (RFC 5321 §4.1.1.4, §6.1), so such a failure certainly delivered nothing, whatever the
 * error (nodemailer tags a timeout or a dropped connection `CONN` at every step).
 */
export type SendError = Error & { contentUnsent?: true };

/**
 * Every message is written by a program, not a person: out-of-office and other automatic replies
 * must not answer it (RFC 3834 §5 `Auto-Submitted`; `X-Auto-Response-Suppress` is Microsoft
 * Exchange's and Outlook's own), or a block notice to a member on holiday would be answered to
 * MAIL_FROM, and to each of its copies.
 */
const AUTOMATED = { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'OOF, AutoReply' };

/** The field of nodemailer's `mail.data` that carries a send's watcher to the stream plugin below. */
const ON_CONTENT = 'tollgateOnContent';

/**
 * Whether an `smtp://` SMTP_URL must have STARTTLS before anything else is said (nodemailer's
 * `requireTLS`): yes, unless the URL says otherwise (`?requireTLS=false`, `?ignoreTLS=true`) or the
 * relay is on this host (`localhost`, a name under `.localhost` (RFC 6761 §6.3), 127.0.0.0/8, `::1`).
 * Opportunistic STARTTLS lets anyone on the path strip it from the server's EHLO reply (RFC 3207 §6)
 * and read the relay password and every sign-in link; RFC 8314 §3 asks a submission client to
 * require TLS. `smtps://` (implicit TLS, port 465) is always encrypted: false, as nothing is to be
 * negotiated. A relay without STARTTLS then takes no mail: each message waits in the outbox and
 * readiness reports `smtp` degraded (ETLS, "Error initiating TLS") until TLS or the opt-out is set.
 */
export function requiresStartTls(url: string): boolean {
  const u = new URL(url);
  if (u.protocol !== 'smtp:') return false;
  const requireTLS = u.searchParams.get('requireTLS');
  if (requireTLS !== null) return urlFlag(requireTLS);
  const ignoreTLS = u.searchParams.get('ignoreTLS');
  if (ignoreTLS !== null && urlFlag(ignoreTLS)) return false;
  return !isLoopbackHost(u.hostname);
}

/** A URL option's value as nodemailer reads it (shared/index.js `parseConnectionUrl`): `false`, `0` and `` are off. */
const urlFlag = (v: string) => v !== 'false' && Number(v) !== 0;

/** `localhost`, `*.localhost`, or an IPv4/IPv6 loopback literal (`[::1]` as a URL writes it, `::ffff:127.0.0.1`). */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}

/**
 * The transport for SMTP_URL (`smtp://[user:pass@]host[:port][?option=value…]` or `smtps://…`; the
 * options are nodemailer's, e.g. `requireTLS`, `tls.servername`): STARTTLS as requiresStartTls says,
 * and `timeouts` (default above; tests shorten them). One connection per message.
 */
export function smtpTransport(url: string, timeouts: SmtpTimeouts = TIMEOUTS): MailTransport {
  // Built from the SMTP transport itself: nodemailer.createTransport({ url, … }) reads the URL alone
  // and drops every other option (nodemailer.js, 8.0.9), which left these timeouts unset until
  // 2026-12-05. SMTPTransport merges both, the URL's own (`?requireTLS=false`, `tls.*`) winning.
  const t = nodemailer.createTransport(
    new SMTPTransport({ url, requireTLS: requiresStartTls(url), ...timeouts }),
  );
  // A "stream" plugin (nodemailer.com/plugins/create) sees the message's final stream before it is
  // sent. nodemailer pipes that stream into the DATA stream only after the server's 354 (smtp-
  // connection's send()), and piping resumes it: its 'resume' event marks the start of the content.
  t.use('stream', (mail, done) => {
    const onContent = (mail.data as Record<string, unknown>)[ON_CONTENT];
    if (typeof onContent === 'function')
      mail.message.processFunc((out) => (out.once('resume', onContent as () => void), out));
    done();
  });
  return {
    kind: 'smtp',
    async send(m) {
      let contentStarted = false;
      let info;
      try {
        info = await t.sendMail({
          messageId: m.messageId,
          date: m.date,
          from: m.from,
          to: m.to,
          replyTo: m.replyTo,
          subject: m.subject,
          headers: AUTOMATED,
          text: m.text,
          html: m.html,
          [ON_CONTENT]: () => (contentStarted = true),
        } as nodemailer.SendMailOptions);
      } catch (e) {
        if (!contentStarted && e instanceof Error) Object.assign(e, { contentUnsent: true });
        throw e;
      }
      // One recipient per message: anything but "accepted" is a refusal, retried or failed by the worker.
      if (!info.accepted?.length)
        throw Object.assign(new Error(`recipient not accepted: ${info.response}`), {
          code: 'EENVELOPE',
          responseCode: 450,
        });
      return { messageId: m.messageId, response: String(info.response ?? '') };
    },
    async verify() {
      await t.verify();
    },
  };
}

export function mailboxTransport(dir?: string): MailTransport {
  return {
    kind: 'mailbox',
    async send(m) {
      await storeMail({ ...m, date: m.date.toISOString(), storedAt: new Date().toISOString() }, dir);
      return { messageId: m.messageId, response: 'stored in the dev mailbox' };
    },
  };
}

let cached: MailTransport | undefined;

/** SMTP when SMTP_URL is set; otherwise the dev mailbox (the configuration refuses production without SMTP_URL). */
export function defaultTransport(): MailTransport {
  cached ??= env().SMTP_URL ? smtpTransport(env().SMTP_URL!) : mailboxTransport();
  return cached;
}
