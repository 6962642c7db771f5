import { afterAll, beforeAll } from 'vitest';
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

/**
 * For a `describe` of mail tests: before them, a fresh database of `dialect` and a real SMTP server on
 * a loopback port (tests/helpers/smtp.ts); after them, the server stops. The fields are set once
 * the suite's beforeAll has run (read them inside tests, not while the describe is collected).
 */
export function mailSuite(dialect: Dialect): MailSuite {
  const suite = { deliver: () => processMailOutbox({ transport: suite.transport }) } as MailSuite;
  beforeAll(async () => {
    await useFreshDb(dialect);
    suite.smtp = await TestSmtp.start();
    suite.transport = smtpTransport(suite.smtp.url);
  });
  afterAll(async () => suite.smtp.down());
  return suite;
}
