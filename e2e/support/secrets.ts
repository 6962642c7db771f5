import fs from 'node:fs';
import path from 'node:path';
import { DEMO_TOTP_SECRET, DEMO_USERS } from '../../lib/demo/data';
import { parseMail, signInLinkOf } from '../../tests/helpers/mime';
import { E2E, E2E_DIR } from './env';
import { SMTP_DIR } from './smtp';

// Every secret an e2e run used, for the log scan in global teardown (issue 17: no SIP password,
// token, cookie or sign-in link in any log line). Journeys add what only they know (generated SIP
// passwords, session cookies) with rememberSecret; the rest is known here or read from the mail.
const FILE = path.join(E2E_DIR, 'secrets.jsonl');

/** Adds a secret this run used (a SIP password, a cookie value…) to the list the log scan checks. */
export function rememberSecret(value: string): void {
  fs.mkdirSync(E2E_DIR, { recursive: true });
  fs.appendFileSync(FILE, `${JSON.stringify(value)}\n`);
}

/** Passwords typed by the journeys and the seed (e2e/support/seed.ts, 01-foundation, 06-sessions). */
const TYPED = [
  'e2e-throttle-password-2026',
  'e2e-mail-password-2026',
  'e2e-session-password-2026',
  'e2e-ops-password-2026',
  'granite violet harbour lantern',
  'wrong-current-password',
];

/** The configuration secrets, demo passwords, remembered secrets, and each sign-in link (and its token) sent by mail. */
export function e2eSecrets(): string[] {
  const remembered = fs.existsSync(FILE)
    ? fs
        .readFileSync(FILE, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string)
    : [];
  const links = (fs.existsSync(SMTP_DIR) ? fs.readdirSync(SMTP_DIR) : [])
    .filter((f) => f.endsWith('.json'))
    .map((f) =>
      signInLinkOf(
        parseMail((JSON.parse(fs.readFileSync(path.join(SMTP_DIR, f), 'utf8')) as { raw: string }).raw),
      ),
    )
    .filter((l): l is string => l !== null);
  const tokens = links.map((l) => new URL(l).searchParams.get('token')).filter((t): t is string => !!t);
  const all = [
    E2E.authSecret,
    E2E.switchToken,
    E2E.webhookSecret,
    E2E.metricsToken,
    DEMO_TOTP_SECRET,
    ...DEMO_USERS.map((u) => u.password),
    ...TYPED,
    ...remembered,
    ...links,
    ...tokens,
  ];
  return [...new Set(all)].filter((s) => s.length >= 8);
}

/** Each line of `text` that contains one of `secrets`, with the secret named only by its length. */
export function linesWithSecrets(text: string, secrets: string[]): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const s = secrets.find((x) => line.includes(x));
    if (s) found.push(`line ${i + 1}: a ${s.length}-character secret`);
  });
  return found;
}
