import { afterAll, beforeAll, beforeEach } from 'vitest';
import { smtpTransport, type MailTransport } from '@/lib/mail/transport';
import { processMailOutbox } from '@/lib/mail/worker';
import { type Dialect, useFreshDb } from './db';
import { TestSmtp } from './smtp';

/** What a mail suite's tests use: the SMTP server, the portal's transport to it, one outbox run. */
export type MailSuite = {
  smtp: TestSmtp;
  transport: MailTransport;
  /** One run of the mail outbox over `transport`; resolves to the number of messages sent. */
  deliver: () => Promise<number>;
};

/** This process's record of the mail server and the outbox's hold (lib/mail/server-state.ts). */
type HoldRecord = { holdStrikes: number; holdUntil: number };
const record = () => (globalThis as { __tollgateMailServer?: HoldRecord }).__tollgateMailServer;

/**
 * Time passes for the mail outbox's hold (lib/mail/server-state.ts): the hold an answer refusing
 * every message put on this process's outbox has run out, as when its backoff ends, and the next
 * run tries again (a refusal then holds it longer: the count of refusals in a row is kept). The
 * counterpart of a test's moving the rows' due times into the past.
 */
export function holdRunOut(): void {
  const r = record();
  if (r) r.holdUntil = 0;
}

/**
 * No hold on the mail outbox, and no refusal counted towards the next (lib/mail/server-state.ts): as
 * in a fresh process, or after a message was taken. For a test that starts with a mail server of its
 * own (another relay: in production a new SMTP_URL, and a restart).
 */
export function noHold(): void {
  const r = record();
  if (r) Object.assign(r, { holdStrikes: 0, holdUntil: 0 });
}

/**
 * For a `describe` of mail tests: before them, a fresh database of `dialect` and a real SMTP server on
 * a loopback port (tests/helpers/smtp.ts); after them, the server stops. Each test starts with no
 * hold on the outbox (as a fresh process: lib/mail/server-state.ts), whatever the one before left.
 * The fields are set once the suite's beforeAll has run (read them inside tests, not while the
 * describe is collected).
 */
export function mailSuite(dialect: Dialect): MailSuite {
  const suite = { deliver: () => processMailOutbox({ transport: suite.transport }) } as MailSuite;
  beforeAll(async () => {
    await useFreshDb(dialect);
    suite.smtp = await TestSmtp.start();
    suite.transport = smtpTransport(suite.smtp.url);
  });
  beforeEach(noHold);
  afterAll(async () => suite.smtp.down());
  return suite;
}
