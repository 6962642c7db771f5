import 'server-only';
import crypto from 'node:crypto';
import os from 'node:os';
import { audit } from '@/lib/audit/log';
import { db, type Tx } from '@/lib/db';
import { queueMailToMembers } from '@/lib/mail/queue';
import { switchClient, type SwitchClient } from '@/lib/switch/client';
import { confirmPlace, type PlacePayload, refusePlace } from '@/lib/switch/outbox-place';
import { isRetryable } from '@/lib/switch/result';

// Transactional outbox for changes Tollgate decides and the switch must confirm: lifting a block
// (kind 'lift', below) and placing a manual block (kind 'block', ./outbox-place.ts).
// The operation row is written in the same transaction as the decision; a worker sends it with the
// row's Idempotency-Key until the switch confirms. Several instances may run workers: each claims a
// row with a lease, and a re-send after a crash reuses the key, so the switch applies it once.

const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export type LiftPayload = { state: 'allowed'; reason: string; actor: string };

/**
 * Decide a lift: the block waits for the switch ("lift_pending") until the worker gets a confirmation.
 * The switch keeps one international-calling state per account, so a lift allows calls for the whole
 * account: every other open block of the account is lifted by the same operation, and shown as such.
 */
export async function enqueueLift(tx: Tx, block: { id: string; accountId: string }, actor: string, reason: string): Promise<void> {
  const account = await tx.customerAccount.findUniqueOrThrow({ where: { id: block.accountId } });
  const claimed = await tx.block.updateMany({ where: { id: block.id, status: 'active' }, data: { status: 'lift_pending' } });
  if (claimed.count !== 1) return; // already lifting or lifted: never send a second lift
  const others = await tx.block.findMany({ where: { accountId: block.accountId, status: 'active' }, select: { id: true } });
  await tx.block.updateMany({ where: { id: { in: others.map((o) => o.id) }, status: 'active' }, data: { status: 'lift_pending' } });
  const payload: LiftPayload = { state: 'allowed', reason, actor };
  await tx.switchOperation.create({
    data: { idempotencyKey: crypto.randomUUID(), kind: 'lift', accountNumber: account.number, blockId: block.id, payload: JSON.stringify(payload) },
  });
  await tx.blockEvent.create({ data: { blockId: block.id, type: 'lift_requested', actor, detail: reason } });
  for (const o of others) await tx.blockEvent.create({ data: { blockId: o.id, type: 'lift_requested', actor, detail: `${reason} (the switch lifts the whole account)` } });
}

const workerId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;

export function backoffMs(attempts: number, random = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2)); // "equal jitter": never hammer, never wait 0
}

/** Claims one due operation for this worker (lease), or null. Safe under concurrent workers. */
async function claimOne(now: Date, owner: string, leaseMs: number) {
  const due = await db.switchOperation.findMany({
    where: { status: 'pending', nextAttemptAt: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    orderBy: { nextAttemptAt: 'asc' },
    take: 5,
  });
  for (const op of due) {
    const claim = await db.switchOperation.updateMany({
      where: { id: op.id, status: 'pending', OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      data: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) },
    });
    if (claim.count === 1) return op;
  }
  return null;
}

/** Sends due operations until none is left; returns how many were confirmed. */
export async function processSwitchOutbox(opts: { client?: SwitchClient; owner?: string; max?: number; leaseMs?: number } = {}): Promise<number> {
  // The outbox does its own retrying across ticks, so each attempt is a single request.
  const client = opts.client ?? outboxClient();
  const owner = opts.owner ?? workerId;
  let confirmed = 0;
  for (let i = 0; i < (opts.max ?? 50); i++) {
    const op = await claimOne(new Date(), owner, opts.leaseMs ?? LEASE_MS);
    if (!op) break;
    const payload = JSON.parse(op.payload) as LiftPayload | PlacePayload;
    const res = await client.setInternationalCalling(op.accountNumber, payload, op.idempotencyKey);
    if (res.ok) {
      if (payload.state === 'blocked') await confirmPlace(op.id, payload);
      else await confirmLift(op.id, op.blockId, payload.actor);
      confirmed++;
    } else if (isRetryable(res)) {
      // Only while this worker still holds the row: a worker that lost its lease must not reschedule it.
      await db.switchOperation.updateMany({
        where: { id: op.id, status: 'pending', leaseOwner: owner },
        data: { attempts: { increment: 1 }, nextAttemptAt: new Date(Date.now() + backoffMs(op.attempts)), leaseOwner: null, leaseUntil: null, lastError: `${res.code ?? res.kind}: ${res.message}`.slice(0, 500) },
      });
    } else if (payload.state === 'blocked') {
      await refusePlace(op.id, payload, `${res.code ?? res.kind}: ${res.message}`);
    } else {
      await refuseLift(op.id, op.blockId, `${res.code ?? res.kind}: ${res.message}`);
    }
  }
  return confirmed;
}

let cachedOutboxClient: SwitchClient | undefined;
function outboxClient(): SwitchClient {
  cachedOutboxClient ??= switchClient({ retries: 0 });
  return cachedOutboxClient;
}

/** A request for a block that is lifted anyway has nothing left to decide: close it, visibly. */
export async function closeRequestsOf(tx: Tx, blockIds: string[]): Promise<void> {
  await tx.unblockRequest.updateMany({
    where: { blockId: { in: blockIds }, status: 'pending' },
    data: { status: 'withdrawn', openKey: null, decidedAt: new Date(), decisionNote: 'Closed without a decision: the block was lifted.' },
  });
}

async function confirmLift(opId: string, blockId: string | null, actor: string) {
  await db.$transaction(async (tx) => {
    const done = await tx.switchOperation.updateMany({ where: { id: opId, status: 'pending' }, data: { status: 'done', completedAt: new Date(), leaseOwner: null, leaseUntil: null } });
    if (done.count !== 1 || !blockId) return;
    const { accountId } = await tx.block.findUniqueOrThrow({ where: { id: blockId }, select: { accountId: true } });
    // Every block that waited for this account-wide lift is lifted now that the switch confirmed it.
    const waiting = await tx.block.findMany({ where: { accountId, status: 'lift_pending' }, select: { id: true } });
    if (!waiting.length) return;
    const now = new Date();
    await tx.block.updateMany({ where: { id: { in: waiting.map((w) => w.id) }, status: 'lift_pending' }, data: { status: 'lifted', liftedAt: now, liftedBy: actor } });
    await closeRequestsOf(tx, waiting.map((w) => w.id));
    for (const w of waiting) {
      await tx.blockEvent.create({ data: { blockId: w.id, type: 'lifted', at: now, actor, detail: 'The switch confirmed: international calling is allowed again.' } });
      await audit({ action: 'block.lifted', accountId, target: { type: 'block', id: w.id }, detail: { actor, confirmedBy: 'switch' } }, tx);
    }
    await queueMailToMembers(tx, accountId, 'block_lifted', { blockId });
  });
}

/** The switch answered "no": the block stays, visibly, for staff to resolve. */
async function refuseLift(opId: string, blockId: string | null, error: string) {
  await db.$transaction(async (tx) => {
    const done = await tx.switchOperation.updateMany({ where: { id: opId, status: 'pending' }, data: { status: 'failed', completedAt: new Date(), lastError: error.slice(0, 500), leaseOwner: null, leaseUntil: null } });
    if (done.count !== 1 || !blockId) return;
    const block = await tx.block.findUniqueOrThrow({ where: { id: blockId } });
    // Nothing changed on the switch: every block that waited for this lift is in force again.
    await tx.block.updateMany({ where: { accountId: block.accountId, status: 'lift_pending' }, data: { status: 'active' } });
    await tx.blockEvent.create({ data: { blockId, type: 'lift_requested', actor: 'switch', detail: `The switch refused the lift (${error.slice(0, 200)}). Support will follow up.` } });
    await audit({ action: 'block.lift_refused', accountId: block.accountId, target: { type: 'block', id: blockId }, detail: { error: error.slice(0, 200) } }, tx);
  });
}
