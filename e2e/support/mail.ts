import fs from 'node:fs';
import path from 'node:path';
import { type ParsedMail, parseMail, signInLinkOf } from '../../tests/helpers/mime';
import { SMTP_DIR } from './smtp';

export type E2eMail = ParsedMail & { file: string };

/** Every message the e2e SMTP server accepted for `to`, oldest first. */
export function mailTo(to: string): E2eMail[] {
  const files = fs.existsSync(SMTP_DIR)
    ? fs
        .readdirSync(SMTP_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  return files
    .map((file) => ({
      file,
      ...(JSON.parse(fs.readFileSync(path.join(SMTP_DIR, file), 'utf8')) as {
        rcptTo: string[];
        raw: string;
      }),
    }))
    .filter((m) => m.rcptTo.includes(to))
    .map((m) => ({ file: m.file, ...parseMail(m.raw) }));
}

/** Waits for a new message to `to` whose subject matches (the portal's mail worker ticks every second). */
export async function waitForMail(
  to: string,
  subject: RegExp,
  seen = new Set<string>(),
  timeoutMs = 20_000,
): Promise<E2eMail> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = mailTo(to).find((x) => !seen.has(x.file) && subject.test(x.subject));
    if (m) return m;
    if (Date.now() > until) throw new Error(`No message to ${to} matching ${subject} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const linkOf = (m: E2eMail) => {
  const link = signInLinkOf(m);
  if (!link) throw new Error(`No sign-in link in "${m.subject}"`);
  return link;
};
