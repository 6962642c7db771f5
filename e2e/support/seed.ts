// Run by global setup: demo data plus the e2e-only users, in the e2e database. New journeys make their
// own data with ./factories.ts instead of adding here.
import { hashPassword } from '@/lib/auth/password';
import { encryptSecret } from '@/lib/auth/totp';
import { seedBlock } from '@/lib/blocks/lifecycle';
import { type Db, getDb } from '@/lib/server/db';
import { seedDemo } from '@/lib/demo/seed';
import { EDGE_PASSWORD, EDGE_TOTP_SECRET, EDGE_USERS } from './edge-users';

async function main() {
  const db = getDb();
  await seedDemo(db);
  // The email journeys' own account, so their blocks never change what the other journeys see.
  const mailAccount = await db.customerAccount.upsert({
    where: { number: 'ACC-9001' },
    update: {},
    create: { number: 'ACC-9001', name: 'Mail Test Co', country: 'US', timeZone: 'America/New_York' },
  });
  await db.sipCredential.upsert({
    where: { username: 'mail-trunk' },
    update: {},
    create: { accountId: mailAccount.id, username: 'mail-trunk', label: 'Office PBX' },
  });
  const mailUser = await db.user.upsert({
    where: { email: 'mail@e2e.example' },
    update: {},
    create: {
      email: 'mail@e2e.example',
      passwordHash: await hashPassword('e2e-mail-password-2026'),
      role: 'customer',
      timeZone: 'America/New_York',
    },
  });
  await db.membership.upsert({
    where: { userId_accountId: { userId: mailUser.id, accountId: mailAccount.id } },
    update: {},
    create: { userId: mailUser.id, accountId: mailAccount.id },
  });
  // The operations journey's own account and user (e2e/09-operations.spec.ts): it blocks the account
  // through a signed event and faults the switch, which no other journey should see.
  const opsAccount = await db.customerAccount.upsert({
    where: { number: 'ACC-9017' },
    update: {},
    create: { number: 'ACC-9017', name: 'Operations Test Co', country: 'US', timeZone: 'UTC' },
  });
  await db.sipCredential.upsert({
    where: { username: 'ops-trunk' },
    update: {},
    create: { accountId: opsAccount.id, username: 'ops-trunk', label: 'Ops PBX' },
  });
  const opsUser = await db.user.upsert({
    where: { email: 'ops@e2e.example' },
    update: {},
    create: {
      email: 'ops@e2e.example',
      passwordHash: await hashPassword('e2e-ops-password-2026'),
      role: 'customer',
    },
  });
  await db.membership.upsert({
    where: { userId_accountId: { userId: opsUser.id, accountId: opsAccount.id } },
    update: {},
    create: { userId: opsUser.id, accountId: opsAccount.id },
  });
  // Users whose sessions the session tests revoke and whose password they change.
  for (const email of ['revoke@e2e.example', 'rotate@e2e.example']) {
    await db.user.upsert({
      where: { email },
      update: {},
      create: { email, passwordHash: await hashPassword('e2e-session-password-2026'), role: 'customer' },
    });
  }
  // e2e/08-block-truth: one account per scenario, all held by one customer; the spec provisions the switch.
  const truthUser = await db.user.upsert({
    where: { email: 'truth@e2e.example' },
    update: {},
    create: {
      email: 'truth@e2e.example',
      passwordHash: await hashPassword('e2e-truth-password-2026'),
      role: 'customer',
      timeZone: 'UTC',
    },
  });
  for (const [number, name] of [
    ['ACC-8001', 'Truth Inflight Co'],
    ['ACC-8002', 'Truth Late Co'],
    ['ACC-8003', 'Truth Twoblock Co'],
    ['ACC-8004', 'Truth Manual Co'],
    ['ACC-8005', 'Truth Stale Co'],
  ]) {
    const a = await db.customerAccount.upsert({
      where: { number },
      update: {},
      create: { number, name, country: 'US', timeZone: 'America/New_York' },
    });
    for (const suffix of ['desk', 'pbx']) {
      const username = `${number.toLowerCase()}-${suffix}`;
      await db.sipCredential.upsert({
        where: { username },
        update: {},
        create: { accountId: a.id, username, label: suffix === 'desk' ? 'Front desk' : 'Office PBX' },
      });
    }
    await db.membership.upsert({
      where: { userId_accountId: { userId: truthUser.id, accountId: a.id } },
      update: {},
      create: { userId: truthUser.id, accountId: a.id },
    });
  }
  await seedNumbersAndTimes(db);
  // Issue 12's journeys (e2e/10-sign-in-edges.spec.ts): their own account and users, changed by nobody else.
  const edgeAccount = await db.customerAccount.upsert({
    where: { number: 'ACC-9012' },
    update: {},
    create: { number: 'ACC-9012', name: 'Edge Co', country: 'US', timeZone: 'America/New_York' },
  });
  await db.sipCredential.upsert({
    where: { username: 'edge-trunk' },
    update: {},
    create: { accountId: edgeAccount.id, username: 'edge-trunk', label: 'Edge PBX' },
  });
  const edgeHash = await hashPassword(EDGE_PASSWORD);
  for (const [email, role, member] of EDGE_USERS) {
    const staff = role !== 'customer';
    const u = await db.user.upsert({
      where: { email },
      update: {},
      create: {
        email,
        passwordHash: edgeHash,
        role,
        ...(staff ? { totpSecret: encryptSecret(EDGE_TOTP_SECRET), totpEnabledAt: new Date() } : {}),
      },
    });
    if (member)
      await db.membership.upsert({
        where: { userId_accountId: { userId: u.id, accountId: edgeAccount.id } },
        update: {},
        create: { userId: u.id, accountId: edgeAccount.id },
      });
  }
  await db.$disconnect();
}

main().then(() => process.exit(0));

/**
 * 11-numbers-and-times: a US account with its callback number on file, blocked by calls that the
 * switch wrote in four forms, at the two nights the clocks went back in 2026 (Madrid on Oct 25, New
 * York on Nov 1), and two members whose browsers are in those zones. Nothing else uses it.
 */
async function seedNumbersAndTimes(db: Db) {
  const account = await db.customerAccount.upsert({
    where: { number: 'ACC-1301' },
    update: {},
    create: {
      number: 'ACC-1301',
      name: 'Numbers Test Co',
      country: 'US',
      timeZone: 'America/New_York',
      phone: '+12125550100',
    },
  });
  await db.sipCredential.upsert({
    where: { username: 'numbers-desk' },
    update: {},
    create: { accountId: account.id, username: 'numbers-desk', label: 'Front desk' },
  });
  if (!(await db.block.findUnique({ where: { sourceEventId: 'e2e-numbers-1301' } }))) {
    const call = (at: string, to: string) => ({
      at: new Date(at),
      sipUsername: 'numbers-desk',
      to,
      sourceIp: '203.0.113.9',
      durationSec: 0,
    });
    // Through the lifecycle module, the only writer of block rows (tests/unit/block-writer-wall.test.ts).
    await seedBlock(db, {
      accountId: account.id,
      reason: 'high_risk_destination',
      placedAt: new Date('2026-11-01T06:31:00Z'),
      sourceEventId: 'e2e-numbers-1301',
      calls: [
        call('2026-10-25T00:30:00Z', '+88213100456'),
        call('2026-10-25T01:30:00Z', '18765550123'),
        call('2026-11-01T05:30:00Z', '252611234567'),
        call('2026-11-01T06:30:00Z', '011252611234567'),
      ],
    });
  }
  for (const email of ['madrid@e2e.example', 'newyork@e2e.example']) {
    const user = await db.user.upsert({
      where: { email },
      update: {},
      create: { email, passwordHash: await hashPassword('e2e-numbers-password-2026'), role: 'customer' },
    });
    await db.membership.upsert({
      where: { userId_accountId: { userId: user.id, accountId: account.id } },
      update: {},
      create: { userId: user.id, accountId: account.id },
    });
  }
}
