import 'server-only';
import crypto from 'node:crypto';
import { audit } from '@/lib/audit/log';
import { db, type Tx } from '@/lib/db';
import { queueMailToMembers } from '@/lib/mail/queue';

// The second kind of outbox operation: support places a manual block. Unlike a lift, there is no
// Block row while the switch has not confirmed: the Block table only holds blocks that are (or
// were) in force, so no page can show an unconfirmed block as one. The pending operation itself is
// what the staff console shows ("waiting for the switch").

export type PlacePayload = { state: 'blocked'; reason: 'manual'; actor: string; accountId: string; note: string };

export async function enqueuePlace(tx: Tx, account: { id: string; number: string }, actor: string, note: string): Promise<string> {
  const payload: PlacePayload = { state: 'blocked', reason: 'manual', actor, accountId: account.id, note };
  const op = await tx.switchOperation.create({
    data: { idempotencyKey: crypto.randomUUID(), kind: 'block', accountNumber: account.number, payload: JSON.stringify(payload) },
  });
  return op.id;
}

/** The switch confirmed: now the block exists, the members are told, and it is audited. */
export async function confirmPlace(opId: string, payload: PlacePayload): Promise<void> {
  await db.$transaction(async (tx) => {
    const now = new Date();
    const done = await tx.switchOperation.updateMany({ where: { id: opId, status: 'pending' }, data: { status: 'done', completedAt: now, leaseOwner: null, leaseUntil: null } });
    if (done.count !== 1) return;
    const block = await tx.block.create({
      data: {
        accountId: payload.accountId, reason: 'manual', status: 'active', placedAt: now, placedBy: payload.actor, note: payload.note,
        events: { create: [{ type: 'placed', at: now, actor: payload.actor, detail: 'Placed by support; the switch confirmed it.' }] },
      },
    });
    await tx.switchOperation.update({ where: { id: opId }, data: { blockId: block.id } });
    const queued = await queueMailToMembers(tx, payload.accountId, 'block_notice', { blockId: block.id });
    await tx.blockEvent.create({ data: { blockId: block.id, type: 'notice_queued', actor: 'tollgate', detail: `${queued} recipient(s)` } });
    await audit({ action: 'block.placed', accountId: payload.accountId, target: { type: 'block', id: block.id }, detail: { actor: payload.actor, reason: 'manual', confirmedBy: 'switch' } }, tx);
  });
}

/** The switch answered "no": nothing is in force; staff see the refusal on the account page. */
export async function refusePlace(opId: string, payload: PlacePayload, error: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const done = await tx.switchOperation.updateMany({ where: { id: opId, status: 'pending' }, data: { status: 'failed', completedAt: new Date(), lastError: error.slice(0, 500), leaseOwner: null, leaseUntil: null } });
    if (done.count !== 1) return;
    await audit({ action: 'block.place_refused', accountId: payload.accountId, target: { type: 'switch_operation', id: opId }, detail: { actor: payload.actor, error: error.slice(0, 200) } }, tx);
  });
}
