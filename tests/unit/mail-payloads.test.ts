import { describe, expect, it } from 'vitest';
import { MAIL_PAYLOADS, readPayload } from '@/lib/mail/payloads';
import { queueMail } from '@/lib/mail/queue';
import type { Tx } from '@/lib/server/db';

// Typed mail payloads: one zod schema per template, checked when queued and when rendered.

function fakeTx() {
  const rows: { to: string; template: string; payload: string }[] = [];
  const tx = {
    mailMessage: { create: async ({ data }: { data: (typeof rows)[number] }) => rows.push(data) },
  } as unknown as Tx;
  return { tx, rows };
}

describe('mail payloads', () => {
  it('has a schema for every template the delivery policy names', async () => {
    const { DELIVERY } = await import('@/lib/mail/delivery-policy');
    expect(Object.keys(MAIL_PAYLOADS).sort()).toEqual(Object.keys(DELIVERY).sort());
  });

  it('queues a payload that fits, as JSON', async () => {
    const { tx, rows } = fakeTx();
    await queueMail(tx, 'a@example.com', 'sip_password_changed', {
      credentialId: 'c1',
      changedAt: '2026-11-30T12:00:00.000Z',
      ip: '203.0.113.9',
      by: 'a@example.com',
      userId: 'u1',
    });
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0].payload)).toMatchObject({ credentialId: 'c1', userId: 'u1' });
  });

  it('refuses to queue a payload that does not fit its template, and writes nothing', async () => {
    const { tx, rows } = fakeTx();
    // @ts-expect-error the type already refuses it; the runtime check holds for untyped callers too
    await expect(queueMail(tx, 'a@example.com', 'block_notice', { requestId: 'r1' })).rejects.toThrow();
    await expect(
      queueMail(tx, 'a@example.com', 'sip_password_changed', { credentialId: 'c1', changedAt: 'yesterday' }),
    ).rejects.toThrow();
    expect(rows).toHaveLength(0);
  });

  it('reads a stored payload back, or says why not', () => {
    expect(readPayload('block_lifted', '{"blockId":"b1"}')).toEqual({ ok: true, payload: { blockId: 'b1' } });
    expect(readPayload('sign_in_link', '{"scrubbed":true}')).toMatchObject({ ok: true });
    expect(readPayload('probe', '{}')).toEqual({ ok: false, reason: 'unknown template probe' });
    expect(readPayload('mfa_locked', 'not json')).toEqual({ ok: false, reason: 'payload is not JSON' });
    const misfit = readPayload('mfa_locked', '{"blockId":"b1"}');
    expect(misfit.ok).toBe(false);
    expect(!misfit.ok && misfit.reason).toContain('payload does not fit mfa_locked: userId');
  });
});
