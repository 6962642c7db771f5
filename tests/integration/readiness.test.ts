import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/server/db';
import { OUTBOX_LAG_MS, readiness, SWITCH_FAILURE_WINDOW_MS } from '@/lib/server/health';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { SMTP_PROBE_INTERVAL_MS } from '@/lib/mail/server-state';
import { mailboxTransport, smtpTransport } from '@/lib/mail/transport';
import { TestSmtp } from '@/tests/helpers/smtp';

// Readiness (CONTRACTS §7): the database, its migrations and the workers decide it; a lagging mail
// outbox (SMTP) is reported as degraded and never makes the instance unready.
describe.each(dialects())('readiness on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  // What this process heard of the mail server: each test starts knowing nothing (and the first
  // dialect's failed probe does not answer for the second).
  beforeEach(() => {
    delete (globalThis as { __tollgateMailServer?: unknown }).__tollgateMailServer;
  });

  it('is not ready before the workers have ticked, ready once they have', async () => {
    const before = await readiness(Date.now(), mailboxTransport());
    expect(before.checks).toMatchObject({
      smtp: { status: 'ok', lastUnavailableSecondsAgo: null },
      database: { status: 'ok' },
      migrations: { status: 'ok' },
      reconciliation: { status: 'ok', openSyncIssues: 0 },
    });
    if (before.checks.workers.status !== 'ok') expect(before.ready).toBe(false);
    // Imported here: its worker list reads the configuration, which needs DATABASE_URL set first.
    const { startWorkers } = await import('@/lib/server/workers');
    startWorkers();
    await vi.waitFor(async () => expect((await readiness()).checks.workers.status).toBe('ok'), {
      timeout: 20_000,
      interval: 200,
    });
    expect((await readiness()).ready).toBe(true);
  });

  it('reports SMTP degraded when mail waits too long, and stays ready', async () => {
    // A message held on purpose and never tried (a SIP password alert gathering changes) is not late,
    // however long ago it was queued: its wait counts from when it is due (lib/mail/lag.ts).
    const held = await db.mailMessage.create({
      data: {
        to: 'x@example.com',
        template: 'probe',
        payload: '{}',
        createdAt: new Date(Date.now() - OUTBOX_LAG_MS - 60_000),
        nextAttemptAt: new Date(Date.now() + 60_000),
      },
    });
    expect((await readiness()).checks.smtp).toMatchObject({ status: 'ok', oldestPendingSeconds: 0 });
    await db.mailMessage.delete({ where: { id: held.id } });
    // Tried once and not due again for a day (so the running mail worker leaves it alone): late since
    // it was queued.
    await db.mailMessage.create({
      data: {
        to: 'x@example.com',
        template: 'probe',
        payload: '{}',
        attempts: 1,
        createdAt: new Date(Date.now() - OUTBOX_LAG_MS - 60_000),
        nextAttemptAt: new Date(Date.now() + 86_400_000),
      },
    });
    const r = await readiness();
    expect(r.checks.smtp).toMatchObject({ status: 'degraded' });
    expect(r.checks.smtp.oldestPendingSeconds).toBeGreaterThan(OUTBOX_LAG_MS / 1000);
    expect(r.ready).toBe(true);
  });

  it('probes a quiet mail server: degraded while it is gone, though nothing is queued; ok once it answers', async () => {
    delete (globalThis as { __tollgateMailServer?: unknown }).__tollgateMailServer;
    await db.mailMessage.deleteMany();
    const smtp = await TestSmtp.start();
    const transport = smtpTransport(smtp.url);
    try {
      await smtp.down();
      // Readiness waits SMTP_PROBE_WAIT_MS (200 ms) for its probe; a probe still running then records
      // its answer for the next call. On a loaded machine a refused connection can take longer (seen
      // in a run beside a production build, 2026-12-04), so each answer is asked for until it comes.
      await expect
        .poll(async () => (await readiness(Date.now(), transport)).checks.smtp.lastUnavailableSecondsAgo, {
          timeout: 10_000,
        })
        .not.toBeNull();
      const gone = await readiness(Date.now(), transport);
      expect(gone.checks.smtp).toMatchObject({
        status: 'degraded',
        lastOkSecondsAgo: null,
        lastUnavailableSecondsAgo: expect.any(Number),
        oldestPendingSeconds: 0,
      });
      expect(gone.checks.smtp.lastUnavailableSecondsAgo).toBeLessThanOrEqual(10);
      expect(gone.ready).toBe(gone.checks.workers.status === 'ok');
      await smtp.up();
      // Within the minute the last sign of it (the failed probe) stands; after it, a new probe answers.
      expect((await readiness(Date.now(), transport)).checks.smtp.status).toBe('degraded');
      const later = Date.now() + SMTP_PROBE_INTERVAL_MS;
      await expect
        .poll(async () => (await readiness(later, transport)).checks.smtp, { timeout: 10_000 })
        .toMatchObject({ status: 'ok', lastOkSecondsAgo: expect.any(Number) });
    } finally {
      await smtp.down();
    }
  });

  it('is not ready while a migration file is not applied, and names it', async () => {
    await db.$executeRawUnsafe(`DELETE FROM "_tollgate_migrations" WHERE name = '0005_request_id.sql'`);
    const r = await readiness();
    expect(r.checks.migrations).toEqual({ status: 'pending', pending: ['0005_request_id.sql'] });
    expect(r.ready).toBe(false);
  });

  it('reports the switch degraded for a minute after it was unavailable, and stays ready', async () => {
    const { observeSwitchCall } = await import('@/lib/server/metrics');
    observeSwitchCall('PUT', '/v1/sip-credentials/x/password', 'unavailable', 0.01);
    observeSwitchCall('GET', '/v1/accounts/ACC-1001', 'ok', 0.01); // a later success does not hide it
    const r = await readiness();
    expect(r.checks.switch).toMatchObject({
      status: 'degraded',
      lastOkSecondsAgo: 0,
      lastUnavailableSecondsAgo: 0,
    });
    expect((await readiness(Date.now() + SWITCH_FAILURE_WINDOW_MS + 1000)).checks.switch.status).toBe('ok');
  });

  it('keeps the switch degraded past the window while no call has succeeded since the last failure', async () => {
    const { observeSwitchCall } = await import('@/lib/server/metrics');
    observeSwitchCall('GET', '/v1/accounts/ACC-1001', 'ok', 0.01);
    await new Promise((r) => setTimeout(r, 5)); // the failure comes after the success
    observeSwitchCall('GET', '/v1/accounts/ACC-1001', 'unavailable', 5);
    const later = Date.now() + SWITCH_FAILURE_WINDOW_MS + 30_000; // between two reconciler passes
    const r = await readiness(later);
    expect(r.checks.switch.status).toBe('degraded');
    await new Promise((r) => setTimeout(r, 5));
    observeSwitchCall('GET', '/v1/accounts/ACC-1001', 'ok', 0.01);
    expect((await readiness(later)).checks.switch.status).toBe('ok');
  });

  it('is not ready when the workers have stalled', async () => {
    const r = await readiness(Date.now() + 10 * 60_000);
    expect(r.checks.workers.status).toBe('stalled');
    expect(r.ready).toBe(false);
  });
});
