import 'server-only';
import { audit, type AuditEntry } from '@/lib/audit/log';
import { STAFF_ROLES } from '@/lib/auth/roles';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db, type Tx } from '@/lib/server/db';
import { lockUsers } from '@/lib/server/db/lock';
import type { Role } from '@/lib/generated/sqlite/enums';
import type { RequestMeta } from '@/lib/server/request-meta';
import type { Note } from '@/lib/i18n/note';
import { recordReceipt, type Once } from '@/lib/server/idempotency';
import { fail, missing, succeed, type FailCode, type Outcome } from '@/lib/server/outcome';

// The frame every staff decision shares (request approve/deny, allowance approve/deny/grant/end, manual
// block place/lift): in ONE transaction, a claim that only one writer can win (a conditional update
// "only if still pending", or the account lock plus a check), then the writes that follow from it
// (switch outbox, mail), then the audit row. Whoever loses is refused with "someone else decided
// first" and nothing of their attempt stays. Before the claim, the actor is read again under their
// User row's lock (lockActor): an agent disabled while their request ran decides nothing.

/** What the audit row of a decision says; actor and request meta come from the frame. */
export type DecisionAudit = Omit<AuditEntry, 'actor' | 'meta'>;

/**
 * What a decision's body returns: `{ ok: true, audit, data?, note? }` when it is done (the frame writes
 * `audit` in the same transaction), or a refused Outcome (`fail(...)`), optionally with `audit`: a row
 * recorded after the rollback (e.g. the losing half of a race).
 */
export type Decision<T> =
  | { ok: true; audit: DecisionAudit; data?: T; note?: Note }
  | (Extract<Outcome<T>, { ok: false }> & { audit?: DecisionAudit });

/**
 * A form's receipt to record in a decision's transaction once it is done (recordReceipt): the form's
 * key (`once`: ActionContext.once), what the decision did (`note`) and the row that settles it
 * (`ref`). Given by a caller that knows both before the decision runs (Take next request: the request
 * it takes), so a decision that applies once per render needs no receipt code of its own.
 */
export type ReceiptToRecord = { once: Once; note: Note; ref?: string };

/** Carries a refusal out of the transaction so that nothing of it is committed. */
class Refusal<T> extends Error {
  constructor(readonly decision: Extract<Decision<T>, { ok: false }>) {
    super('decision refused');
  }
}

/**
 * Runs `decide(tx)` in one transaction as `who.user`. On `{ ok: true, audit }` the audit row is written
 * in that transaction and the result is `succeed(data, note)`. On a refusal the transaction is rolled
 * back (so a claim already won, an outbox row or a mail queued before the refusal is undone), its
 * `audit` row, if any, is written outside it, and the refusal is returned as the Outcome.
 * `receipt`: recorded in the same transaction after the audit row, only when the decision is done; a
 * receipt already under its user and key (the same render's other submission committed first) fails
 * the transaction with a unique violation (P2002), which is thrown: nothing of this one commits.
 * Errors other than a refusal propagate unchanged (the transaction rolls back as usual).
 */
export async function decideOnce<T = undefined>(
  who: { user: { id: string; email: string }; meta: RequestMeta },
  decide: (tx: Tx) => Promise<Decision<T>>,
  receipt?: ReceiptToRecord,
): Promise<Outcome<T>> {
  try {
    return await db.$transaction(async (tx) => {
      const d = await decide(tx);
      if (!d.ok) throw new Refusal<T>(d);
      await audit({ ...d.audit, actor: who.user, meta: who.meta }, tx);
      if (receipt) await recordReceipt(tx, receipt.once, receipt.note, receipt.ref);
      return succeed<T>(d.data, d.note);
    });
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    const { audit: entry, ...refused } = (e as Refusal<T>).decision;
    if (entry) await audit({ ...entry, actor: who.user, meta: who.meta });
    return refused as Outcome<T>;
  }
}

/**
 * A refused decision: `fail(code, key, values)` (a catalogue note), with `more.fieldErrors` (notes by
 * form field) and `more.audit`, a row written after the rollback (e.g. the losing half of a race).
 */
export function refuse<T = never>(
  code: Exclude<FailCode, 'not_found'>,
  key: string,
  values?: Note['values'],
  more: { audit?: DecisionAudit; fieldErrors?: Record<string, Note[]> } = {},
): Decision<T> {
  const refused = fail<T>(code, key, values, more.fieldErrors) as Extract<Outcome<T>, { ok: false }>;
  return more.audit ? { ...refused, audit: more.audit } : refused;
}

/** A decision that is done: its audit row, what to tell the agent (a catalogue key), and any data. */
export const done = <T = undefined>(audit: DecisionAudit, note?: string, data?: T): Decision<T> => ({
  ok: true,
  audit,
  ...(note ? { note: { key: note } } : {}),
  ...(data === undefined ? {} : { data }),
});

/**
 * The actor's own claim, the first thing in a staff decision's transaction (staffDecision does it for
 * every decision; staff login changes call it with their target in `others`): locks the User rows of
 * the actor and of `others` (lockUsers: in id order, before anything else, as docs/architecture.md
 * "Lock order" says) and reads the actor again. The session check that let the request in ran before
 * it; by now an admin may have disabled the actor or changed their role, and their row stays locked
 * until this decision commits, so a change to it waits for the decision rather than racing it.
 * Returns null while the actor is an enabled user with one of `roles`, else the refusal
 * (`refused`, catalogue key `key`), whose audit row `access.denied` (with `target`, if given) is
 * written after the rollback.
 */
export async function lockActor(
  tx: Tx,
  actorId: string,
  roles: readonly Role[],
  refusal: { key: string; target?: { type: string; id: string } },
  others: readonly string[] = [],
): Promise<Decision<never> | null> {
  await lockUsers(tx, [actorId, ...others]);
  const actor = await tx.user.findUnique({ where: { id: actorId }, select: { role: true, disabled: true } });
  if (actor && roles.includes(actor.role) && !actor.disabled) return null;
  const audit: DecisionAudit = {
    action: 'access.denied',
    ...(refusal.target ? { target: refusal.target } : {}),
    detail: { need: [...roles], actorRole: actor?.role ?? null, actorDisabled: actor?.disabled ?? null },
  };
  return refuse('refused', refusal.key, undefined, { audit });
}

/**
 * A staff decision about one thing, as a domain function `(user, input, meta, receipt?) => Outcome<T>`:
 * the caller must be staff with a verified second factor (assertStaff throws otherwise), `load(input)`
 * finds the thing (null → not_found, which the action answers with a 404), and `decide(tx, row,
 * input, user)` runs inside decideOnce, after lockActor: an actor disabled (or no longer staff) since
 * the session check is refused with `outcome.staffDisabled`, audited access.denied, and nothing changes.
 * `receipt`: a form's receipt decideOnce records with the decision when it is done (ReceiptToRecord).
 */
export function staffDecision<I, R, T = undefined>(
  load: (input: I) => Promise<R | null>,
  decide: (tx: Tx, row: R, input: I, user: CurrentUser) => Promise<Decision<T>>,
) {
  return async (
    user: CurrentUser,
    input: I,
    meta: RequestMeta,
    receipt?: ReceiptToRecord,
  ): Promise<Outcome<T>> => {
    assertStaff(user);
    const row = await load(input);
    if (!row) return missing();
    return decideOnce(
      { user, meta },
      async (tx) =>
        (await lockActor(tx, user.id, STAFF_ROLES, { key: 'outcome.staffDisabled' })) ??
        decide(tx, row, input, user),
      receipt,
    );
  };
}
