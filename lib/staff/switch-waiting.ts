import 'server-only';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { Prisma } from '@/lib/generated/sqlite/client';
import { sharedNow } from '@/lib/server/clock';
import { db } from '@/lib/server/db';
import { switchQuietUntil } from '@/lib/switch/quiet';

// Changes Tollgate decided that the switch outbox (lib/switch/outbox.ts) is still sending: an approved
// lift, support's manual block, an allowance granted or ended. While one waits, the portal says so on
// its own page ("Lifting: waiting for the switch") and the account stays as the switch has it; but an
// approved request leaves the queue, and "Out of sync with the switch" lists only differences the
// reconciler found, so after an outage the desk could not tell which customers were still blocked
// without opening each account. The staff home lists them (components/staff/switch-waiting.tsx).
// While the switch has asked this instance for quiet (lib/switch/quiet.ts: a 429, or a 503 with
// Retry-After), the outbox sends nothing: the list says until when, and no change's next try is
// before it. Before 2026-12-07 it printed each row's nextAttemptAt, a time already past in a pause
// (the outbox claims nothing then, so nothing moves it), and "not sent yet" with no reason.

/**
 * How long a change waits before the desk sees it, in ms: 2 minutes. The outbox tries at once and
 * then backs off from 1 s, doubling (lib/switch/outbox.ts backoffMs): by 2 minutes it has tried about
 * seven times, each given up after the switch's timeout (5 s by default), so a change still waiting
 * then is not a slow answer or a switch restarting but an outage or a refusal to be tried later
 * (`Retry-After`), and a customer on the phone has waited long enough for the agent to know. A
 * healthy switch confirms within seconds, so a calm desk sees nothing here.
 */
export const SWITCH_WAITING_AFTER_MS = 2 * 60_000;

/** At most this many are listed (the oldest): the rest are named by "more than". */
export const SWITCH_WAITING_SHOWN = 25;

/** The outbox's kinds of change, as the account page names them (`staff.labels.opKind`). */
export const SWITCH_CHANGE_KINDS = ['lift', 'block', 'reapply', 'allowance_put', 'allowance_delete'] as const;
export type SwitchChangeKind = (typeof SWITCH_CHANGE_KINDS)[number];

/** One change still being sent, as the staff home shows it (a DTO: no payload, no actor). */
export type SwitchWaitingItem = {
  id: string;
  /** What it asks the switch to do; a kind this version does not know is given as stored. */
  kind: string;
  /** The account; `name` null when Tollgate has no account of that number (it was deleted). */
  account: { number: string; name: string | null };
  /** When the change was queued (the outbox row's createdAt): it has waited since then. */
  since: Date;
  /** Attempts so far (the outbox's claims of it: one that counts may have reached the switch). */
  attempts: number;
  /** The last failure as stored (`<code>: <detail>`, lib/switch/error-text.ts), or null: not tried yet. */
  lastError: string | null;
  /** When the outbox sends it next, as nextTry says it; null when it is due now. */
  nextTry: NextTry | null;
  /** For a lift an approval queued (LiftPayload.requestId): that unblock request; else null. */
  requestId: string | null;
  /** For an allowance's grant or end: which allowance, and its country (ISO 3166-1 alpha-2); else null. */
  allowance: { id: string; country: string } | null;
};

/**
 * When a waiting change goes to the switch next, never a time already past: `at`, rounded up to the
 * whole second, and `afterPause` true when it is the end of the quiet the switch asked for (the
 * outbox starts nothing before it) rather than the change's own next attempt.
 */
export type NextTry = { at: Date; afterPause: boolean };

/**
 * The next try of a change whose outbox row says `nextAttemptAt`, at `now`, while this instance is
 * quiet until `quietUntil` (switchQuietUntil; null when it is not): the later of the two, rounded up
 * to the whole second, so that a time shown to the second is never before it. Null when that is not
 * after `now` (before rounding): the change is due, and the outbox (every second) sends it on its
 * next pass.
 */
export function nextTryOf(nextAttemptAt: Date, quietUntil: Date | null, now: Date): NextTry | null {
  const own = nextAttemptAt.getTime();
  const pause = quietUntil?.getTime() ?? 0;
  const at = Math.max(own, pause);
  if (at <= now.getTime()) return null;
  return { at: new Date(Math.ceil(at / 1000) * 1000), afterPause: pause >= own };
}

/** What the staff home shows of the changes still being sent (switchChangesWaiting). */
export type SwitchWaiting = {
  /** The changes waiting longer than SWITCH_WAITING_AFTER_MS, oldest first, at most SWITCH_WAITING_SHOWN. */
  items: SwitchWaitingItem[];
  /** True when more than those wait that long. */
  more: boolean;
  /**
   * Until when the switch asked this instance to pause its calls (lib/switch/quiet.ts
   * switchQuietUntil, whole seconds), while any change waits for the switch, listed or not yet (one
   * queued a minute ago waits for the pause too); null when the instance is not quiet or nothing waits.
   */
  quietUntil: Date | null;
};

type Row = {
  id: string;
  kind: string;
  accountNumber: string;
  name: string | null;
  payload: string;
  attempts: number | bigint;
  lastError: string | null;
  createdAt: Date | string;
  nextAttemptAt: Date | string;
};

// SQLite's raw results give a date as the text Prisma stored (ISO 8601); PostgreSQL a Date.
const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/** What the list reads of a payload (LiftPayload, AllowancePutPayload, AllowanceDeletePayload), no more. */
function target(payload: string): Pick<SwitchWaitingItem, 'requestId' | 'allowance'> {
  let p: { requestId?: unknown; allowanceId?: unknown; country?: unknown; countries?: unknown };
  try {
    p = JSON.parse(payload) as typeof p;
  } catch {
    return { requestId: null, allowance: null };
  }
  const country =
    typeof p.country === 'string' ? p.country : Array.isArray(p.countries) ? p.countries[0] : null;
  return {
    requestId: typeof p.requestId === 'string' ? p.requestId : null,
    allowance:
      typeof p.allowanceId === 'string' && typeof country === 'string'
        ? { id: p.allowanceId, country }
        : null,
  };
}

/**
 * The list's statement: the pending changes queued at or before `before`, oldest first (createdAt,
 * then id), at most SWITCH_WAITING_SHOWN + 1, each with its account's name by the account number's
 * unique index. One range of the SwitchOperation (status, createdAt) index (migration 0034).
 * Exported for the query-plan test.
 */
export const switchWaitingStatement = (before: Date) => Prisma.sql`
    SELECT o."id", o."kind", o."accountNumber", o."payload", o."attempts", o."lastError", o."createdAt",
      o."nextAttemptAt", (SELECT a."name" FROM "CustomerAccount" a WHERE a."number" = o."accountNumber") AS "name"
    FROM "SwitchOperation" o WHERE o."status" = 'pending' AND o."createdAt" <= ${before}
    ORDER BY o."createdAt", o."id" LIMIT ${SWITCH_WAITING_SHOWN + 1}`;

/**
 * The changes the switch outbox has been sending for longer than SWITCH_WAITING_AFTER_MS (pending,
 * queued at or before `now` minus it; `now` defaults to the shared clock, the one nextAttemptAt is
 * written by), oldest first (createdAt, then id), at most SWITCH_WAITING_SHOWN as `items`
 * (SwitchWaitingItem, each with its next try by nextTryOf), with `more` true when there are others,
 * and `quietUntil` (SwitchWaiting) while this instance is quiet and any change waits. One bounded
 * statement (switchWaitingStatement), and while quiet with none listed one read of the first pending
 * change on the same index. Throws (assertStaff) for a caller who is not staff.
 */
export async function switchChangesWaiting(
  user: CurrentUser | null,
  now: Date = sharedNow(),
): Promise<SwitchWaiting> {
  assertStaff(user);
  const quiet = switchQuietUntil(now.getTime());
  const rows = await db.$queryRaw<Row[]>(
    switchWaitingStatement(new Date(now.getTime() - SWITCH_WAITING_AFTER_MS)),
  );
  const waits =
    quiet !== null &&
    (rows.length > 0 ||
      (await db.switchOperation.findFirst({ where: { status: 'pending' }, select: { id: true } })) !== null);
  return {
    items: rows
      .slice(0, SWITCH_WAITING_SHOWN)
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        account: { number: r.accountNumber, name: r.name },
        since: asDate(r.createdAt),
        attempts: Number(r.attempts),
        lastError: r.lastError,
        nextTry: nextTryOf(asDate(r.nextAttemptAt), quiet, now),
        ...target(r.payload),
      })),
    more: rows.length > SWITCH_WAITING_SHOWN,
    quietUntil: waits ? quiet : null,
  };
}
