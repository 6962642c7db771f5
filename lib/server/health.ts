import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { env } from '@/lib/server/env';
import { db, isPostgres } from '@/lib/server/db';
import { switchCallTimes } from '@/lib/server/metrics';
import { clockOffset, CLOCK_SKEW_TOLERANCE_MS } from '@/lib/server/clock';
import { mailServerTimes, probeMailServerIfQuiet, type MailServerTimes } from '@/lib/mail/server-state';
import type { MailTransport } from '@/lib/mail/transport';
import { mailOutboxLagMs } from '@/lib/mail/lag';
import { TIMED_OUT, within } from '@/lib/server/within';

// Readiness (CONTRACTS §7): what a load balancer needs to decide whether to send this instance
// traffic. The database, its migrations and the workers decide it; the switch and SMTP are
// reported as `degraded` but never make an instance unready, so a slow switch does not pull every
// instance out of the pool at once (the outboxes retry, and pages tell the user what is pending).

/**
 * A worker is stalled when it has not finished a tick for this long, or for three of its periods
 * if that is longer (a mail tick may wait on SMTP timeouts; reconciliation runs every few minutes).
 */
export const WORKER_STALL_MS = 5 * 60_000;
/** The oldest pending outbox row older than this marks the switch or SMTP `degraded`. */
export const OUTBOX_LAG_MS = 2 * 60_000;
/** A switch call found the switch unavailable this recently: `degraded` (background calls succeeding meanwhile do not hide it). The same window for the mail server. */
export const SWITCH_FAILURE_WINDOW_MS = 60_000;
/**
 * How long readiness waits for a probe of the mail server, ms (lib/mail/server-state.ts): a server
 * nearby answers within it; one that does not (a black-holed address waits out nodemailer's 10 s
 * connection timeout) is reported by the next call, so readiness stays as fast as a load balancer's
 * check needs (Kubernetes' default timeout is 1 s) and SMTP never makes an instance unready.
 */
export const SMTP_PROBE_WAIT_MS = 200;

/**
 * How long readiness waits for the database in all, ms. A database that does not answer (a frozen
 * server, a dropped network, pool connections all taken by waits) makes readiness `timeout` and 503
 * within this, where the pool's own limits for requests (lib/server/db/pg-limits.ts) are longer.
 */
export const READY_DB_TIMEOUT_MS = 3_000;

type Part = {
  status:
    | 'ok'
    | 'down'
    | 'timeout'
    | 'pending'
    | 'starting'
    | 'stalled'
    | 'disabled'
    | 'degraded'
    | 'skewed'
    | 'unknown';
  [detail: string]: unknown;
};
export type Readiness = {
  ready: boolean;
  checks: {
    database: Part;
    migrations: Part;
    workers: Part;
    switch: Part;
    smtp: Part;
    reconciliation: Part;
    clock: Part;
  };
};

/**
 * Checks each part; never throws, and never waits on the database longer than READY_DB_TIMEOUT_MS
 * (`database.status` `timeout` then). `ready` is true when the database answers, every migration file
 * under prisma/migrations is recorded as applied, and each worker of this process finished a tick
 * within WORKER_STALL_MS (or workers are off here: TOLLGATE_WORKERS=0). Details name no secret.
 * `switch` and `smtp` are `degraded` (never unready) while failing (`failing`) or while their outbox
 * lags OUTBOX_LAG_MS; the mail server is probed first when this process has not heard of it for a
 * minute (`mailTransport`: the configured one unless a test gives another).
 */
export async function readiness(now = Date.now(), mailTransport?: MailTransport): Promise<Readiness> {
  // One bound for every database read here; a read still running after it is left to the pool's limits.
  const end = performance.now() + READY_DB_TIMEOUT_MS;
  // Asked at once, beside the database: its wait (SMTP_PROBE_WAIT_MS) fits inside the database's.
  const mail = mailServerState(now, mailTransport);
  const bounded = <T>(p: Promise<T>) => within(p, end - performance.now());
  const answered = await bounded(
    db.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    ),
  );
  const database = (
    answered === TIMED_OUT ? { status: 'timeout' } : { status: answered ? 'ok' : 'down' }
  ) as Part;
  const up = database.status === 'ok';
  const rest = up
    ? await bounded(
        Promise.all([
          migrationState(),
          outboxLag(now),
          db.syncIssue.count({ where: { resolvedAt: null } }).catch(() => null),
        ]),
      )
    : TIMED_OUT;
  const [migrations, outboxes, openSyncIssues] =
    rest !== TIMED_OUT ? rest : [{ status: up ? 'timeout' : database.status } as Part, null, null];
  const workers = await workerState(now);
  const sw = switchCallTimes();
  // A probe made during this call records a time after `now`: that is 0 s ago, not -0.
  const ago = (t: number | null) => (t === null ? null : Math.max(0, Math.round((now - t) / 1000)));
  const switchDegraded = failing(sw, now) || (outboxes?.switch ?? 0) > OUTBOX_LAG_MS;
  const mailServer = await mail;
  const smtpDegraded = failing(mailServer, now) || (outboxes?.mail ?? 0) > OUTBOX_LAG_MS;
  const checks = {
    database,
    migrations,
    workers,
    switch: {
      status: switchDegraded ? 'degraded' : 'ok',
      lastOkSecondsAgo: ago(sw.lastOkAt),
      lastUnavailableSecondsAgo: ago(sw.lastUnavailableAt),
      oldestPendingSeconds: outboxes ? Math.round(outboxes.switch / 1000) : null,
    } as Part,
    smtp: {
      status: smtpDegraded ? 'degraded' : 'ok',
      lastOkSecondsAgo: ago(mailServer.lastOkAt),
      lastUnavailableSecondsAgo: ago(mailServer.lastUnavailableAt),
      oldestPendingSeconds: outboxes ? Math.round(outboxes.mail / 1000) : null,
    } as Part,
    // Accounts whose portal and switch states differed and that staff have not resolved yet
    // (lib/blocks/reconcile.ts): work for people, not a reason to take the instance out.
    reconciliation: { status: openSyncIssues ? 'degraded' : 'ok', openSyncIssues } as Part,
    clock: clockPart(),
  };
  const ready =
    up && migrations.status === 'ok' && (workers.status === 'ok' || workers.status === 'disabled');
  return { ready, checks };
}

/**
 * A part the portal calls (the switch, the mail server) is failing when it was unavailable within
 * SWITCH_FAILURE_WINDOW_MS (a success since does not hide it), or when the last sign of it was a
 * failure, however old: a switch that answers after the client's timeout failed every call of a
 * reconciler pass, then nothing was asked for a minute, and readiness said `ok` between passes (ops
 * lab, scripts/ops-lab/slow-switch.sh).
 */
function failing(t: { lastOkAt: number | null; lastUnavailableAt: number | null }, now: number): boolean {
  if (t.lastUnavailableAt === null) return false;
  return (
    now - t.lastUnavailableAt < SWITCH_FAILURE_WINDOW_MS ||
    t.lastOkAt === null ||
    t.lastUnavailableAt > t.lastOkAt
  );
}

/**
 * What this process knows of the mail server (lib/mail/server-state.ts), after probing it when it
 * has heard nothing of it for a minute; waits for the probe at most SMTP_PROBE_WAIT_MS (a probe
 * still running then records its answer for the next call).
 */
async function mailServerState(now: number, transport?: MailTransport): Promise<MailServerTimes> {
  // Imported when asked: the transport reads the configuration, which `next build` does not have.
  try {
    const { defaultTransport } = await import('@/lib/mail/transport');
    await within(probeMailServerIfQuiet(transport ?? defaultTransport(), now), SMTP_PROBE_WAIT_MS);
  } catch {
    // No transport to probe (a configuration this process cannot read): report what is known.
  }
  return mailServerTimes();
}

/**
 * This instance's clock against the database server's (lib/server/clock.ts): `skewed` beyond
 * CLOCK_SKEW_TOLERANCE_MS, `unknown` before the first measurement (workers off, or not yet run).
 * Never a reason to be unready: the database server's clock may be the wrong one, and then every
 * instance would leave the pool at once; leases and TOTP steps use the database's clock anyway.
 */
function clockPart(): Part {
  const { offsetMs, measuredAt } = clockOffset();
  if (measuredAt === null) return { status: 'unknown', offsetSeconds: null } as Part;
  const status = Math.abs(offsetMs) > CLOCK_SKEW_TOLERANCE_MS ? 'skewed' : 'ok';
  return { status, offsetSeconds: Math.round(offsetMs / 100) / 10 } as Part;
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
 * The migration files the database should have applied: the names lib/server/db/migrate.ts applies. Read
 * here rather than through its loadMigrations, whose unmarked fs calls make Next trace the whole
 * project into the server build.
 */
function migrationFiles(dialect: 'sqlite' | 'postgresql'): string[] {
  const dir = path.join(/*turbopackIgnore: true*/ process.cwd(), 'prisma', 'migrations', dialect);
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
}

async function workerState(now: number): Promise<Part> {
  if (env().TOLLGATE_WORKERS === '0') return { status: 'disabled' };
  // Imported when asked: its worker list reads the configuration, which `next build` does not have.
  const { workerHeartbeats } = await import('@/lib/server/workers');
  const beats = workerHeartbeats();
  if (beats.length === 0) return { status: 'starting' };
  const each = Object.fromEntries(
    beats.map((b) => [b.name, b.lastTickAt === null ? null : Math.round((now - b.lastTickAt) / 1000)]),
  );
  if (beats.some((b) => b.lastTickAt === null)) return { status: 'starting', lastTickSecondsAgo: each };
  const stalled = beats.some(
    (b) => now - (b.lastTickAt as number) > Math.max(WORKER_STALL_MS, 3 * b.everyMs),
  );
  return { status: stalled ? 'stalled' : 'ok', lastTickSecondsAgo: each };
}

/** Age in ms of the oldest pending row of each outbox (0 when empty). */
async function outboxLag(now: number): Promise<{ switch: number; mail: number } | null> {
  try {
    const [ops, mail] = await Promise.all([
      db.switchOperation.findFirst({
        where: { status: 'pending' },
        orderBy: { createdAt: 'asc' },
        select: { createdAt: true },
      }),
      // From when each message became due: a held SIP password alert is not late (lib/mail/lag.ts).
      mailOutboxLagMs(now),
    ]);
    return { switch: ops ? now - ops.createdAt.getTime() : 0, mail };
  } catch {
    return null;
  }
}
