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
  await db.$disconnect();
}

main().then(() => process.exit(0));
