import 'server-only';
import crypto from 'node:crypto';
import {
  confirmLift,
  confirmPlace,
  type LiftPayload,
  markUncertain,
  type PlacePayload,
  type ReapplyPayload,
  refuseLift,
  refusePlace,
  withdrawLiftForNewerBlock,
  withholdLiftForSuspects,
} from '@/lib/blocks/lifecycle';
import { recordSuspects } from '@/lib/blocks/suspects';
import { liveDevices } from '@/lib/devices/registrations';
import { db } from '@/lib/server/db';
import { sharedNow } from '@/lib/server/clock';
import { envVar } from '@/lib/server/env';
import { backoffMs as jitteredBackoff, claimDue, drain, reschedule, WORKER_ID } from '@/lib/server/outbox';
import { switchClient, type SwitchClient } from '@/lib/switch/client';
import { storedSwitchError } from '@/lib/switch/error-text';
import { isRetryable, type SwitchFailure } from '@/lib/switch/result';
import { switchQuietMs } from '@/lib/switch/quiet';
import {
  giveUpAllowanceOperation,
  isAllowanceOperation,
  sendAllowanceOperation,
} from '@/lib/allowances/operations';

// The runner of the switch outbox: changes Tollgate decided (lift, manual block, re-apply, and
// destination allowances) that the switch must confirm. lib/blocks/lifecycle.ts writes the operation rows in the same transaction as
// the decision and records every outcome; this file only leases a due row, sends it with the row's
// Idempotency-Key and hands the answer back. Several instances may run it: each claims a row with a
// lease, and a re-send after a crash reuses the key, so the switch applies it once. Before the
// rotation policy's lift is first sent, the registrar is read and the lift may be withheld
// (readBeforePolicyLift).

/** The shortest lease of a claimed operation: a worker killed mid-send is replaced within a minute. */
const MIN_LEASE_MS = 60_000;
/** Room in a lease for the database writes around an attempt's requests (claim, confirm, audit). */
const LEASE_WRITES_MS = 30_000;
const MAX_BACKOFF_MS = 5 * 60_000;
/** The switch remembers Idempotency-Keys for 24 h (CONTRACTS §3); a re-send after that could apply twice. */
const KEY_MEMORY_MS = 23 * 3600_000;

/** The longest `Retry-After` the outbox obeys: a switch asking for more is asked again after 1 h. */
export const MAX_RETRY_AFTER_MS = 3600_000;

/**
 * The lease of a claimed operation, in ms, for a switch request limit of `timeoutMs`
 * (SWITCH_API_TIMEOUT_MS): at least MIN_LEASE_MS (60 s), and longer than an attempt can last. An
 * attempt makes at most three rounds of requests, each given up on after `timeoutMs`: an old
 * operation's state read, then for the rotation policy's lift the registrar's bindings of every
 * credential of the account (readBeforePolicyLift: one GET per credential, all at once, so one round
 * however many credentials), then the change itself, and for a manual block (which reads no
 * registrations) the read of where the account stands after a re-sent or older answer
 * (confirmPlace); plus the database writes around them (recording suspects, the check under the
 * account's lock). A lease shorter than that would let another worker claim the row while its request
 * is still on the wire: the re-send carries the same Idempotency-Key, so the switch would still apply
 * it once, but the two answers would race to record the outcome. With the default limit (5 s) the lease is 60 s.
 */
export function switchLeaseMs(timeoutMs: number): number {
  return Math.max(MIN_LEASE_MS, 3 * timeoutMs + LEASE_WRITES_MS);
}

/** Delay before attempt `attempts + 1`, in ms: from 1 s, capped at 5 min (lib/server/outbox.ts). */
export const backoffMs = (attempts: number, random = Math.random) =>
  jitteredBackoff(attempts, 1000, MAX_BACKOFF_MS, random);

/**
 * Delay before the next attempt after `failure`, in ms: the backoff, or the switch's `Retry-After`
 * (capped at MAX_RETRY_AFTER_MS) when that is longer: the operation is not sent again sooner.
 */
export function retryDelayMs(attempts: number, failure: Pick<SwitchFailure, 'retryAfterMs'>): number {
  return Math.max(backoffMs(attempts), Math.min(failure.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/**
 * Claims one due operation for `owner` (a lease of `leaseMs`), or null. Safe under concurrent
 * workers. `attempts` counts claims: an operation with attempts > 0 may have reached the switch.
 */
export async function claimSwitchOperation(now: Date, owner: string, leaseMs: number) {
  return claimDue(db.switchOperation, owner, leaseMs, { now, countAttempt: true });
}

/** What processSwitchOutbox takes; see there. */
export type SwitchOutboxOptions = {
  client?: SwitchClient;
  owner?: string;
  max?: number;
  leaseMs?: number;
  /** Whether the tick's budget is spent (default TICK_BUDGET_MS, lib/server/tick-budget.ts). */
  deadline?: () => boolean;
};

/** The run going on: the pass that callers since the pass in progress began wait for, if any. */
type Run = { woken: { promise: Promise<number>; settle: (pass: Promise<number>) => void } | null };
// The run going on per lease owner, on globalThis: server actions (send-soon) and the workers
// (instrumentation.ts) are bundled apart, and each bundle has a module of its own.
const g = globalThis as { __tollgateSwitchOutboxRuns?: Map<string, Run> };
const runs = (): Map<string, Run> => (g.__tollgateSwitchOutboxRuns ??= new Map());
/** The key of a run without an explicit owner: this process (WORKER_ID may differ between bundles). */
const THIS_PROCESS = '';

/**
 * Sends due operations until none is left (at most `max`); returns how many the switch confirmed.
 * At most one run per lease owner at a time, so one per process for the default owner (this process,
 * WORKER_ID): a call while a pass is going does not start a second beside it (before 2026-12-05 every
 * server action that queued an operation started one, and the requests on the wire to a slowed
 * switch grew with customer traffic). It wakes the run instead, which makes one more pass once the
 * current one ends, so an operation queued just before the call still goes out at once; the call
 * resolves with that pass's count (made with the run's options, not the caller's). All calls during
 * one pass share the next, so a caller waits at most for two passes, each within its tick budget.
 * `owner` names another instance (tests; a second worker): runs of different owners may overlap,
 * their rows are leased apart. While the switch has asked this instance for quiet
 * (lib/switch/quiet.ts: a 429 or 503 with Retry-After), no operation is claimed: they stay due, and
 * no attempt is counted.
 */
export function processSwitchOutbox(opts: SwitchOutboxOptions = {}): Promise<number> {
  const key = opts.owner ?? THIS_PROCESS;
  const running = runs().get(key);
  if (running) {
    if (!running.woken) {
      let settle!: (pass: Promise<number>) => void;
      const promise = new Promise<number>((resolve, reject) => {
        settle = (pass) => pass.then(resolve, reject);
      });
      running.woken = { promise, settle };
    }
    return running.woken.promise;
  }
  const run: Run = { woken: null };
  runs().set(key, run);
  const first = sendDue(opts);
  void passesWhileWoken(key, run, first, opts);
  return first;
}

/** After `pass`, one more pass while a call woke the run during the last; then the run ends. */
async function passesWhileWoken(key: string, run: Run, pass: Promise<number>, opts: SwitchOutboxOptions) {
  for (;;) {
    await pass.catch(() => undefined); // its callers have its error
    const woken = run.woken;
    // Ended in the same step as the check: a later call starts a run of its own, never waits for a
    // run that will make no further pass.
    if (!woken) {
      runs().delete(key);
      return;
    }
    run.woken = null;
    pass = sendDue(opts);
    woken.settle(pass);
  }
}

/** One pass of the outbox: claims and sends due operations, at most `max`; how many were confirmed. */
async function sendDue(opts: SwitchOutboxOptions): Promise<number> {
  // The outbox does its own retrying across ticks, so each attempt is a single request.
  const client = opts.client ?? outboxClient();
  const owner = opts.owner ?? WORKER_ID;
  const leaseMs = opts.leaseMs ?? switchLeaseMs(envVar('SWITCH_API_TIMEOUT_MS'));
  // Nothing is claimed while the switch asked for quiet: the rows stay due for after it.
  const claim = async () => (switchQuietMs() > 0 ? null : claimSwitchOperation(sharedNow(), owner, leaseMs));
  return drain(
    claim,
    async (op) => {
      // Tried again after the backoff (or the switch's Retry-After), only while this worker still
      // holds the row: a worker that lost its lease must not reschedule it.
      const later = (f: SwitchFailure) =>
        reschedule(db.switchOperation, op.id, {
          owner,
          delayMs: retryDelayMs(op.attempts, f),
          error: storedSwitchError(f),
        });
      if (isAllowanceOperation(op)) {
        // Destination allowances (issue 16): lib/allowances/operations.ts sends them and records the
        // answer. Without a final answer they are tried again: a grant up to its give-up horizon
        // (ALLOWANCE_GIVE_UP_MS), then settled and listed for staff; an end until the switch answers
        // (it may be all that ends an exception live under a block), listed for staff past that horizon.
        const r = await sendAllowanceOperation(op, client);
        if (r === 'confirmed' || r === 'refused') return r === 'confirmed';
        if (!(await giveUpAllowanceOperation(op, r))) await later(r);
        return false;
      }
      const before = await readBeforeResend(op, client);
      if (before === 'settled') return false;
      if (before !== 'send') {
        // The switch did not say where the account stands: nothing is sent blind with a key it may
        // have forgotten. The read is tried again with the backoff, like a failed change.
        await later(before);
        return false;
      }
      const payload = JSON.parse(op.payload) as LiftPayload | PlacePayload | ReapplyPayload;
      if (payload.state === 'allowed' && payload.registrationsRead === false) {
        // The rotation policy's lift, not sent yet: the registrar is read first (readBeforePolicyLift).
        const checked = await readBeforePolicyLift(op, payload, client);
        if (checked !== 'send') {
          if (checked !== 'withdrawn' && checked !== 'settled') await later(checked);
          return false;
        }
      }
      const res = await client.setInternationalCalling(op.accountNumber, payload, op.idempotencyKey);
      if (res.ok && res.value.internationalCalling === payload.state) {
        if (payload.state === 'blocked') {
          // A re-send's answer may be the switch's stored one, from before a lift: read the account
          // first (an extra GET on a retry only). A first answer older than the account's last
          // change asks for the read too (need_switch_state).
          const resent = op.kind !== 'reapply' && op.attempts > 0;
          if (resent || (await confirmPlace(op, res.value)) === 'need_switch_state') {
            const now = await client.getAccount(op.accountNumber);
            if (!now.ok) {
              await later(now);
              return false;
            }
            await confirmPlace(op, res.value, now.value);
          }
        } else await confirmLift(op);
        return true;
      }
      if (res.ok) {
        // A 200 whose body shows the other state (CONTRACTS §3: the body is the account after the
        // change) is the switch's answer that the change is not in force: recorded as a refusal, as
        // the allowance path does with a 200 that does not list its country, so the portal shows what
        // the switch has and mails nothing. The reconciler reads the account again on its next pass.
        const error = `body_disagrees: the switch answered 200 with internationalCalling "${res.value.internationalCalling}"`;
        if (payload.state === 'blocked') await refusePlace(op, error);
        else await refuseLift(op, error);
        await markUncertain(op.accountNumber);
        return false;
      }
      const error = storedSwitchError(res);
      if (isRetryable(res)) {
        await later(res);
        await markUncertain(op.accountNumber); // it may have been applied: the reconciler will look
      } else if (payload.state === 'blocked') {
        await refusePlace(op, error);
      } else {
        await refuseLift(op, error);
      }
      return false;
    },
    opts.max ?? 50,
    opts.deadline,
  );
}

/**
 * An operation older than the switch's idempotency memory (KEY_MEMORY_MS, CONTRACTS §3: keys are kept
 * 24 h) must not be re-sent blind: it could apply twice, undoing a change the switch made since. Its
 * account is read first:
 * - `settled`: the switch already has the target state; that is the confirmation, recorded here; or
 *   a lift found the account blocked since after the blocks it was decided for, and was withdrawn
 *   (lib/blocks/lifecycle.ts withdrawLiftForNewerBlock);
 * - `send`: a young operation (its key is remembered), or the switch has the other state: the
 *   operation then gets a fresh key (written to `op` and its row) and is sent as new;
 * - a failure: the read did not answer (a timeout, a 5xx, a body it could not read); nothing may be
 *   sent until it does (docs/switch-api.md, "Idempotency").
 */
async function readBeforeResend(
  op: { id: string; createdAt: Date; accountNumber: string; kind: string; payload: string },
  client: SwitchClient,
): Promise<'settled' | 'send' | SwitchFailure> {
  if (Date.now() - op.createdAt.getTime() < KEY_MEMORY_MS) return 'send';
  const state = await client.getAccount(op.accountNumber);
  if (!state.ok) return state;
  const payload = JSON.parse(op.payload) as LiftPayload | PlacePayload;
  // Blocked since after what the lift was decided for: a block placed while its event could not
  // arrive, which the lift would undo (review, session 39). Withdrawn instead.
  if (
    payload.state === 'allowed' &&
    state.value.internationalCalling === 'blocked' &&
    state.value.blockedAt &&
    (await withdrawLiftForNewerBlock(op, new Date(state.value.blockedAt)))
  )
    return 'settled';
  if (state.value.internationalCalling === payload.state) {
    // The state read now is the answer and where the account stands.
    if (payload.state === 'blocked') await confirmPlace(op, state.value, state.value);
    else await confirmLift(op);
    return 'settled';
  }
  const key = crypto.randomUUID();
  await db.switchOperation.updateMany({
    where: { id: op.id, status: 'pending' },
    data: { idempotencyKey: key, createdAt: new Date() },
  });
  Object.assign(op, { idempotencyKey: key });
  return 'send';
}

/**
 * Before the rotation policy's lift (LiftPayload `registrationsRead: false`: DESIGN.md's re-enabling
 * rule, lib/blocks/policy.ts liftIfRotated) is first sent, the switch's registrar is read for every SIP
 * credential of the account (lib/devices/registrations.ts liveDevices: one
 * `GET /v1/sip-credentials/{username}/registrations` each, all at once, with the client's timeout and
 * no retries, as the pages read them), flagged against the source addresses of the calls of the blocks
 * the lift covers (`payload.blockIds`), and what it shows is recorded against those blocks
 * (lib/blocks/suspects.ts recordSuspects: a credential the calls did not name, registered from their
 * address, not the office's own network, or by a SIP scanning tool). A customer who went from the
 * dashboard straight to one credential's reset page never had the others read, and the block lifted
 * while the attacker's registration of another credential stood. Then
 * lib/blocks/lifecycle.ts withholdLiftForSuspects decides under the account's lock: `withdrawn` (a
 * suspect of a block is unchanged since it), `send`, or `settled` (the operation was cancelled
 * meanwhile). A credential not read (a timeout, a 5xx, a refusal such as a 401, an answer it could not
 * read, or the switch asking this instance for quiet) returns that failure and nothing is recorded or
 * sent: the caller puts the lift back with the backoff, and the next claim reads again. A 404 (the
 * switch has no such credential) counts as read, with no bindings. Throws when the read could not be
 * recorded (the database): the lease runs out and the row is claimed again, as after a crash.
 */
async function readBeforePolicyLift(
  op: { id: string; accountNumber: string },
  payload: LiftPayload,
  client: SwitchClient,
): Promise<'send' | 'withdrawn' | 'settled' | SwitchFailure> {
  const blockIds = payload.blockIds ?? [];
  const account = await db.customerAccount.findUnique({
    where: { number: op.accountNumber },
    select: {
      id: true,
      country: true,
      sipCredentials: { select: { id: true, username: true, label: true }, orderBy: { username: 'asc' } },
    },
  });
  if (!account) return 'send'; // as before: confirmLift records nothing for an account not here
  const calls = await db.triggerCall.findMany({
    where: { blockId: { in: blockIds } },
    select: { sourceIp: true },
    distinct: ['sourceIp'],
  });
  // liveDevices says only that a credential was not read; the switch's own answer is kept for the
  // operation's lastError and its Retry-After for the backoff. A 404 is the switch's answer that it
  // has no such credential: nobody can be registered with it, so it is read as no bindings (else a
  // credential the portal knows and the switch does not would hold the account's lift for ever).
  let failed: SwitchFailure | undefined;
  const watched: SwitchClient = {
    ...client,
    getRegistrations: async (username, o) => {
      const res = await client.getRegistrations(username, o);
      if (!res.ok && res.kind === 'not_found')
        return { ok: true, value: { registrations: [], unreadable: 0 } };
      if (!res.ok) failed ??= res;
      return res;
    },
  };
  const read = await liveDevices(
    account.sipCredentials,
    { accountCountry: account.country, triggerIps: calls.map((c) => c.sourceIp) },
    watched,
  );
  const unread = read.find((c) => c.notRead)?.notRead;
  if (unread) {
    if (failed) return failed;
    const until = unread.reason === 'paused' ? unread.until : null;
    return {
      ok: false,
      kind: 'unavailable',
      code: 'unavailable',
      message: until
        ? `registrations not read: the switch asked for quiet until ${until.toISOString()}`
        : 'registrations not read',
      ...(until ? { retryAfterMs: Math.max(0, until.getTime() - Date.now()) } : {}),
    };
  }
  if ((await recordSuspects(account.id, read, sharedNow(), blockIds)) === null)
    throw new Error('switch outbox: the registrations read before a lift could not be recorded');
  return withholdLiftForSuspects(op);
}

let cachedOutboxClient: SwitchClient | undefined;
function outboxClient(): SwitchClient {
  cachedOutboxClient ??= switchClient({ retries: 0 });
  return cachedOutboxClient;
}
