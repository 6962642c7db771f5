import { verifyPassword } from '@/lib/auth/password';
import type { Db } from '@/lib/server/db';
import { DEMO_USERS } from './data';

/**
 * The emails of the demo's logins (CONTRACTS §5, lib/demo/data.ts) that exist in `db` and still
 * accept the password the README publishes for them, in DEMO_USERS' order; [] when none does. A
 * database the demo seeded (`npm run demo`, e2e/support/seed.ts) has all four. `npm start` refuses to
 * serve such a database (scripts/start.ts): anyone could sign in to it. A demo login whose password
 * an operator changed, or a database without the demo's emails, is not named. Costs one argon2
 * verification per demo email that has a login (at most four).
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
