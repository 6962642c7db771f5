// Run by e2e/kamailio-loop.spec.ts through runTsx: the demo data, except that Acme Dental (ACC-1001)
// starts with NO block. In the loop the reference switch places that block itself when SIPp dials +252…,
// and Tollgate learns about it only from the switch's signed event.
import { getDb } from '@/lib/server/db';
import { seedDemo } from '@/lib/demo/seed';

async function main() {
  const db = getDb();
  await seedDemo(db);
  const demoBlock = { sourceEventId: 'demo-seed-ACC-1001' };
  await db.$transaction([
    db.triggerCall.deleteMany({ where: { block: demoBlock } }),
    db.blockEvent.deleteMany({ where: { block: demoBlock } }),
    db.block.deleteMany({ where: demoBlock }),
  ]);
  const open = await db.block.count({
    where: { account: { number: 'ACC-1001' }, status: { in: ['active', 'lift_pending'] } },
  });
  if (open !== 0) throw new Error(`ACC-1001 still has ${open} open block(s)`);
  await db.$disconnect();
}

main().then(() => process.exit(0));
