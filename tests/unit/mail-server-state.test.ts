import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refusesEveryMessage } from '@/lib/mail/delivery-policy';
import {
  mailOutboxHeldMs,
  mailServerTimes,
  probeMailServerIfQuiet,
  recordMailSend,
  RELAY_HOLD_FIRST_MS,
  RELAY_HOLD_MAX_MS,
  SMTP_PROBE_INTERVAL_MS,
} from '@/lib/mail/server-state';
import { smtpTransport, type OutgoingMail } from '@/lib/mail/transport';
import { TestSmtp } from '@/tests/helpers/smtp';

// What the portal knows of its mail server, for readiness's `smtp` part: sends and probes against a
// real SMTP server (tests/helpers/smtp.ts), up, refusing, and gone.

const forget = () => delete (globalThis as { __tollgateMailServer?: unknown }).__tollgateMailServer;

const mail = (to: string): OutgoingMail => ({
  id: 'm1',
  messageId: '<m1@tollgate.test>',
  from: 'tollgate@example.com',
  to,
  subject: 'probe',
  html: '<p>x</p>',
  text: 'x',
  date: new Date(),
});

/** The error a real send to `smtp` gives, or null when the message was taken. */
async function sendError(smtp: TestSmtp, to = 'someone@example.com'): Promise<unknown> {
  try {
    await smtpTransport(smtp.url).send(mail(to));
    return null;
  } catch (e) {
    return e;
  }
}

describe('the mail server as the portal sees it', () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await TestSmtp.start();
  });
  afterAll(async () => {
    await smtp.down();
  });
  beforeEach(async () => {
    forget();
    smtp.refuseWith = null;
    smtp.refuseSender = null;
    smtp.refuseRecipients = null;
    smtp.rejectRcpt.clear();
    await smtp.up().catch(() => undefined); // already up
  });

  it('tells a refusal of one message from a server that takes none', async () => {
    smtp.rejectRcpt.add('gone@example.com');
    // 550 to RCPT TO: this mailbox does not exist; the server works.
    expect(refusesEveryMessage(await sendError(smtp, 'gone@example.com'))).toBe(false);
    smtp.rejectRcpt.clear();

    smtp.refuseSender = { code: 553, message: 'sender address rejected' };
    expect(refusesEveryMessage(await sendError(smtp))).toBe(true); // every message has this sender
    smtp.refuseSender = null;

    // Amazon SES names identities only: the sender's (every message) or, in its sandbox, the
    // recipient's (this one). The transport tells the policy which address it sent from.
    const ses = (who: string) =>
      `Message rejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: ${who}`;
    smtp.refuseRecipients = { code: 554, message: ses('tollgate@example.com') };
    expect(refusesEveryMessage(await sendError(smtp))).toBe(true);
    smtp.refuseRecipients = { code: 554, message: ses('someone@example.com') };
    expect(refusesEveryMessage(await sendError(smtp))).toBe(false);
    smtp.refuseRecipients = null;

    smtp.refuseWith = { code: 421, message: 'service not available' };
    expect(refusesEveryMessage(await sendError(smtp))).toBe(true); // RFC 5321 §3.8
    smtp.refuseWith = null;

    await smtp.down();
    expect(refusesEveryMessage(await sendError(smtp))).toBe(true); // connection refused
  });

  it('records each send: a refused recipient still says the server works', async () => {
    smtp.rejectRcpt.add('gone@example.com');
    recordMailSend(await sendError(smtp, 'gone@example.com'), 1_000);
    expect(mailServerTimes()).toEqual({ lastOkAt: 1_000, lastUnavailableAt: null });
    await smtp.down();
    recordMailSend(await sendError(smtp), 2_000);
    expect(mailServerTimes()).toEqual({ lastOkAt: 1_000, lastUnavailableAt: 2_000 });
  });

  it('holds the outbox after an answer that refuses every message: growing, capped, ended by an answer that says the server works', async () => {
    smtp.refuseWith = { code: 421, message: '4.7.0 Too many connections' };
    const refusal = await sendError(smtp);
    smtp.refuseWith = null;
    // Each refusal in a row holds longer, with jitter: within [ceiling / 2, ceiling].
    const holds = Array.from({ length: 10 }, () => recordMailSend(refusal));
    holds.forEach((ms, i) => {
      const ceiling = Math.min(RELAY_HOLD_MAX_MS, RELAY_HOLD_FIRST_MS * 2 ** i);
      expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
      expect(ms).toBeLessThanOrEqual(ceiling);
    });
    expect(holds.at(-1)).toBeGreaterThanOrEqual(RELAY_HOLD_MAX_MS / 2);
    expect(mailOutboxHeldMs()).toBeGreaterThan(0);
    expect(mailOutboxHeldMs(performance.now() + RELAY_HOLD_MAX_MS)).toBe(0); // it runs out

    // A refusal of one recipient says the server works: the hold ends, and the next starts short.
    smtp.rejectRcpt.add('gone@example.com');
    expect(recordMailSend(await sendError(smtp, 'gone@example.com'))).toBe(0);
    expect(mailOutboxHeldMs()).toBe(0);
    expect(recordMailSend(refusal)).toBeLessThanOrEqual(RELAY_HOLD_FIRST_MS);
    // So does a message taken.
    expect(recordMailSend(await sendError(smtp))).toBe(0);
    expect(mailOutboxHeldMs()).toBe(0);
  });

  it('probes a quiet server, once a minute at most, and records its answer', async () => {
    const transport = smtpTransport(smtp.url);
    const start = Date.now();
    await probeMailServerIfQuiet(transport);
    const up = mailServerTimes();
    expect(up.lastOkAt).toBeGreaterThanOrEqual(start);
    expect(up.lastUnavailableAt).toBeNull();

    await smtp.down();
    await probeMailServerIfQuiet(transport); // heard of it just now: no probe
    expect(mailServerTimes()).toEqual(up);

    await probeMailServerIfQuiet(transport, Date.now() + SMTP_PROBE_INTERVAL_MS);
    expect(mailServerTimes().lastUnavailableAt).toBeGreaterThanOrEqual(up.lastOkAt!);
    expect(mailServerTimes().lastOkAt).toBe(up.lastOkAt);
  });

  it('runs one probe for callers that come while it runs, and none for the dev mailbox', async () => {
    let probes = 0;
    let release!: () => void;
    const slow = {
      kind: 'smtp' as const,
      send: () => Promise.reject(new Error('not used')),
      verify: () => {
        probes += 1;
        return new Promise<void>((r) => (release = r));
      },
    };
    const a = probeMailServerIfQuiet(slow);
    const b = probeMailServerIfQuiet(slow);
    release();
    await Promise.all([a, b]);
    expect(probes).toBe(1);
    expect(mailServerTimes().lastOkAt).not.toBeNull();

    forget();
    await probeMailServerIfQuiet({ kind: 'mailbox', send: () => Promise.reject(new Error('not used')) });
    expect(mailServerTimes()).toEqual({ lastOkAt: null, lastUnavailableAt: null });
  });
});
