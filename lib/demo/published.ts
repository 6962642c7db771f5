import { normalizedPassword, verifyPassword } from '@/lib/auth/password';
import type { Db } from '@/lib/server/db';
import { DEMO_USERS } from './data';

/**
 * The emails of the demo's logins (CONTRACTS §5, lib/demo/data.ts) that exist in `db` and still
 * accept the password the README publishes for them, in DEMO_USERS' order; [] when none does. A
 * database the demo seeded (`npm run demo`, e2e/support/seed.ts) has all four. `npm start` refuses to
 * serve such a database (scripts/start.ts, with publishedLoginsRefusal's words): anyone could sign in
 * to it. A demo login whose password an operator changed, or a database without the demo's emails, is
 * not named. Costs one argon2 verification per demo email that has a login (at most four).
 */
export async function publishedDemoLogins(db: Db): Promise<string[]> {
  const rows = await db.user.findMany({
    where: { email: { in: DEMO_USERS.map((u) => u.email) } },
    select: { email: true, passwordHash: true },
  });
  const hashes = new Map(rows.map((r) => [r.email, r.passwordHash]));
  const exposed: string[] = [];
  for (const u of DEMO_USERS) {
    const hash = hashes.get(u.email);
    if (hash && (await verifyPassword(hash, u.password))) exposed.push(u.email);
  }
  return exposed;
}

/**
 * True when `password` (as typed or as stored: compared after normalizedPassword) is one the README
 * publishes for a demo login (CONTRACTS §5), whichever login it would be given to: the operator
 * commands refuse it for a new or changed portal password (lib/accounts/commands.ts judgedPassword).
 */
export function isPublishedDemoPassword(password: string): boolean {
  const typed = normalizedPassword(password);
  return DEMO_USERS.some((u) => normalizedPassword(u.password) === typed);
}

/**
 * What `npm start` prints (stderr, then exit 1) for a database where the logins `emails`
 * (publishedDemoLogins, at least one) accept their published passwords: which logins, and the two ways
 * out with the tools Tollgate has: a password of the operator's own for each login (`npm run admin --
 * set-password`, lib/accounts/commands.ts setPassword: the staff console cannot be reached while
 * `npm start` refuses), or, when it is the demo's database, a database of the operator's own. Before
 * (2026-12-06) it named only the second, which is wrong for an operator who made `sam@tollgate.example`
 * with `demo-sam-2026` in their production database: they deleted the row with SQL. Lines end in `\n`
 * except the last.
 */
export function publishedLoginsRefusal(emails: readonly string[]): string {
  return [
    `This database holds logins that accept the password the README publishes for them (the demo's logins): ${emails.join(', ')}.`,
    'Anyone could sign in with them, so Tollgate does not start. Give each a password of your own, with the',
    'same DATABASE_URL (the password on stdin, or typed twice at a terminal; its sessions end):',
    ...emails.map((e) => `  npm run admin -- set-password --email ${e}`),
    "If this is the demo's database, point DATABASE_URL at a database of your own instead (README,",
    '"Configuration"): `npm run demo` keeps its data in data/demo.db.',
  ].join('\n');
}
