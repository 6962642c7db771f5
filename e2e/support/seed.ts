// Run by global setup: demo data plus the e2e-only users, in the e2e database.
import { hashPassword } from '@/lib/auth/password';
import { getDb } from '@/lib/db';
import { seedDemo } from '@/lib/demo/seed';

async function main() {
  const db = getDb();
  await seedDemo(db);
  // A customer whose only purpose is to be throttled, so the limiter never locks out a journey's user.
  await db.user.upsert({
    where: { email: 'throttle@e2e.example' },
    update: {},
    create: { email: 'throttle@e2e.example', passwordHash: await hashPassword('e2e-throttle-password-2026'), role: 'customer' },
  });
  // The email journeys' own account, so their blocks never change what the other journeys see.
  const mailAccount = await db.customerAccount.upsert({ where: { number: 'ACC-9001' }, update: {}, create: { number: 'ACC-9001', name: 'Mail Test Co', country: 'US', timeZone: 'America/New_York' } });
  await db.sipCredential.upsert({ where: { username: 'mail-trunk' }, update: {}, create: { accountId: mailAccount.id, username: 'mail-trunk', label: 'Office PBX' } });
  const mailUser = await db.user.upsert({
    where: { email: 'mail@e2e.example' },
    update: {},
    create: { email: 'mail@e2e.example', passwordHash: await hashPassword('e2e-mail-password-2026'), role: 'customer', timeZone: 'America/New_York' },
  });
  await db.membership.upsert({ where: { userId_accountId: { userId: mailUser.id, accountId: mailAccount.id } }, update: {}, create: { userId: mailUser.id, accountId: mailAccount.id } });
  // Users whose sessions the session tests revoke and whose password they change.
  for (const email of ['revoke@e2e.example', 'rotate@e2e.example']) {
    await db.user.upsert({ where: { email }, update: {}, create: { email, passwordHash: await hashPassword('e2e-session-password-2026'), role: 'customer' } });
  }
  await db.$disconnect();
}

main().then(() => process.exit(0));
