import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { NOT_SENT } from '@/lib/mail/render';
import { countSignIn, countSwitchEvent, renderMetrics } from '@/lib/server/metrics';
import { dialects, pointDbAt, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';
import { sample } from '@/tests/helpers/metrics';

describe.each(dialects())('metrics on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('reads the outbox and block gauges from the database at each scrape', async () => {
    const db = getDb();
    const empty = (await renderMetrics()).body;
    expect(sample(empty, 'tollgate_outbox_depth{outbox="mail"}')).toBe(0);
    expect(sample(empty, 'tollgate_outbox_oldest_age_seconds{outbox="switch"}')).toBe(0);
    expect(sample(empty, 'tollgate_active_blocks{reason="manual"}')).toBe(0);
    expect(sample(empty, 'tollgate_reconciliation_out_of_sync')).toBe(0);

    const old = new Date(Date.now() - 600_000);
    await db.mailMessage.create({
      data: {
        to: 'm@example.com',
        template: 'probe',
        payload: '{}',
        // Tried once (a message never tried waits from when it is due: lib/mail/lag.ts).
        attempts: 1,
        createdAt: old,
        nextAttemptAt: new Date(Date.now() + 86_400_000),
      },
    });
    await db.mailMessage.create({
      data: { to: 'm@example.com', template: 'probe', payload: '{}', status: 'failed' },
    });
    const { body, contentType } = await renderMetrics();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(body, 'tollgate_outbox_depth{outbox="mail"}')).toBe(1);
    expect(sample(body, 'tollgate_outbox_failed{outbox="mail"}')).toBe(1);
    expect(sample(body, 'tollgate_outbox_oldest_age_seconds{outbox="mail"}')).toBeGreaterThanOrEqual(600);
    expect(sample(body, 'tollgate_outbox_depth{outbox="switch"}')).toBe(0);

    // A change the switch refused needs a person; one Tollgate withdrew itself does not (review,
    // session 33: the `tollgate_outbox_failed > 0` alert fired on every lift a new block cancelled).
    const failedOp = (lastError: string) =>
      db.switchOperation.create({
        data: {
          idempotencyKey: crypto.randomUUID(),
          kind: 'lift',
          accountNumber: 'ACC-1001',
          payload: '{}',
          status: 'failed',
          lastError,
        },
      });
    await failedOp('account_closed: HTTP 409 account_closed: the account is closed');
    await failedOp('superseded: the switch placed a new block on this account');
    await failedOp('cancelled: new_block');
    expect(sample((await renderMetrics()).body, 'tollgate_outbox_failed{outbox="switch"}')).toBe(1);

    // Likewise mail: one SMTP refused needs a person; one the renderer chose not to send (its reader
    // gone, its news overtaken by a later mail) does not (review, session 41).
    const failedMail = (lastError: string) =>
      db.mailMessage.create({
        data: { to: 'x@example.com', template: 'block_notice', payload: '{}', status: 'failed', lastError },
      });
    await failedMail('550 5.1.1 mailbox unavailable');
    await failedMail(
      `${NOT_SENT}superseded: a newer block is in force on the account; its own notice says so`,
    );
    await failedMail(`${NOT_SENT}recipient no longer active`);
    // The probe failed above and the 550: not the two chosen not to be sent.
    expect(sample((await renderMetrics()).body, 'tollgate_outbox_failed{outbox="mail"}')).toBe(2);
  });

  // Review, session 39 (operators): with the database down the scrape answered 500 (or waited past
  // Prometheus' timeout), so the process metrics vanished in an outage.
  it('with the database unavailable, serves the process metrics and says the database gauges are left out', async () => {
    const saved = process.env.DATABASE_URL;
    await pointDbAt(
      dialect === 'sqlite'
        ? 'file:/no-such-tollgate-directory/tollgate.db'
        : 'postgresql://postgres@127.0.0.1:1/postgres',
    );
    try {
      const { body } = await renderMetrics();
      expect(sample(body, 'tollgate_metrics_database_read')).toBe(0);
      expect(body).toContain('tollgate_process_cpu_seconds_total');
      expect(body).toContain('tollgate_sign_in_total');
      expect(body).not.toContain('tollgate_outbox_depth');
    } finally {
      await pointDbAt(saved);
    }
    const { body } = await renderMetrics();
    expect(sample(body, 'tollgate_metrics_database_read')).toBe(1);
    expect(body).toContain('tollgate_outbox_depth{outbox="switch"}');
  });

  it('counts open reconciliation differences, not resolved ones', async () => {
    const db = getDb();
    const { account } = await makeAccount({ members: [`sync-${dialect}@t.example`] });
    const issue = {
      accountId: account.id,
      portalState: 'blocked',
      switchState: 'allowed',
      action: 'reapplied_on_switch',
    };
    await db.syncIssue.create({ data: issue });
    await db.syncIssue.create({ data: { ...issue, resolvedAt: new Date() } });
    expect(sample((await renderMetrics()).body, 'tollgate_reconciliation_out_of_sync')).toBe(1);
  });

  it('counts events and sign-ins by label', async () => {
    const before = (await renderMetrics()).body;
    countSwitchEvent('duplicate');
    countSignIn('totp', 'throttled');
    const after = (await renderMetrics()).body;
    const delta = (series: string) => (sample(after, series) ?? 0) - (sample(before, series) ?? 0);
    expect(delta('tollgate_switch_events_total{result="duplicate"}')).toBe(1);
    expect(delta('tollgate_sign_in_total{method="totp",outcome="throttled"}')).toBe(1);
  });
});
