import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { NOT_SENT } from '@/lib/mail/render';
import { GIVE_UP_AFTER_MS, processMailOutbox } from '@/lib/mail/worker';
import { renderMetrics } from '@/lib/server/metrics';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { sample } from '@/tests/helpers/metrics';
import { uniqueEmail } from '@/tests/helpers/unique';

// Mail this version cannot read (review): since 2026-12-05 older instances keep serving a newer
// database (a rolling upgrade, a rollback), and their mail workers claim the newer release's rows. A
// template they did not know, or a payload they could not parse, was failed as "not sent: …", which
// the tollgate_outbox_failed gauge leaves out: the mail was lost for good, and no alert said so. Now
// such a row is put back for an instance that can read it (not an attempt), and failed, counted,
// only after the mail outbox's give-up horizon.

describe.each(dialects())('mail this version cannot read, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  const sent: string[] = [];
  const transport = {
    kind: 'smtp' as const,
    send: async (m: { id: string }) => (sent.push(m.id), { messageId: m.id, response: '250' }),
  };
  const failedGauge = async () =>
    sample((await renderMetrics()).body, 'tollgate_outbox_failed{outbox="mail"}') ?? NaN;

  /** A due row, as a newer release (or a hand) wrote it. */
  const row = (template: string, payload: string, extra: { createdAt?: Date; sendStartedAt?: Date } = {}) =>
    getDb().mailMessage.create({
      data: {
        to: uniqueEmail('newer'),
        template,
        payload,
        nextAttemptAt: new Date(Date.now() - 1000),
        ...extra,
      },
    });

  it.each([
    [
      'a template it does not know',
      'allowance_extended',
      '{"allowanceId":"a1"}',
      /unknown template allowance_extended/,
    ],
    ['a payload that is not JSON', 'block_notice', 'not json', /payload is not JSON/],
    [
      'a payload that does not fit its template',
      'block_notice',
      '{"blockId":7}',
      /payload does not fit block_notice/,
    ],
  ])(
    '%s is put back for an instance that can read it, not failed as "not sent"',
    async (_, template, payload, why) => {
      const before = await failedGauge();
      const r = await row(template, payload);
      await processMailOutbox({ transport, owner: 'older-instance' });
      const after = await getDb().mailMessage.findUniqueOrThrow({ where: { id: r.id } });
      expect(after).toMatchObject({ status: 'pending', attempts: 0, leaseOwner: null, sendStartedAt: null });
      expect(after.lastError).toMatch(why);
      expect(after.lastError).not.toMatch(new RegExp(`^${NOT_SENT}`));
      expect(after.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 10_000);
      expect(sent).not.toContain(r.id);
      expect(await failedGauge()).toBe(before);
    },
  );

  it('one an instance that knows it was interrupted sending is left to such an instance, not failed "uncertain"', async () => {
    const r = await row('allowance_extended', '{"allowanceId":"a1"}', {
      sendStartedAt: new Date(Date.now() - 60_000),
    });
    await processMailOutbox({ transport, owner: 'older-instance' });
    const after = await getDb().mailMessage.findUniqueOrThrow({ where: { id: r.id } });
    expect(after).toMatchObject({ status: 'pending', attempts: 0 });
    expect(after.sendStartedAt?.getTime()).toBe(r.sendStartedAt?.getTime());
  });

  it('after the give-up horizon it fails, counted in tollgate_outbox_failed', async () => {
    const before = await failedGauge();
    const r = await row('allowance_extended', '{"allowanceId":"a1"}', {
      createdAt: new Date(Date.now() - GIVE_UP_AFTER_MS - 60_000),
    });
    await processMailOutbox({ transport, owner: 'older-instance' });
    const after = await getDb().mailMessage.findUniqueOrThrow({ where: { id: r.id } });
    expect(after.status).toBe('failed');
    expect(after.lastError).toMatch(/^unreadable: .*unknown template allowance_extended/);
    expect(sent).not.toContain(r.id);
    expect(await failedGauge()).toBe(before + 1);
  });
});
