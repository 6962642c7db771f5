import 'server-only';
import net from 'node:net';
import emailAddresses from 'email-addresses';
import ipaddr from 'ipaddr.js';
import nodemailer from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { env } from '@/lib/server/env';
import { storeMail } from '@/lib/mail/mailbox';

// Where rendered messages go: SMTP (nodemailer over SMTP_URL), or, in the demo without SMTP_URL,
// the dev mailbox. One SMTP connection per message: simple, and each message's fate is its own.
// Not nodemailer's pool (`pool: true`), though a backlog pays a TLS handshake and AUTH per message:
// the pool sends a message again on a new connection when its own closed during the send (no limit
// by default), past the worker's deadline and outside its record of the attempt, so an at-most-once
// sign-in link could go twice; and a message queued in the pool while its connections are held by
// stalled conversations runs out its deadline unsent, is recorded "interrupted" (at-most-once: failed
// `uncertain`), and goes out all the same later (docs/email.md, Delivery).

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
export type SendError = Error & { contentUnsent?: true; sender?: string };

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
 * nodemailer's options for SMTP_URL, as nodemailer itself reads the URL (shared `parseConnectionUrl`:
 * its host is the one it connects to, which WHATWG `new URL` can read otherwise, e.g. after a `\`),
 * with `requireTLS` as requiresStartTls decides and `timeouts` beneath: the URL's own options win.
 * Handed to nodemailer whole, not as `{ url, … }`, whose `createTransport` reads the URL alone and
 * dropped every other option until 2026-12-05 (these timeouts among them).
 */
export function smtpOptions(url: string, timeouts: SmtpTimeouts = TIMEOUTS): SMTPTransport.Options {
  const fromUrl = parseConnectionUrl(url) as SMTPTransport.Options;
  return { ...timeouts, requireTLS: startTlsRequired(fromUrl), ...fromUrl };
}

/**
 * Whether SMTP_URL's conversation must have STARTTLS before anything else is said (nodemailer's
 * `requireTLS`): yes, unless
 * - the URL is `smtps://`: implicit TLS, encrypted from the first byte (nodemailer reads no
 *   `?secure=` from an `smtp://` URL);
 * - the URL opts out: `?requireTLS=false`, `?ignoreTLS=true` or `?opportunisticTLS=true` (which goes on
 *   in clear after a refused STARTTLS);
 * - the host is a loopback address written as one: `127.0.0.0/8`, `[::1]`, `[::ffff:127.0.0.1]`. Not a
 *   name, `localhost` included: nodemailer asks the DNS server before /etc/hosts, and a forged answer
 *   would send the conversation elsewhere; and not a legacy IPv4 form (`127.1`, `2130706433`), which
 *   nodemailer also resolves by DNS.
 * A `?service=` (nodemailer's well-known providers) is a relay elsewhere, whatever the host.
 * Opportunistic STARTTLS lets anyone on the path strip it from the server's EHLO reply (RFC 3207 §6)
 * and read the relay password and every sign-in link; RFC 8314 §3 asks a submission client to require
 * TLS. A relay without STARTTLS then takes no mail (ETLS, "Error upgrading connection with STARTTLS"):
 * each message waits in the outbox and readiness reports `smtp` degraded until TLS or the opt-out.
 */
export function requiresStartTls(url: string): boolean {
  return startTlsRequired(parseConnectionUrl(url) as SMTPTransport.Options);
}

/**
 * What SMTP_URL risks, for the start-up warnings (lib/server/env.ts configWarnings): `clear`, the
 * relay is not named by a loopback address and the conversation may go on without TLS (an opt-out in
 * the URL); `anyCertificate`, `?tls.rejectUnauthorized=false`, under which any machine on the path can
 * pose as the relay; `startTlsOnThisMachine`, the host names this machine (`localhost`, `127.1`: see
 * namesThisMachine) but is no loopback address as requiresStartTls reads one, and the URL says nothing
 * of TLS (no `requireTLS`, `ignoreTLS`, `opportunisticTLS` nor `tls.*`), so STARTTLS will be required
 * of a relay its operator likely runs without it: no mail goes (ETLS) and readiness shows `smtp`
 * degraded, with no word at start otherwise. Empty when none.
 */
export function smtpUrlRisks(url: string): SmtpUrlRisk[] {
  const o = parseConnectionUrl(url) as SMTPTransport.Options & { opportunisticTLS?: unknown };
  const risks: SmtpUrlRisk[] = [];
  if (!o.secure && !isLoopbackAddress(o.host ?? '') && !startTlsRequired(o)) risks.push('clear');
  if (o.tls?.rejectUnauthorized === false) risks.push('anyCertificate');
  const saysTls = [o.requireTLS, o.ignoreTLS, o.opportunisticTLS, o.tls].some((v) => v !== undefined);
  if (startTlsRequired(o) && !saysTls && !o.service && namesThisMachine(o.host ?? ''))
    risks.push('startTlsOnThisMachine');
  return risks;
}
export type SmtpUrlRisk = 'clear' | 'anyCertificate' | 'startTlsOnThisMachine';

function startTlsRequired(o: SMTPTransport.Options & { opportunisticTLS?: unknown }): boolean {
  if (o.secure) return false;
  if (o.ignoreTLS || o.opportunisticTLS) return false;
  if (o.requireTLS !== undefined) return Boolean(o.requireTLS);
  if (o.service) return true;
  return !isLoopbackAddress(o.host ?? '');
}

/**
 * A host that means this machine and that isLoopbackAddress does not take as one: `localhost` and the
 * names under it (RFC 6761 §6.3), with or without a final dot; `localhost.localdomain`, `ip6-localhost`
 * and `ip6-loopback` (Red Hat's and Debian's /etc/hosts); and a loopback address in a legacy IPv4 form
 * (`127.1`, `2130706433`, `0x7f.1`), which nodemailer resolves as a name.
 */
function namesThisMachine(host: string): boolean {
  if (net.isIP(host) !== 0) return false;
  if (/^(?:.+\.)?localhost\.?$|^localhost\.localdomain\.?$|^ip6-(?:localhost|loopback)\.?$/i.test(host))
    return true;
  return ipaddr.IPv4.isValid(host) && ipaddr.IPv4.parse(host).range() === 'loopback';
}

/** An IPv4 or IPv6 loopback address as Node reads an address (net.isIP); never a name. */
function isLoopbackAddress(host: string): boolean {
  if (net.isIP(host) === 0) return false;
  try {
    return ipaddr.process(host).range() === 'loopback';
  } catch {
    return false; // an address ipaddr.js cannot read (an IPv6 zone id): not one it can vouch for
  }
}

/**
 * The transport for SMTP_URL (`smtp://[user:pass@]host[:port][?option=value…]` or `smtps://…`; the
 * options are nodemailer's, e.g. `requireTLS`, `tls.servername`, `proxy`): smtpOptions's, and
 * `timeouts` (default above; tests shorten them). One connection per message.
 */
export function smtpTransport(url: string, timeouts: SmtpTimeouts = TIMEOUTS): MailTransport {
  const t = nodemailer.createTransport(smtpOptions(url, timeouts));

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
        if (e instanceof Error) {
          if (!contentStarted) Object.assign(e, { contentUnsent: true });
          // The envelope sender, for lib/mail/delivery-policy.ts to tell a refusal of it from one of the
          // recipient where a relay names only addresses (Amazon SES's "identities failed the check").
          const sender = emailAddresses.parseOneAddress({ input: m.from, rfc6532: true, rejectTLD: false });
          if (sender?.type === 'mailbox') Object.assign(e, { sender: sender.address });
        }
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
