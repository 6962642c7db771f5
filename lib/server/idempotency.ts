import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { db, type Tx } from '@/lib/server/db';
import type { Note } from '@/lib/i18n/note';
import { IDEMPOTENCY_FIELD } from '@/lib/server/outcome';

// A form's idempotency key: one per render of a form that must not apply twice (a random UUID the
// server puts in a hidden field when it renders the form). The change's own transaction records what
// it did under the key (recordReceipt), so a resend of the same render, after an answer that was lost
// or said "may or may not", finds it and is answered with it (lib/server/safe-action.ts, option
// `once`) instead of applying again. The switch outbox's keys and the switch API's Idempotency-Key
// (CONTRACTS §3) do the same one level down; this is the browser → portal level.

/** How long a receipt answers a resend: 24 h after the first submission; then pruneReceipts deletes it. */
export const RECEIPT_TTL_MS = 24 * 60 * 60_000;

/** A new idempotency key for one render of a form: a random UUID, made on the server. */
export function newIdempotencyKey(): string {
  return randomUUID();
}

/**
 * What an action that applies once hands its domain (ActionContext.once): the caller's id, the
 * form's key, which form (`action`, e.g. "sip.reset") and the digest of its fields other than the
 * secrets. The domain passes it to recordReceipt inside the transaction of its change.
 */
export type Once = { userId: string; key: string; action: string; digest: string };

/** A first submission's receipt: which form, its digest, what it did (a Note), the row that settles it, when. */
export type Receipt = { action: string; digest: string; note: Note; ref: string | null; at: Date };

const keySchema = z.uuid();

/**
 * The Once of a posted form (formToObject's output) for the form `action`, or null when the form
 * carries no well-formed key (a page rendered before the key existed, or a hand-made post). The
 * digest is SHA-256 over the fields in name order, leaving out the key and every field named in
 * `secret` (a password is never stored, not even hashed), so a resend with other content in a field
 * that is not secret is told so rather than answered for a change it did not ask for.
 */
export function onceOf(
  action: string,
  userId: string,
  raw: Record<string, unknown>,
  secret: readonly string[] = [],
): Once | null {
  const key = keySchema.safeParse(raw[IDEMPOTENCY_FIELD]);
  if (!key.success) return null;
  const kept = Object.keys(raw)
    .filter((k) => k !== IDEMPOTENCY_FIELD && !secret.includes(k))
    .sort()
    .map((k) => [k, raw[k]]);
  const digest = createHash('sha256').update(JSON.stringify(kept)).digest('hex');
  return { userId, key: key.data, action, digest };
}

// The submissions (their Once) whose own receipt was written: a failure they answer with is theirs,
// not a sign that another submission of the same render got there first.
const written = new WeakSet<Once>();

/**
 * True when `once`'s own submission wrote its receipt (recordReceipt's insert succeeded), so an
 * answer it gives after that is its own, even though a receipt now exists under its key.
 */
export function receiptWrittenBy(once: Once): boolean {
  return written.has(once);
}

/**
 * Records, inside `tx` (the transaction of the change itself, so the receipt exists exactly when the
 * change committed), that `once`'s form did `note` (a catalogue key and values, never a password),
 * with `ref` the id of a row whose state settles the outcome later (the SIP password change). A
 * second receipt for the same user and key fails the transaction (P2002, unique on userId + key), so
 * of two submissions of one render at once only one commits its change. No-op without `once`.
 */
export async function recordReceipt(tx: Tx, once: Once | undefined, note: Note, ref?: string): Promise<void> {
  if (!once) return;
  const now = new Date();
  await tx.formReceipt.create({
    data: {
      userId: once.userId,
      key: once.key,
      action: once.action,
      digest: once.digest,
      note: JSON.stringify(note),
      ref: ref ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + RECEIPT_TTL_MS),
    },
  });
  written.add(once);
}

/**
 * The receipt under `once`'s user and key, or null: none, or expired. Another user's receipt with
 * the same key is never found (the key is not a secret; the scope is the user).
 */
export async function findReceipt(
  once: Pick<Once, 'userId' | 'key'>,
  now = new Date(),
): Promise<Receipt | null> {
  const row = await db.formReceipt.findFirst({
    where: { userId: once.userId, key: once.key, expiresAt: { gt: now } },
  });
  if (!row) return null;
  return {
    action: row.action,
    digest: row.digest,
    note: JSON.parse(row.note) as Note,
    ref: row.ref,
    at: row.createdAt,
  };
}

/**
 * Deletes every receipt that expired before `now`, in one statement, and returns how many went; run
 * by the `rate-limit-purge` worker's tick (lib/server/workers.ts) every 10 minutes, so the table holds
 * about a day of changes.
 */
export async function pruneReceipts(now = new Date()): Promise<number> {
  const { count } = await db.formReceipt.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
