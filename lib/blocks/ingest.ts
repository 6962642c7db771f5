import 'server-only';
import crypto from 'node:crypto';
import { audit } from '@/lib/audit/log';
import { db, type Tx } from '@/lib/db';
import { queueMailToMembers } from '@/lib/mail/queue';
import { type BlockLiftedEvent, type BlockPlacedEvent, switchEventSchema } from '@/lib/switch/events-schema';
import { closeRequestsOf } from '@/lib/switch/outbox';
import { verifySignature } from '@/lib/switch/signature';

export type IngestAnswer = { status: 200 | 400 | 401 | 404; body: Record<string, unknown> };

const answer = (status: IngestAnswer['status'], body: Record<string, unknown>): IngestAnswer => ({ status, body });
const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === 'P2002';

/**
 * CONTRACTS §4. Signature first (constant time, 300 s window); then the raw body is stored verbatim
 * in the inbox; then it is processed exactly once. The inbox row's status moves from `received` to
 * `processed` in the same transaction as the effect, and only one transaction can make that move,
 * so 50 concurrent copies of one event create one block.
 */
export async function ingestSwitchEvent(raw: string, signature: string | null, secret: string, nowSec = Math.floor(Date.now() / 1000)): Promise<IngestAnswer> {
  const sig = verifySignature(secret, raw, signature, nowSec);
  if (!sig.ok) return answer(401, { error: { code: 'bad_signature', message: `signature ${sig.reason}` } });

  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    await keepRejected(raw, 'malformed JSON');
    return answer(400, { error: { code: 'malformed_json', message: 'the body is not JSON' } });
  }
  const parsed = switchEventSchema.safeParse(json);
  if (!parsed.success) {
    const message = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    await keepRejected(raw, message);
    return answer(400, { error: { code: 'invalid_event', message } });
  }
  const event = parsed.data;

  try {
    await db.switchEvent.create({ data: { id: event.id, type: event.type, accountNumber: event.data.accountNumber, body: raw } });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
  }
  const account = await db.customerAccount.findUnique({ where: { number: event.data.accountNumber } });
  if (!account) {
    await db.switchEvent.updateMany({ where: { id: event.id, status: 'received' }, data: { status: 'unknown_account', processedAt: new Date() } });
    return answer(404, { error: { code: 'unknown_account', message: `no account ${event.data.accountNumber}` } });
  }

  const applied = await db.$transaction(async (tx) => {
    const claim = await tx.switchEvent.updateMany({ where: { id: event.id, status: { in: ['received', 'unknown_account'] } }, data: { status: 'processed', processedAt: new Date() } });
    if (claim.count !== 1) return false;
    if (event.type === 'block.placed') await applyPlaced(tx, account.id, account.number, event);
    else await applyLifted(tx, account.id, event);
    await audit({ action: `switch.${event.type}`, accountId: account.id, target: { type: 'switch_event', id: event.id }, detail: { type: event.type } }, tx);
    return true;
  });
  return answer(200, { received: true, duplicate: !applied });
}

/** Kept (under a synthetic id) so an operator can see what the switch sent; never acted on. */
async function keepRejected(raw: string, error: string) {
  await db.switchEvent.create({ data: { id: `rejected_${crypto.randomUUID()}`, type: 'unknown', accountNumber: '', body: raw, status: 'rejected', error: error.slice(0, 1000) } });
}

async function applyPlaced(tx: Tx, accountId: string, accountNumber: string, e: BlockPlacedEvent) {
  const placedAt = new Date(e.occurredAt);
  // A lift Tollgate still waits to send would undo this new block on the switch: cancel it, and the
  // blocks that waited for it are in force again (the switch just said so).
  const cancelled = await tx.switchOperation.updateMany({
    where: { accountNumber, kind: 'lift', status: 'pending' },
    data: { status: 'failed', completedAt: new Date(), leaseOwner: null, leaseUntil: null, lastError: 'superseded: the switch placed a new block' },
  });
  if (cancelled.count) {
    const waiting = await tx.block.findMany({ where: { accountId, status: 'lift_pending' }, select: { id: true } });
    await tx.block.updateMany({ where: { id: { in: waiting.map((w) => w.id) } }, data: { status: 'active' } });
    for (const w of waiting) await tx.blockEvent.create({ data: { blockId: w.id, type: 'lift_requested', actor: 'switch', detail: 'Lift cancelled: the switch placed a new block on this account.' } });
  }
  const block = await tx.block.create({
    data: {
      accountId, reason: e.data.reason, placedAt, placedBy: 'switch', sourceEventId: e.id,
      calls: { create: e.data.calls.map((c) => ({ at: new Date(c.at), sipUsername: c.from, to: c.to, sourceIp: c.sourceIp, durationSec: c.durationSec })) },
      events: { create: [{ type: 'placed', at: placedAt, actor: 'switch', detail: `${e.data.calls.length} suspicious call(s)` }] },
    },
  });
  const queued = await queueMailToMembers(tx, accountId, 'block_notice', { blockId: block.id });
  await tx.blockEvent.create({ data: { blockId: block.id, type: 'notice_queued', actor: 'tollgate', detail: `${queued} recipient(s)` } });
}

async function applyLifted(tx: Tx, accountId: string, e: BlockLiftedEvent) {
  const open = await tx.block.findMany({ where: { accountId, status: { in: ['active', 'lift_pending'] } } });
  const at = new Date(e.occurredAt);
  for (const b of open) {
    await tx.block.update({ where: { id: b.id }, data: { status: 'lifted', liftedAt: at, liftedBy: e.data.actor } });
    await tx.blockEvent.create({ data: { blockId: b.id, type: 'lifted', at, actor: e.data.actor, detail: 'Lifted on the switch' } });
    // A lift that Tollgate had queued is now moot; the switch already allows international calls.
    await tx.switchOperation.updateMany({ where: { blockId: b.id, status: 'pending' }, data: { status: 'done', completedAt: new Date(), lastError: 'superseded by block.lifted event' } });
  }
  await closeRequestsOf(tx, open.map((b) => b.id));
  if (open.length) await queueMailToMembers(tx, accountId, 'block_lifted', { blockId: open[0].id });
}
