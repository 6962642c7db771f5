// Bulk data for the staff bench: 100 000 accounts (each with a member and a SIP credential), one block
// each, 1 000 000 block events, 1 000 000 audit rows and 2 000 pending unblock requests. Written with
// set-based SQL (recursive CTE / generate_series) in the database itself: the ORM would take hours.
// BENCH_STAFF_SCALE (default 1) multiplies every size, e.g. 0.05 for a quick try.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadMigrations, migrate } from '../lib/server/db/migrate';

const scale = Number(process.env.BENCH_STAFF_SCALE ?? 1);
if (!(scale > 0 && scale <= 1)) throw new Error('BENCH_STAFF_SCALE must be in (0, 1]');
const n = (x: number) => Math.max(10, Math.round(x * scale));

export const SIZES = { accounts: n(100_000), eventsPerBlock: 10, audit: n(1_000_000), pending: n(2_000) };

// Members' names as Spain and Latin America write them: a given name and two surnames, with accents.
const GIVEN = (
  'María José, José Luis, Ana, Lucía, Andrés, Sofía, Jesús, Inés, Ramón, Begoña, Íñigo, Nuria, ' +
  'Joaquín, Mónica, Raúl, Marta, Sebastián, Elena, Tomás, Carmen'
).split(', ');
const SURNAMES = (
  'Fernández, López, García, Martínez, Rodríguez, González, Pérez, Sánchez, Gómez, Díaz, Hernández, ' +
  'Muñoz, Álvarez, Jiménez, Ruiz, Moreno, Romero, Navarro, Torres, Domínguez, Vázquez, Ramos, Gil, ' +
  'Ramírez, Serrano, Blanco, Suárez, Molina, Castro, Ortiz, Rubio, Marín, Sanz, Núñez, Iglesias, ' +
  'Medina, Garrido, Cortés, Castillo, Santos, Lozano, Guerrero, Cano, Prieto, Méndez, Cruz, Calvo, ' +
  'Gallego, Vidal, León'
).split(', ');
// The parts of member i's name: given i % 20, first surname (i / 20) % 50, second (i / 1000 + 7) % 50:
// at 100 000 members each of the 50 000 names belongs to two (i and i + 50 000), and each surname to
// about 4 000, so a full name is a narrow search and a surname a broad one (lib/staff/search.ts).
const nameParts = (i: string) => [`${i} % 20`, `(${i} / 20) % 50`, `(${i} / 1000 + 7) % 50`];

/** The name the seed gives member i (user_i, of account i): "Inés Fernández Sánchez". */
export function memberName(i: number): string {
  const [g, s1, s2] = [i % 20, Math.floor(i / 20) % 50, (Math.floor(i / 1000) + 7) % 50];
  return `${GIVEN[g]} ${SURNAMES[s1]} ${SURNAMES[s2]}`;
}

const ts = {
  sqlite: (expr: string) =>
    `strftime('%Y-%m-%dT%H:%M:%f+00:00', '2026-01-01', '+' || (${expr}) || ' seconds')`,
  pg: (expr: string) => `(timestamp '2026-01-01' + ((${expr}) || ' seconds')::interval)`,
};

function statements(d: 'sqlite' | 'pg'): string[] {
  const t = ts[d];
  const series = (n: number) =>
    d === 'sqlite' ? `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) ` : '';
  const from = (n: number) => (d === 'sqlite' ? 'FROM s' : `FROM generate_series(1, ${n}) AS s(i)`);
  const cast = (e: string) => (d === 'pg' ? `(${e})::text` : `(${e})`);
  const enumv = (v: string, type: string) => (d === 'pg' ? `'${v}'::"${type}"` : `'${v}'`);
  const { accounts: A, eventsPerBlock: E, audit: L, pending: P } = SIZES;
  const values = (list: string[]) => list.map((v, k) => `(${k}, '${v}')`).join(', ');
  // The name lists as tables g (given names) and f (surnames), after the series' CTE on SQLite.
  const names = `g(k, v) AS (VALUES ${values(GIVEN)}), f(k, v) AS (VALUES ${values(SURNAMES)}) `;
  const withNames = (n: number) => (d === 'sqlite' ? `${series(n).trimEnd()}, ${names}` : `WITH ${names}`);
  const [gk, s1k, s2k] = nameParts('i');
  const name = `(SELECT v FROM g WHERE k = ${gk}) || ' ' || (SELECT v FROM f WHERE k = ${s1k}) || ' ' || (SELECT v FROM f WHERE k = ${s2k})`;
  return [
    `${series(A)}INSERT INTO "CustomerAccount" (id, number, name, country, "timeZone", "createdAt") SELECT 'acct_' || ${cast('i')}, 'ACC-' || ${cast(`${1_000_000} + i`)}, 'Company ' || ${cast('i')} || ' Dental & Labs', 'US', 'America/New_York', ${t('i')} ${from(A)}`,
    `${withNames(A)}INSERT INTO "User" (id, email, name, role, disabled, "timeZone", locale, "createdAt", "updatedAt") SELECT 'user_' || ${cast('i')}, 'member' || ${cast('i')} || '@bench.example', ${name}, ${enumv('customer', 'Role')}, false, 'UTC', 'en', ${t('i')}, ${t('i')} ${from(A)}`,
    `${series(A)}INSERT INTO "Membership" (id, "userId", "accountId", "createdAt") SELECT 'mem_' || ${cast('i')}, 'user_' || ${cast('i')}, 'acct_' || ${cast('i')}, ${t('i')} ${from(A)}`,
    `${series(A)}INSERT INTO "SipCredential" (id, "accountId", username, label, "createdAt") SELECT 'cred_' || ${cast('i')}, 'acct_' || ${cast('i')}, 'sip-' || ${cast('i')}, 'Desk phone', ${t('i')} ${from(A)}`,
    `${series(A)}INSERT INTO "Block" (id, "accountId", reason, status, "placedAt", "placedBy", "createdAt") SELECT 'blk_' || ${cast('i')}, 'acct_' || ${cast('i')}, ${enumv('high_risk_destination', 'BlockReason')}, CASE WHEN i <= ${P * 5} THEN ${enumv('active', 'BlockStatus')} ELSE ${enumv('lifted', 'BlockStatus')} END, ${t('i * 60')}, 'switch', ${t('i * 60')} ${from(A)}`,
    `${series(A * E)}INSERT INTO "BlockEvent" (id, "blockId", type, at, actor) SELECT 'ev_' || ${cast('i')}, 'blk_' || ${cast(`((i - 1) / ${E}) + 1`)}, ${enumv('placed', 'BlockEventType')}, ${t('i * 6')}, 'switch' ${from(A * E)}`,
    `${series(P * 3)}INSERT INTO "TriggerCall" (id, "blockId", at, "sipUsername", "to", "sourceIp", "durationSec") SELECT 'call_' || ${cast('i')}, 'blk_' || ${cast('((i - 1) / 3) + 1')}, ${t('i * 20')}, 'sip-' || ${cast('((i - 1) / 3) + 1')}, '+25261123' || ${cast('1000 + i')}, '203.0.113.9', 0 ${from(P * 3)}`,
    `${series(P)}INSERT INTO "UnblockRequest" (id, "blockId", "accountId", kind, status, "openKey", "submittedById", "whatHappened", "intendedNumber", "misdialCallIds", "callbackPhone", "createdAt") SELECT 'req_' || ${cast('i')}, 'blk_' || ${cast('i')}, 'acct_' || ${cast('i')}, ${enumv('misdial', 'RequestKind')}, ${enumv('pending', 'RequestStatus')}, 'blk_' || ${cast('i')}, 'user_' || ${cast('i')}, 'Mistyped the prefix.', '+12125550100', '[]', '+12125550100', ${t('i * 60')} ${from(P)}`,
    // Each row with the detail its action's writer stores, so the audit pages read and word them as a
    // real log's (lib/staff/audit-detail.ts).
    `${series(L)}INSERT INTO "AuditLog" (id, at, "actorId", "actorEmail", action, "accountId", ip, detail) SELECT 'aud_' || ${cast('i')}, ${t('i * 3')}, 'user_' || ${cast(`(i % ${A}) + 1`)}, 'member' || ${cast(`(i % ${A}) + 1`)} || '@bench.example', CASE i % 4 WHEN 0 THEN 'sign_in.success' WHEN 1 THEN 'sign_in.failure' WHEN 2 THEN 'sip_password.changed' ELSE 'request.submitted' END, 'acct_' || ${cast(`(i % ${A}) + 1`)}, '198.51.100.7', CASE i % 4 WHEN 0 THEN '{"knownDevice":true}' WHEN 1 THEN '{"email":"member' || ${cast(`(i % ${A}) + 1`)} || '@bench.example","knownDevice":false}' WHEN 2 THEN '{"username":"sip-' || ${cast(`(i % ${A}) + 1`)} || '","score":4,"changeId":"chg_' || ${cast('i')} || '"}' ELSE '{"kind":"misdial"}' END ${from(L)}`,
  ];
}

const timed = (label: string, f: () => void) => {
  const t = performance.now();
  f();
  if (process.env.BENCH_VERBOSE) console.log(`  seed ${label}: ${Math.round(performance.now() - t)} ms`);
};

/**
 * Migrates and bulk-seeds `databaseUrl`. A SQLite database is built once per set of migrations,
 * seed and sizes, kept in bench/results/cache/ (gitignored) and copied for each run: seeding a
 * million rows through the search triggers is the slow part of the bench.
 */
export async function migrateAndSeed(databaseUrl: string): Promise<{ cached: boolean }> {
  if (!databaseUrl.startsWith('file:')) {
    await migrate(databaseUrl);
    await seedBulk(databaseUrl);
    return { cached: false };
  }
  const hash = crypto.createHash('sha256');
  for (const m of loadMigrations('sqlite')) hash.update(`${m.name}:${m.checksum}\n`);
  hash.update(fs.readFileSync(new URL(import.meta.url)));
  hash.update(JSON.stringify(SIZES));
  const dir = path.resolve('bench/results/cache');
  const cached = path.join(dir, `staff-${hash.digest('hex').slice(0, 16)}.db`);
  const hit = fs.existsSync(cached);
  if (!hit) {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(dir)) if (f.startsWith('staff-')) fs.rmSync(path.join(dir, f));
    const building = `${cached}.building`;
    await migrate(`file:${building}`);
    await seedBulk(`file:${building}`);
    fs.renameSync(building, cached);
  }
  fs.copyFileSync(cached, databaseUrl.replace(/^file:/, ''));
  if (process.env.BENCH_SQLITE_ANALYZE === '1') {
    const db = new Database(databaseUrl.replace(/^file:/, ''));
    db.exec('ANALYZE');
    db.close();
  }
  return { cached: hit };
}

export async function seedBulk(databaseUrl: string): Promise<void> {
  if (databaseUrl.startsWith('file:')) {
    const db = new Database(databaseUrl.replace(/^file:/, ''));
    db.pragma('journal_mode = WAL');
    db.transaction(() => {
      for (const s of statements('sqlite'))
        timed(s.slice(s.indexOf('INSERT INTO'), s.indexOf('(')), () => db.exec(s.replace(/\bfalse\b/g, '0')));
    })();
    // Back to one file (no -wal beside it), so the cached copy is complete.
    db.pragma('wal_checkpoint(TRUNCATE)');
    // No ANALYZE: nothing in Tollgate runs ANALYZE or PRAGMA optimize on SQLite, so a provider's
    // database has no statistics and its plans are those SQLite makes without them. Until the
    // forty-fourth session the seed ran ANALYZE, and its plans hid a missing index (migration 0028).
    // BENCH_SQLITE_ANALYZE=1 analyses each run's copy, to compare (migrateAndSeed).
    db.close();
    return;
  }
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query('BEGIN');
    for (const s of statements('pg')) {
      const t = performance.now();
      await c.query(s);
      if (process.env.BENCH_VERBOSE)
        console.log(
          `  seed ${s.slice(s.indexOf('INSERT INTO'), s.indexOf('('))}: ${Math.round(performance.now() - t)} ms`,
        );
    }
    await c.query('COMMIT');
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
}
