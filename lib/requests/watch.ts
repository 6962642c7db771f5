import 'server-only';
import { displayEmail } from '@/lib/auth/email-address';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { Prisma } from '@/lib/generated/sqlite/client';
import { db } from '@/lib/server/db';
import { cameBackOf } from './came-back';
import { shownRequestStatus, type ShownRequestStatus } from './closed';

// The staff request page's watch: while a request waits, its open page asks every few seconds
// whether the request is still as the page shows it (components/staff/request-watch.tsx, through
// /api/staff/requests/{id}/watch). Before, a page stayed "Pending · Not taken" with both decisions
// live after another agent had denied or taken the request, and the agent learned it only when a
// button was refused, after phoning the customer (tester, fraud-wave morning).
//
// What the page shows of the request is summed up in a mark (requestMark): its status as pages show
// it, who holds its claim and since when (the columns: a lapse writes nothing, and "keep it longer"
// keeps the same start, so neither is news), and how many entries its block's timeline has (an
// approval whose lift the switch refused leaves the request pending again with its decision
// cleared, the same row as before the approval, but two or three more entries; so does a lift of
// the block on its way). The block notice's own entries (queued, reached the mail server: a member
// added meanwhile, a notice held for the calls) are not counted: they change nothing an agent decides
// on, and counting them closed the forms as out of date ("the block has changed") with nothing to see.
// One read answers the check: the request by its key, with a count of its block's timeline on the
// (blockId, at) index. Only when the mark differs is more read, to say what happened.

/** A mark (requestMark) as text: `<status>.<holder id>.<claimed at, ms>.<timeline entries>`. */
const MARK = /^(pending|approved|denied|withdrawn|closed)\.([A-Za-z0-9_-]{0,64})\.(\d{0,15})\.(\d{1,9})$/;
/** A row id (cuid, or a UUID without dashes): the audit row a `back` names. */
const ROW_ID = /^[A-Za-z0-9_-]{0,64}$/;

/** Timeline entries of the block notice's mail, which the watch does not count (watchedEntries). */
const MAIL_ENTRIES = ['notice_queued', 'notice_sent'] as const;

/**
 * How many of a block's timeline entries (their `type`s) the watch counts: all but the block notice's
 * mail entries (MAIL_ENTRIES). The request page counts its own read with it, as the watch's statement
 * (watchRead) counts in SQL.
 */
export const watchedEntries = (events: readonly { type: string }[]): number =>
  events.filter((e) => !(MAIL_ENTRIES as readonly string[]).includes(e.type)).length;

/**
 * The mark of a request as a page shows it: its shown status (shownRequestStatus), its claim's holder
 * (`claimedById`) and start (`claimedAt`), and the number of entries on its block's timeline the watch
 * counts (`events`, watchedEntries). Equal marks: nothing the watch reports has changed. The request page renders it from
 * its own read (lib/requests/detail.ts), the watch's route from its one read (requestChangeSince).
 */
export function requestMark(
  r: {
    status: 'pending' | 'approved' | 'denied' | 'withdrawn';
    decisionNote: string | null;
    claimedById: string | null;
    claimedAt: Date | null;
  },
  events: number,
): string {
  return [shownRequestStatus(r), r.claimedById ?? '', r.claimedAt?.getTime() ?? '', events].join('.');
}

/**
 * What the page's check sends (`?seen=…&back=…&known=…`): `seen`, the mark the page was rendered with;
 * `back`, the id of the return after an approval it shows (lib/requests/came-back.ts CameBack `id`),
 * '' for none; `known`, the mark of the last answer it had, '' for none. Null when one is not of its
 * form (the route answers 400).
 */
export function readWatchQuery(
  params: URLSearchParams,
): { seen: string; back: string; known: string } | null {
  const seen = params.get('seen') ?? '';
  const back = params.get('back') ?? '';
  const known = params.get('known') ?? '';
  if (!MARK.test(seen) || !ROW_ID.test(back) || (known !== '' && !MARK.test(known))) return null;
  return { seen, back, known };
}

/**
 * What happened to a request since its page was rendered, as the page says it (addresses as
 * displayEmail shows them; times ISO 8601; `you`: the reader did it, in another tab):
 * - `approved`, `denied` (by an agent, `by`, at `at`), `withdrawn` (by the customer `by`, null for a
 *   withdrawal stored before its withdrawer was), `closed` (a lift of its block closed it): no longer
 *   waiting, and no decision can be made on the page;
 * - `cameBack`: `by` approved it at `at` (null, and the time it came back, when the timeline has no
 *   approval) and the lift did not happen: it waits again (lib/requests/came-back.ts);
 * - `taken`: `by` took it at `at`, `fromYou` when the page showed the reader's own claim;
 * - `released`: the claim the page showed was given back to the queue and nobody holds it now (by
 *   whom is not said: the holder, or someone who took it over meanwhile);
 * - `changed`: its block's timeline has moved on (a lift on its way, a new entry) with nothing of the
 *   above.
 */
export type RequestChange =
  | { kind: 'approved' | 'denied'; by: string; you: boolean; at: string }
  | { kind: 'withdrawn'; by: string | null; at: string }
  | { kind: 'closed'; at: string }
  | { kind: 'cameBack'; by: string | null; you: boolean; at: string }
  | { kind: 'taken'; by: string; you: boolean; at: string; fromYou: boolean }
  | { kind: 'released' }
  | { kind: 'changed' };

/**
 * The watch's answer (`mark`: the request's mark now): `change` null when the request is as the page
 * shows it (its mark is `seen`), else what happened (RequestChange); `same` instead of `change` when
 * the mark is still the one of the last answer (`known`), which the page already said.
 */
export type WatchAnswer = { mark: string; same: true } | { mark: string; change: RequestChange | null };

type WatchRow = {
  status: 'pending' | 'approved' | 'denied' | 'withdrawn';
  decisionNote: string | null;
  decidedAt: Date | string | number | null;
  decidedById: string | null;
  claimedById: string | null;
  claimedAt: Date | string | number | null;
  blockId: string;
  createdAt: Date | string | number;
  events: bigint | number;
};

/**
 * The check's one statement: request `id` by its key, with the entries of its block's timeline the
 * watch counts (all but MAIL_ENTRIES, written as literals: a bound text would not compare with
 * PostgreSQL's enum) counted on the (blockId, at) index. Exported for the query-plan test.
 */
export const watchRead = (id: string) => Prisma.sql`
  SELECT r."status", r."decisionNote", r."decidedAt", r."decidedById", r."claimedById", r."claimedAt",
    r."blockId", r."createdAt",
    (SELECT count(*) FROM "BlockEvent" e
      WHERE e."blockId" = r."blockId" AND e."type" NOT IN (${Prisma.raw(MAIL_ENTRIES.map((t) => `'${t}'`).join(', '))})) AS "events"
  FROM "UnblockRequest" r WHERE r."id" = ${id}`;

/** A time a raw read returns: a Date (PostgreSQL), or the text or number SQLite stores. */
const asDate = (v: Date | string | number) => (v instanceof Date ? v : new Date(v));
const orNull = (v: Date | string | number | null) => (v === null ? null : asDate(v));

/**
 * The request page's check (`/api/staff/requests/{id}/watch`): the request `id` as it is now against
 * what the page showed (`q`, readWatchQuery), for staff only (assertStaff: anyone else gets
 * notFound()). Null for no such request. One read (the request by its key, its block's timeline
 * counted on an index) when nothing changed or nothing since the last answer; when something did, the
 * addresses of whoever acted (one read by key), and, for a request waiting again with its block's
 * timeline moved on, whether it came back after an approval (cameBackOf).
 */
export async function requestChangeSince(
  user: CurrentUser | null,
  id: string,
  q: { seen: string; back: string; known: string },
): Promise<WatchAnswer | null> {
  assertStaff(user);
  const [row] = await db.$queryRaw<WatchRow[]>(watchRead(id));
  if (!row) return null;
  const claimedAt = orNull(row.claimedAt);
  const events = Number(row.events);
  const mark = requestMark({ ...row, claimedAt }, events);
  if (mark === q.seen) return { mark, change: null };
  if (mark === q.known) return { mark, same: true };
  return { mark, change: await whatChanged(user, { ...row, id, claimedAt, events }, q) };
}

/** What changed (RequestChange) between the mark `q.seen` and `row`, which differ. */
async function whatChanged(
  user: CurrentUser,
  row: Omit<WatchRow, 'claimedAt' | 'events'> & { id: string; claimedAt: Date | null; events: number },
  q: { seen: string; back: string },
): Promise<RequestChange> {
  const [, , seenHolder = '', seenSince = '', seenEvents = ''] = MARK.exec(q.seen) ?? [];
  const ids = [row.decidedById, row.claimedById].filter((v): v is string => !!v);
  const people = ids.length
    ? await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })
    : [];
  const who = (uid: string) => displayEmail(people.find((p) => p.id === uid)?.email ?? uid);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const status: ShownRequestStatus = shownRequestStatus(row);
  const at = iso(orNull(row.decidedAt));
  // Every writer of a decision stamps it (decide.ts, submit.ts withdrawRequest, closed.ts): a row
  // without the time is said only to have changed, not given a time it does not have.
  if (status !== 'pending' && at === null) return { kind: 'changed' };
  if ((status === 'approved' || status === 'denied') && row.decidedById)
    return { kind: status, by: who(row.decidedById), you: row.decidedById === user.id, at: at! };
  if (status === 'withdrawn')
    return { kind: 'withdrawn', by: row.decidedById ? who(row.decidedById) : null, at: at! };
  if (status === 'closed') return { kind: 'closed', at: at! };
  if (status !== 'pending') return { kind: 'changed' };
  if (String(row.events) !== seenEvents) {
    const request = { id: row.id, blockId: row.blockId, createdAt: asDate(row.createdAt) };
    const back = (await cameBackOf([request])).get(row.id);
    if (back && back.id !== q.back)
      return {
        kind: 'cameBack',
        by: back.approvedBy,
        you: back.approvedBy !== null && back.approvedBy === displayEmail(user.email),
        at: (back.approvedAt ?? back.at).toISOString(),
      };
  }
  const since = row.claimedAt?.getTime() ?? '';
  if (row.claimedById && row.claimedAt && (row.claimedById !== seenHolder || String(since) !== seenSince))
    return {
      kind: 'taken',
      by: who(row.claimedById),
      you: row.claimedById === user.id,
      at: row.claimedAt.toISOString(),
      fromYou: seenHolder === user.id && row.claimedById !== user.id,
    };
  if (!row.claimedById && seenHolder) return { kind: 'released' };
  return { kind: 'changed' };
}
