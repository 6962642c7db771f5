// Run through runTsx by e2e/13-allowances.spec.ts: its own blocked account, member and block, so the
// journey passes alone and in any order. Prints {number, name, email, password, blockId}. With
// `--requested`, the member has also asked for an allowance that waits for support; with
// `--requested-at=<ISO time>` too, asked at that time (older than every other journey's request).
import crypto from 'node:crypto';
import { hashPassword } from '@/lib/auth/password';
import { seedBlock } from '@/lib/blocks/lifecycle';
import { getDb } from '@/lib/server/db';

async function main() {
  const db = getDb();
  const tag = crypto.randomBytes(3).toString('hex').toUpperCase();
  const number = `ACC-A${tag}`;
  const name = `Allowance Co ${tag}`;
  const email = `allow-${tag.toLowerCase()}@e2e.example`;
  const password = 'e2e-allowance-password-2026';
  const account = await db.customerAccount.create({ data: { number, name, country: 'US', timeZone: 'UTC' } });
  const username = `allow-${tag.toLowerCase()}-pbx`;
  await db.sipCredential.create({ data: { accountId: account.id, username, label: 'Office PBX' } });
  const user = await db.user.create({
    data: { email, passwordHash: await hashPassword(password), role: 'customer', timeZone: 'UTC' },
  });
  await db.membership.create({ data: { userId: user.id, accountId: account.id } });
  const at = new Date(Date.now() - 60_000);
  await seedBlock(db, {
    accountId: account.id,
    reason: 'high_risk_destination',
    placedAt: at,
    sourceEventId: `evt_e2e_allow_${tag}`,
    calls: [{ at, sipUsername: username, to: '+252611234567', sourceIp: '185.220.101.47', durationSec: 0 }],
  });
  const block = await db.block.findFirstOrThrow({ where: { accountId: account.id } });
  // `--requested`: the member has already asked for Somalia for 4 h (a journey that starts at support's desk).
  const askedAt = process.argv.find((a) => a.startsWith('--requested-at='))?.slice('--requested-at='.length);
  if (process.argv.includes('--requested') || askedAt)
    await db.destinationAllowance.create({
      data: {
        ...(askedAt ? { createdAt: new Date(askedAt) } : {}),
        accountId: account.id,
        blockId: block.id,
        country: 'SO',
        hours: 4,
        reason: 'We must call our supplier in Mogadishu.',
        callbackPhone: '+12025550143',
        requestedById: user.id,
      },
    });
  process.stdout.write(
    JSON.stringify({
      number,
      name,
      email,
      password,
      username,
      blockId: block.id,
      placedAt: at.toISOString(),
    }),
  );
  await db.$disconnect();
}

main().then(() => process.exit(0));
