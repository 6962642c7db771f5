import type { Db } from '@/lib/server/db';
import { hashPassword } from '@/lib/auth/password';
import { isStaff } from '@/lib/auth/roles';
import { encryptSecret } from '@/lib/auth/totp';
import { seedBlock } from '@/lib/blocks/lifecycle';
import { DEMO_ACCOUNTS, DEMO_TOTP_SECRET, DEMO_USERS } from './data';

/**
 * Idempotent: everything is keyed by natural keys (email, account number, username, a fixed
 * sourceEventId per demo block), and nothing that exists is touched, so a second run changes nothing.
 */
export async function seedDemo(db: Db, now = new Date()): Promise<{ created: number }> {
  let created = 0;
  for (const a of DEMO_ACCOUNTS) {
    const existing = await db.customerAccount.findUnique({ where: { number: a.number } });
    const account =
      existing ??
      (await db.customerAccount.create({
        data: { number: a.number, name: a.name, country: a.country, timeZone: a.timeZone },
      }));
    if (!existing) created++;
    for (const c of a.credentials) {
      if (!(await db.sipCredential.findUnique({ where: { username: c.username } }))) {
        await db.sipCredential.create({
          data: { accountId: account.id, username: c.username, label: c.label },
        });
        created++;
      }
    }
    if (a.block && !(await db.block.findUnique({ where: { sourceEventId: `demo-seed-${a.number}` } }))) {
      const placedAt = new Date(now.getTime() - a.block.minutesAgo * 60_000);
      await seedBlock(db, {
        accountId: account.id,
        reason: a.block.reason,
        placedAt,
        sourceEventId: `demo-seed-${a.number}`,
        calls: a.block.calls.map((c) => ({
          at: new Date(placedAt.getTime() - c.secondsBefore * 1000),
          sipUsername: c.from,
          to: c.to,
          sourceIp: c.sourceIp,
          durationSec: c.durationSec,
        })),
      });
      created++;
    }
  }
  for (const u of DEMO_USERS) {
    let user = await db.user.findUnique({ where: { email: u.email } });
    if (!user) {
      const staff = isStaff(u);
      user = await db.user.create({
        data: {
          email: u.email,
          name: u.name,
          role: u.role,
          passwordHash: await hashPassword(u.password),
          emailVerified: now,
          ...(staff ? { totpSecret: encryptSecret(DEMO_TOTP_SECRET), totpEnabledAt: now } : {}),
        },
      });
      created++;
    }
    for (const number of u.accounts) {
      const account = await db.customerAccount.findUniqueOrThrow({ where: { number } });
      const m = await db.membership.findUnique({
        where: { userId_accountId: { userId: user.id, accountId: account.id } },
      });
      if (!m) {
        await db.membership.create({ data: { userId: user.id, accountId: account.id } });
        created++;
      }
    }
  }
  return { created };
}
