import type { Db } from '@/lib/server/db';
import { hashPassword } from '@/lib/auth/password';
import { isStaff } from '@/lib/auth/roles';
import { encryptSecret } from '@/lib/auth/totp';
import { seedBlock } from '@/lib/blocks/lifecycle';
import { queueMailToMembers } from '@/lib/mail/queue';
import { lockAccount } from '@/lib/server/db/lock';
import { DEMO_ACCOUNTS, DEMO_TOTP_SECRET, DEMO_USERS } from './data';

/** What one seeding did: `created` records, and `notices` block notice messages queued. */
export type SeedResult = { created: number; notices: number };

/**
 * Seeds the demo data (CONTRACTS §5, lib/demo/data.ts) into `db`; `now` dates the blocks. Idempotent:
 * everything is keyed by natural keys (email, account number, username, a fixed sourceEventId per demo
 * block), and nothing that exists is touched, so a second run changes nothing and returns
 * `{ created: 0, notices: 0 }`.
 *
 * `opts.notices` (`npm run demo`, scripts/demo.ts): each block this run creates comes with its block
 * notice to every member of its account, queued in the mail outbox as a switch's block's notice is
 * (lib/mail/queue.ts queueMailToMembers, template `block_notice`, under the account's lock), so the mail
 * worker renders and sends it like any other: the dev mailbox then holds Dana's and Omar's notices,
 * whose links sign them in on the block page (DESIGN.md "What done looks like"). The logins are made
 * before the blocks for that reason. A block that already existed gets none, so a re-run queues
 * nothing and `--reset` (a fresh database) queues each notice once (a run stopped between a block
 * and its notice leaves that block without one). Off by default: the test harnesses
 * that seed the demo data (e2e/support/seed.ts, e2e/support/kamailio-seed.ts) read their mail from
 * SMTP, and one removes the seeded block.
 */
export async function seedDemo(
  db: Db,
  now = new Date(),
  opts: { notices?: boolean } = {},
): Promise<SeedResult> {
  let created = 0;
  const accounts = new Map<string, string>();
  for (const a of DEMO_ACCOUNTS) {
    const existing = await db.customerAccount.findUnique({ where: { number: a.number } });
    const account =
      existing ??
      (await db.customerAccount.create({
        data: { number: a.number, name: a.name, country: a.country, timeZone: a.timeZone },
      }));
    if (!existing) created++;
    accounts.set(a.number, account.id);
    for (const c of a.credentials) {
      if (!(await db.sipCredential.findUnique({ where: { username: c.username } }))) {
        await db.sipCredential.create({
          data: { accountId: account.id, username: c.username, label: c.label },
        });
        created++;
      }
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
      const accountId = accounts.get(number)!;
      const m = await db.membership.findUnique({
        where: { userId_accountId: { userId: user.id, accountId } },
      });
      if (!m) {
        await db.membership.create({ data: { userId: user.id, accountId } });
        created++;
      }
    }
  }
  let notices = 0;
  for (const a of DEMO_ACCOUNTS) {
    const sourceEventId = `demo-seed-${a.number}`;
    if (!a.block || (await db.block.findUnique({ where: { sourceEventId } }))) continue;
    const accountId = accounts.get(a.number)!;
    const placedAt = new Date(now.getTime() - a.block.minutesAgo * 60_000);
    await seedBlock(db, {
      accountId,
      reason: a.block.reason,
      placedAt,
      sourceEventId,
      calls: a.block.calls.map((c) => ({
        at: new Date(placedAt.getTime() - c.secondsBefore * 1000),
        sipUsername: c.from,
        to: c.to,
        sourceIp: c.sourceIp,
        durationSec: c.durationSec,
      })),
    });
    created++;
    if (!opts.notices) continue;
    const { id: blockId } = await db.block.findUniqueOrThrow({
      where: { sourceEventId },
      select: { id: true },
    });
    notices += await db.$transaction(async (tx) => {
      await lockAccount(tx, accountId);
      return queueMailToMembers(tx, accountId, 'block_notice', { blockId });
    });
  }
  return { created, notices };
}
