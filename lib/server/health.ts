import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { env } from '@/lib/config/env';
import { db, isPostgres } from '@/lib/db';
import { lastSwitchCall } from '@/lib/server/metrics';
import { workerHeartbeats } from '@/lib/workers/start';

// Readiness (CONTRACTS §7): what a load balancer needs to decide whether to send this instance
// traffic. The database, its migrations and the workers decide it; the switch and SMTP are
// reported as `degraded` but never make an instance unready, so a slow switch does not pull every
// instance out of the pool at once (the outboxes retry, and pages tell the user what is pending).

/** A worker is stalled when it has not finished a tick for this long (a mail tick may wait on SMTP timeouts). */
export const WORKER_STALL_MS = 5 * 60_000;
/** The oldest pending outbox row older than this marks the switch or SMTP `degraded`. */
export const OUTBOX_LAG_MS = 2 * 60_000;

type Part = { status: 'ok' | 'down' | 'pending' | 'starting' | 'stalled' | 'disabled' | 'degraded'; [detail: string]: unknown };
export type Readiness = {
  ready: boolean;
  checks: { database: Part; migrations: Part; workers: Part; switch: Part; smtp: Part };
};

/**
 * Checks each part; never throws. `ready` is true when the database answers, every migration file
 * under prisma/migrations is recorded as applied, and each worker of this process finished a tick
 * within WORKER_STALL_MS (or workers are off here: TOLLGATE_WORKERS=0). Details name no secret.
 */
export async function readiness(now = Date.now()): Promise<Readiness> {
  const database = await db.$queryRaw`SELECT 1`.then(() => ({ status: 'ok' }) as Part, () => ({ status: 'down' }) as Part);
  const up = database.status === 'ok';
  const [migrations, outboxes] = up
    ? await Promise.all([migrationState(), outboxLag(now)])
    : [{ status: 'down' } as Part, null];
  const workers = workerState(now);
  const sw = lastSwitchCall();
  const switchDegraded = (sw !== null && sw.outcome === 'unavailable') || (outboxes?.switch ?? 0) > OUTBOX_LAG_MS;
  const smtpDegraded = (outboxes?.mail ?? 0) > OUTBOX_LAG_MS;
  const checks = {
    database,
    migrations,
    workers,
    switch: {
      status: switchDegraded ? 'degraded' : 'ok',
      lastCall: sw ? { outcome: sw.outcome, secondsAgo: Math.round((now - sw.at) / 1000) } : null,
      oldestPendingSeconds: outboxes ? Math.round(outboxes.switch / 1000) : null,
    } as Part,
    smtp: {
      status: smtpDegraded ? 'degraded' : 'ok',
      oldestPendingSeconds: outboxes ? Math.round(outboxes.mail / 1000) : null,
    } as Part,
  };
  const ready = up && migrations.status === 'ok' && (workers.status === 'ok' || workers.status === 'disabled');
  return { ready, checks };
}

async function migrationState(): Promise<Part> {
  try {
    const expected = migrationFiles(isPostgres() ? 'postgresql' : 'sqlite');
    const rows = await db.$queryRawUnsafe<{ name: string }[]>('SELECT name FROM "_tollgate_migrations"');
    const applied = new Set(rows.map((r) => r.name));
    const pending = expected.filter((n) => !applied.has(n));
    return pending.length ? { status: 'pending', pending } : { status: 'ok', applied: expected.length };
  } catch {
    return { status: 'down' }; // no migrations table: the database was never migrated
  }
}

/**
 * The migration files the database should have applied: the names lib/db/migrate.ts applies. Read
 * here rather than through its loadMigrations, whose unmarked fs calls make Next trace the whole
 * project into the server build.
 */
function migrationFiles(dialect: 'sqlite' | 'postgresql'): string[] {
  const dir = path.join(/*turbopackIgnore: true*/ process.cwd(), 'prisma', 'migrations', dialect);
  return fs.readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
}

function workerState(now: number): Part {
  if (env().TOLLGATE_WORKERS === '0') return { status: 'disabled' };
  const beats = workerHeartbeats();
  if (beats.length === 0) return { status: 'starting' };
  const each = Object.fromEntries(beats.map((b) => [b.name, b.lastTickAt === null ? null : Math.round((now - b.lastTickAt) / 1000)]));
  if (beats.some((b) => b.lastTickAt === null)) return { status: 'starting', lastTickSecondsAgo: each };
  const stalled = beats.some((b) => now - (b.lastTickAt as number) > WORKER_STALL_MS);
  return { status: stalled ? 'stalled' : 'ok', lastTickSecondsAgo: each };
}

/** Age in ms of the oldest pending row of each outbox (0 when empty). */
async function outboxLag(now: number): Promise<{ switch: number; mail: number } | null> {
  try {
    const [ops, mail] = await Promise.all([
      db.switchOperation.findFirst({ where: { status: 'pending' }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
      db.mailMessage.findFirst({ where: { status: 'pending' }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
    ]);
    return { switch: ops ? now - ops.createdAt.getTime() : 0, mail: mail ? now - mail.createdAt.getTime() : 0 };
  } catch {
    return null;
  }
}
