import 'server-only';
import nodemailer from 'nodemailer';
import { env } from '@/lib/server/env';
import { storeMail } from '@/lib/mail/mailbox';

// Where rendered messages go: SMTP (nodemailer over SMTP_URL), or, in the demo without SMTP_URL,
// the dev mailbox. One SMTP connection per message: simple, and each message's fate is its own.

export type OutgoingMail = {
  id: string;
  messageId: string;
  from: string;
  to: string;
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

/** Well inside the worker's lease (lib/mail/worker.ts), so a slow server cannot outlive it. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function smtpTransport(url: string): MailTransport {
  const t = nodemailer.createTransport({ url, ...TIMEOUTS });
  return {
    kind: 'smtp',
    async send(m) {
      const info = await t.sendMail({
        messageId: m.messageId,
        date: m.date,
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
      });
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
