// Run by bench/switch-events.bench.ts through runTsx (server conditions): N customer accounts for the
// benchmark's events (ACC-B00001 …) plus ACC-BWARM for the warm-up. No members, so no mail is queued.
import { getDb } from '@/lib/server/db';

const benchAccountNumber = (i: number) => `ACC-B${String(i + 1).padStart(5, '0')}`;

async function main() {
  const n = Number(process.argv[2] ?? '100');
  if (!Number.isInteger(n) || n < 1 || n > 99_999) throw new Error('usage: seed-accounts.ts <count 1–99999>');
  // Not a request: one INSERT of up to 100 000 rows (and their search indexes) outlasts the limit
  // meant for requests (lib/server/db/pg-limits.ts; 99 999 rows were cut at the default, 2026-12-03).
  process.env.POSTGRES_STATEMENT_TIMEOUT_MS ??= '600000';
  const db = getDb();
  const data = [...Array.from({ length: n }, (_, i) => benchAccountNumber(i)), 'ACC-BWARM'].map((number) => ({
    number,
    name: `Bench ${number}`,
  }));
  await db.customerAccount.createMany({ data });
  process.stdout.write(String(await db.customerAccount.count()));
  await db.$disconnect();
}

main().then(() => process.exit(0));
