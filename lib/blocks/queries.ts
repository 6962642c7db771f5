import 'server-only';
import { Prisma } from '@/lib/generated/sqlite/client';
import {
  accountLabelsById,
  BLOCK_ON_ITS_WAY,
  LATEST_CHANGE_COLUMNS,
  LATEST_CHANGE_JOIN,
  memberOf,
  unsettledOfRow,
  type LatestChangeRow,
} from '@/lib/accounts/queries';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import { isRowId } from '@/lib/server/row-id';
import { CALLS_PER_PAGE, CALLS_SHOWN, callOverview, callView } from '@/lib/blocks/call-overview';
import { blockDestinations } from '@/lib/blocks/destinations';
import { accountCountry } from '@/lib/phone/plan';
import type { BlockEventType, BlockReason, BlockStatus } from '@/lib/generated/sqlite/enums';
import { encodeCursor } from '@/lib/staff/cursor';
import { shownRequestStatus } from '@/lib/requests/closed';
import { howBlockEnded, liftedHow } from './ended';
import { passwordChangedSince } from './rotation';
import { suspectWords, withLiveSuspects, type SuspectReason, type Suspected } from './suspects';
import type { CredentialDevices } from '@/lib/devices/registrations';
import { sharedNow } from '@/lib/server/clock';
import { timelineTitle, type TimelineTitle } from './timeline-title';
import { inShownOrder, shownTimeline } from './timeline-order';
import { readStored } from '@/lib/i18n/stored';

export { CALLS_PER_PAGE, CALLS_SHOWN, callView };

/** A block's own fields as the staff pages show them (placedBy included: staff may see the agent). */
export function staffBlockView(b: {
  id: string;
  reason: BlockReason;
  status: BlockStatus;
  placedAt: Date;
  placedBy: string;
  liftedAt: Date | null;
  /** Who lifted it: an agent's email, `switch`, `policy`… (lib/blocks/lifecycle.ts); null while in force. */
  liftedBy: string | null;
  note: string | null;
  callsNotKept: number;
}) {
  const { id, reason, status, placedAt, placedBy, liftedAt, liftedBy, note, callsNotKept } = b;
  return { id, reason, status, placedAt, placedBy, liftedAt, liftedBy, note, callsNotKept };
}

/** The block page's first read: the block, its account and the account's other open block. */
type BlockRow = {
  id: string;
  reason: BlockReason;
  status: BlockStatus;
  placedAt: Date | string | number;
  /** When the portal learnt of the block (its own clock; placedAt is the switch's). */
  createdAt: Date | string | number;
  liftedAt: Date | string | number | null;
  /** Who lifted it (lib/blocks/lifecycle.ts): read for `ended` only, never shown (no agent's address). */
  liftedBy: string | null;
  note: string | null;
  callsNotKept: number | bigint;
  accountId: string;
  number: string;
  name: string;
  country: string;
  otherOpenBlockId: string | null;
  otherOpenBlockStatus: BlockStatus | null;
  otherOpenBlockCount: number | bigint;
  blockOnItsWay: number | bigint;
  /** The reader's own address, to tell their timeline entries from other members' ("by you"). */
  viewerEmail: string | null;
};

/**
 * An unblock request of the block as its page lists it, with the addresses of who sent it
 * (`submittedBy`) and, for one a member withdrew, who withdrew it (`withdrawnBy`: the customer login
 * stored as `decidedById`, lib/requests/submit.ts withdrawRequest; never an agent's, who decide).
 */
type RequestRow = {
  id: string;
  kind: 'misdial' | 'firewall';
  status: 'pending' | 'approved' | 'denied' | 'withdrawn';
  decisionNote: string | null;
  createdAt: Date | string | number;
  decidedAt: Date | string | number | null;
  denyReason: string | null;
  submittedById: string;
  submittedBy: string | null;
  decidedById: string | null;
  withdrawnBy: string | null;
};

/**
 * Who did something on the account's page as its reader is told: `you`, or another `member` by
 * their address as stored (`email`); `unknown` when the login is gone.
 */
export type PageActor = { is: 'you' } | { is: 'member'; email: string } | { is: 'unknown' };

/** PageActor of the login `id` (address `email`, null when gone) for the reader `userId`. */
const pageActor = (id: string, email: string | null, userId: string): PageActor =>
  id === userId ? { is: 'you' } : email ? { is: 'member', email } : { is: 'unknown' };

/** The timeline entries that name the member who made them: sending and withdrawing a request. */
const MEMBER_STEPS = new Set(['request_submitted', 'request_withdrawn']);

// SQLite's raw results may give a date as its stored text; PostgreSQL gives a Date.
const asDate = (v: Date | string | number) => (v instanceof Date ? v : new Date(v));

/**
 * A block of one of the user's accounts with everything its page shows, or null (→ 404). Scoped
 * inside the query (the account must be one the user is a member of). The block with its account
 * and the account's other open block (one in force first, then the latest) with how many are open and whether support's block is on its way, in one raw statement (Prisma's SQLite client reads each
 * relation of an `include` with a query of its own, and the other open block was a query of its own
 * too: issue 14, bench/README.md "pages"), then the account's credentials (each `named` by the calls
 * or `suspected`: lib/blocks/suspects.ts, the block's suspect credentials, read beside), the timeline, the
 * requests (each with who sent it and who withdrew it, joined in its statement: every member of the
 * account reads every request, and the page says "you" or the member's address) and the trigger
 * calls, bounded (callOverview): the latest `shown` calls (CALLS_SHOWN on
 * the block page; the misdial page asks for as many as a request may mark), `callCount` in all, and
 * the summary the explanation and the devices list need; with two or more other open blocks, also
 * the newest of them (otherOpenBlocksForUser: one more statement, beside the others).
 */
export async function getBlockForUser(userId: string, blockId: string, shown = CALLS_SHOWN) {
  // The switch keeps one state per account: "allowed" is only true when no other block is open.
  const [row] = await db.$queryRaw<BlockRow[]>`
    SELECT b."id", b."reason", b."status", b."placedAt", b."createdAt", b."liftedAt", b."liftedBy", b."note", b."callsNotKept", b."accountId",
      a."number", a."name", a."country",
      ob."id" AS "otherOpenBlockId", ob."status" AS "otherOpenBlockStatus",
      (SELECT COUNT(*) FROM "Block" o
        WHERE o."accountId" = b."accountId" AND o."id" <> b."id" AND o."status" IN ('active', 'lift_pending'))
        AS "otherOpenBlockCount",
      ${BLOCK_ON_ITS_WAY} AS "blockOnItsWay",
      (SELECT u."email" FROM "User" u WHERE u."id" = ${userId}) AS "viewerEmail"
    FROM "Block" b JOIN "CustomerAccount" a ON a."id" = b."accountId"
    LEFT JOIN "Block" ob ON ob."id" = (SELECT o."id" FROM "Block" o
        WHERE o."accountId" = b."accountId" AND o."id" <> b."id" AND o."status" IN ('active', 'lift_pending')
        ORDER BY CASE WHEN o."status" = 'active' THEN 0 ELSE 1 END, o."placedAt" DESC LIMIT 1)
    WHERE b."id" = ${blockId}
      AND EXISTS (SELECT 1 FROM "Membership" m WHERE m."accountId" = a."id" AND m."userId" = ${userId})`;
  if (!row) return null;
  const placedAt = asDate(row.placedAt);
  const createdAt = asDate(row.createdAt);
  // One read of the credentials, shared by the page and the call summary (which names the account's
  // own), each with its suspect record for this block (lib/blocks/suspects.ts: the lift waits for it
  // as for a named one), joined in the same statement (issue 14: the page's statements stay five),
  // with when it was first seen, for the timeline (suspectEntries), and its latest password change
  // the switch did not refuse (LATEST_CHANGE_JOIN: one index probe per credential, in this same
  // statement), for whether that change's answer is known (unsettledOfRow), as the dashboard says.
  const credentialRows = Promise.resolve(
    db.$queryRaw<CredentialRow[]>`
      SELECT c."id", c."username", c."label", c."passwordChangedAt", c."passwordScore",
        x."reason" AS "suspectReason", x."sourceIp" AS "suspectIp", x."firstSeenAt" AS "suspectSeenAt",
        ${LATEST_CHANGE_COLUMNS}
      FROM "SipCredential" c
      LEFT JOIN "BlockSuspectCredential" x ON x."credentialId" = c."id" AND x."blockId" = ${row.id}
      ${LATEST_CHANGE_JOIN}
      WHERE c."accountId" = ${row.accountId}
      ORDER BY c."username" ASC`,
  );
  // The others listed when there are two or more (with one, the page links it: otherOpenBlockId).
  const others = Number(row.otherOpenBlockCount);
  const [sipCredentials, events, requests, overview, otherOpenBlocks] = await Promise.all([
    credentialRows,
    db.blockEvent.findMany({ where: { blockId: row.id }, orderBy: { at: 'asc' } }),
    // With who sent each and who withdrew one, joined in the same statement (issue 14: no query more).
    db.$queryRaw<RequestRow[]>`
      SELECT r."id", r."kind", r."status", r."decisionNote", r."createdAt", r."decidedAt", r."denyReason",
        r."submittedById", s."email" AS "submittedBy", r."decidedById", w."email" AS "withdrawnBy"
      FROM "UnblockRequest" r
      LEFT JOIN "User" s ON s."id" = r."submittedById"
      LEFT JOIN "User" w ON w."id" = r."decidedById" AND r."status" = 'withdrawn' AND w."role" = 'customer'
      WHERE r."blockId" = ${row.id}
      ORDER BY r."createdAt" DESC, r."id" DESC`,
    callOverview(
      row.id,
      credentialRows.then((cs) => cs.map((c) => c.username)),
      shown,
    ),
    others >= 2 ? otherOpenBlocksForUser(userId, row.id) : null,
  ]);
  const shownRequests = requests.map((r) => {
    // `closed` for one a lift closed: the customer withdrew nothing (lib/requests/closed.ts).
    const status = shownRequestStatus(r);
    return {
      id: r.id,
      kind: r.kind,
      status,
      createdAt: asDate(r.createdAt),
      decidedAt: r.decidedAt === null ? null : asDate(r.decidedAt),
      denyReason: r.denyReason,
      /**
       * A denial's callback note (lib/requests/denial-callback.ts; components/block/request-list.tsx
       * reads only that). Only a denial's: an approval's decisionNote is the agent's own note, which
       * the customer's view of the block never carries.
       */
      decisionNote: r.status === 'denied' ? r.decisionNote : null,
      /** Who sent it: the reader (`you`) or another member of the account. */
      submittedBy: pageActor(r.submittedById, r.submittedBy, userId),
      /** Who withdrew it (a member: the reader or another), for a withdrawn one; else null. */
      withdrawnBy:
        status === 'withdrawn' && r.decidedById ? pageActor(r.decidedById, r.withdrawnBy, userId) : null,
    };
  });
  // Every country the calls went to (read once per process for a large block: lib/blocks/destinations.ts).
  const destinations = await blockDestinations(row.id, overview.top.to, accountCountry(row.country));
  const credentials = sipCredentials.map((c) => {
    // Raw rows: SQLite may give a date as text and a number as a bigint.
    const passwordChangedAt = c.passwordChangedAt === null ? null : asDate(c.passwordChangedAt);
    return {
      id: c.id,
      username: c.username,
      label: c.label,
      passwordChangedAt,
      passwordScore: c.passwordScore === null ? null : Number(c.passwordScore),
      named: overview.named.includes(c.username),
      /**
       * Not named, but seen registered from the calls' address (`trigger_ip`) or by a SIP scanning tool
       * (`scanner`) while the block was active, from `sourceIp` (lib/blocks/suspects.ts): its password
       * must change too. Null otherwise, and for a named one.
       */
      suspected: suspectedOf(c),
      // The rotation policy's own predicate (lib/blocks/rotation.ts), as liftIfRotated reads it.
      rotatedSinceBlock: passwordChangedSince({ passwordChangedAt }, { createdAt }),
      /**
       * Whether the switch's answer to its latest password change is not known (`unsettled`), why
       * (`unsettledCause`) and, when it answered by asking Tollgate to wait, from when a new password
       * can be set (`unsettledBusyUntil`): lib/accounts/unsettled.ts, as the dashboard reads it. The
       * list then says this may not be the password in force (components/sip/unsettled.tsx UnsettledLine).
       */
      ...unsettledOfRow(c),
    };
  });
  return {
    id: row.id,
    reason: row.reason,
    status: row.status,
    /** The switch's time for it: the domain's order. Shown as shownPlacedAt (lib/blocks/shown-placed-at.ts). */
    placedAt,
    /** When the portal recorded it (its own clock): bounds the time shown (shownPlacedAt). */
    createdAt,
    liftedAt: row.liftedAt === null ? null : asDate(row.liftedAt),
    note: row.note,
    account: { id: row.accountId, number: row.number, name: row.name, country: row.country },
    /** The latest `shown` calls, oldest first. */
    calls: overview.calls,
    /** Calls stored with the block in all (the page lists `calls`, the rest on /blocks/{id}/calls). */
    callCount: overview.total,
    /** Calls the switch listed that are not stored (repeats past the first 200, lib/blocks/trigger-calls.ts): "and N more calls". */
    callsNotKept: Number(row.callsNotKept),
    /** The most frequent dialled numbers, names and source addresses, and how many of each there are. */
    top: overview.top,
    /** Where the calls went, every destination (one number for each), and the numbers not read. */
    destinations,
    /** Every distinct source address of the calls (the devices list flags registrations from them). */
    sourceIps: overview.sourceIps,
    /**
     * The switch refused the latest lift asked for this block: the block is in force again, and staff
     * were told. Read from the latest `lift_requested` entry, which lib/blocks/lifecycle.ts refuseLift
     * writes by `switch` with the note `history.liftRefused`. Tollgate's own withdrawals of a queued
     * lift (a new block, support's block, a suspect credential: cancelQueuedLifts) are entries by
     * `switch` too, with other notes, and are no refusal: the switch was never asked, or its answer
     * did not count.
     */
    liftRefused: isLiftRefusal(events.findLast((e) => e.type === 'lift_requested')),
    // Customers learn whether fraud monitoring or support placed the block, never which agent; and
    // which member sent or withdrew a request (`by`: you, or their address as stored). With the
    // block's suspect credentials, each when it was first seen (suspectEntries). Each at the time it
    // is shown and in order by it (lib/blocks/timeline-order.ts shownTimeline: the placement at the
    // time the page shows it placed, never ahead of when the portal recorded it, and first).
    events: shownTimeline<TimelineEntry>(
      [
        ...events.map((e): TimelineEntry => ({
          id: e.id,
          type: e.type,
          /** The entry's heading (timelineTitle): a block placed again by Tollgate is not support's. */
          title: timelineTitle(e.type, e.actor),
          at: e.at,
          detail: e.detail,
          actor: e.type === 'placed' ? (e.actor === 'switch' ? 'switch' : 'support') : null,
          by: MEMBER_STEPS.has(e.type) && e.actor ? memberOfStep(e.actor, row.viewerEmail) : null,
          suspect: null,
        })),
        ...suspectEntries(sipCredentials, credentials, overview.sourceIps, row.status !== 'lifted'),
      ],
      { placedAt, createdAt },
    ),
    requests: shownRequests,
    /**
     * How the block ended once lifted (lib/blocks/ended.ts howBlockEnded: a misdial support agreed
     * to, a hardened firewall support approved, every password changed, support's or the switch's own
     * lift), from who lifted it and its latest `lifted` entry (lib/blocks/ended.ts liftedHow); null
     * while it is in force.
     */
    ended:
      row.status === 'lifted'
        ? howBlockEnded(
            liftedHow(row.liftedBy, events.findLast((e) => e.type === 'lifted')?.detail ?? null),
            shownRequests,
          )
        : null,
    credentials,
    /** The account's other open block, one in force before one being lifted, then the latest. */
    otherOpenBlockId: row.otherOpenBlockId,
    /** That other block is in force (`active`), not only being lifted: a request or allowance goes there. */
    otherOpenBlockActive: row.otherOpenBlockStatus === 'active',
    /**
     * How many of the account's other blocks are open (`active` or `lift_pending`), that one included:
     * the page says "another block" or "12 other blocks" (block.alsoOpen, block.otherOpen).
     */
    otherOpenBlockCount: others,
    /**
     * With two or more other open blocks, the newest OPEN_BLOCKS_SHOWN of them and how many more
     * (otherOpenBlocksForUser, first page); null with fewer.
     */
    otherOpenBlocks,
    /**
     * Support's manual block on the account is on its way to the switch (a pending `block` change,
     * the SwitchOperation (accountNumber, status) index): the switch may already hold it, so a lifted
     * block's page does not say calling is allowed meanwhile.
     */
    blockOnItsWay: Number(row.blockOnItsWay) === 1,
    /**
     * Credentials named in the trigger calls that are not SIP credentials of this account (e.g.
     * IP-authenticated trunks): at most TOP_VALUES, most calls first.
     */
    unknownNames: overview.unknownNames.values,
    /** How many such names there are in all. */
    unknownNameCount: overview.unknownNames.distinct,
  };
}

/**
 * A credential of the block's account as getBlockForUser reads it, with its suspect record for the
 * block and its latest password change the switch did not refuse (LatestChangeRow).
 */
type CredentialRow = {
  id: string;
  username: string;
  label: string;
  passwordChangedAt: Date | string | number | null;
  passwordScore: number | bigint | null;
  suspectReason: string | null;
  suspectIp: string | null;
  /** When the portal first saw it (BlockSuspectCredential.firstSeenAt, the portal's shared clock). */
  suspectSeenAt: Date | string | number | null;
} & LatestChangeRow;

/**
 * What a timeline entry for a suspect credential says (components/block/timeline.tsx, the
 * `timeline.suspectSeen` message): the credential, named as every page names it (its label and
 * username: lib/accounts/credential-name.ts); why and from where, in the block page's words for it
 * (lib/blocks/suspects.ts suspectWords: `reason` `trigger_ip`, `scanner`, or `sameHost` with the call
 * address `callIp` it shares a host with; `ip` the binding's address); and `open`, the block is still
 * in force (or being lifted): the entry then says its password must be changed before international
 * calls come back, else that it had to be.
 */
export type SuspectEntry = {
  credential: { label: string; username: string };
  reason: SuspectReason | 'sameHost';
  ip: string;
  callIp: string;
  open: boolean;
};

/**
 * One entry of a block's timeline as the customer's block page shows it: a BlockEvent (`suspect`
 * null), or a suspect credential found (`type` and `title` `suspect_found`, `suspect` its words, `at`
 * its firstSeenAt, `id` `suspect-<credential id>`), never stored as an event.
 */
export type TimelineEntry = {
  id: string;
  type: BlockEventType | 'suspect_found';
  title: TimelineTitle;
  at: Date;
  detail: string | null;
  /** Who placed the block, for a `placed` entry (`switch` or `support`); else null. */
  actor: 'switch' | 'support' | null;
  by: PageActor | null;
  suspect: SuspectEntry | null;
};

/**
 * The timeline entries of a block's suspect credentials (BlockSuspectCredential, read with the
 * credentials: `rows`; `credentials`, the same rows as the page shows them, for `named`), one per
 * record at its firstSeenAt, for those the calls did not name (a named one is asked for as named, as
 * components/block/credential-list.tsx does), worded against the calls' addresses `callIps`. `open`:
 * the block is not lifted. Reads nothing.
 */
function suspectEntries(
  rows: readonly CredentialRow[],
  credentials: readonly { id: string; named: boolean }[],
  callIps: readonly string[],
  open: boolean,
): TimelineEntry[] {
  return rows.flatMap((c) => {
    const suspected = suspectedOf(c);
    if (!suspected || c.suspectSeenAt === null || credentials.find((x) => x.id === c.id)?.named) return [];
    return [suspectEntry(c, suspected, asDate(c.suspectSeenAt), callIps, open)];
  });
}

/** The timeline entry of suspect credential `c` (`suspected`), first seen `at` (suspectEntries). */
const suspectEntry = (
  c: { id: string; label: string; username: string },
  suspected: Suspected,
  at: Date,
  callIps: readonly string[],
  open: boolean,
): TimelineEntry => ({
  id: `suspect-${c.id}`,
  type: 'suspect_found',
  title: 'suspect_found',
  at,
  detail: null,
  actor: null,
  by: null,
  suspect: {
    credential: { label: c.label, username: c.username },
    ...suspectWords(suspected, callIps),
    open,
  },
});

/** What the block page's live view needs of a block (getBlockForUser's BlockView has it all). */
type LiveShape = {
  status: string;
  sourceIps: readonly string[];
  credentials: readonly {
    id: string;
    label: string;
    username: string;
    named: boolean;
    suspected: Suspected | null;
  }[];
  events: readonly TimelineEntry[];
};

/**
 * The block page as this view's live read of the switch shows it (`read`, the page's devicesOfBlock,
 * which records what it sees, lib/blocks/suspects.ts recordSuspects): the credentials it finds
 * registered from the calls' address or by a scanning tool marked `suspected`
 * (lib/blocks/suspects.ts withLiveSuspects), and each such suspect the block's timeline does not
 * have yet given its "Another SIP password at risk" entry (`suspect-<credential id>`, as
 * getBlockForUser reads a recorded one), dated `seenAt` (when the read saw it: the portal's shared
 * clock, as recordSuspects dates the row it writes) and put in time order. So the explanation, the
 * credential list and the timeline of the view whose read found a suspect all name it; the next view
 * reads the recorded row instead. Pure: reads nothing; returns `block` itself when the read adds
 * nothing.
 */
export function withLiveRead<B extends LiveShape>(
  block: B,
  read: readonly CredentialDevices[],
  seenAt: Date,
): B {
  const live = withLiveSuspects(block, read);
  if (live === block) return block;
  const open = live.status !== 'lifted';
  const listed = new Set(live.events.map((e) => e.id));
  const found = live.credentials.flatMap((c) =>
    c.suspected && !c.named && !listed.has(`suspect-${c.id}`)
      ? [suspectEntry(c, c.suspected, seenAt, live.sourceIps, open)]
      : [],
  );
  return found.length ? ({ ...live, events: inShownOrder([...live.events, ...found]) } as B) : live;
}

/**
 * The block page's live view (withLiveRead) once `devices`, the view's switch read
 * (lib/devices/registrations.ts devicesOfBlock), is in, dated by the portal's shared clock as it
 * resolves (sharedNow: no statement). Rejects only when `devices` does.
 */
export async function liveBlockView<B extends LiveShape>(
  block: B,
  devices: Promise<{ credentials: readonly CredentialDevices[] }>,
): Promise<B> {
  const { credentials } = await devices;
  return withLiveRead(block, credentials, sharedNow());
}

/** The suspect record of a credential row, as the block page shows it; null when none. */
const suspectedOf = (c: CredentialRow): { reason: SuspectReason; sourceIp: string } | null =>
  c.suspectReason !== null && c.suspectIp !== null
    ? { reason: c.suspectReason === 'scanner' ? 'scanner' : 'trigger_ip', sourceIp: c.suspectIp }
    : null;

/**
 * The member a timeline entry of a request's step names (its actor: the address of the login that
 * sent or withdrew it, lib/requests/submit.ts), for the reader whose address is `viewerEmail`.
 */
const memberOfStep = (actor: string, viewerEmail: string | null): PageActor =>
  actor === viewerEmail ? { is: 'you' } : { is: 'member', email: actor };

/**
 * The number of the account a block is on, when the account is one of the user's (membership scope,
 * as getBlockForUser); null otherwise. For the pages' titles (`generateMetadata`, which runs beside
 * the page on every view): one statement, each table read by its key (Prisma's `findFirst` with the
 * account's number as a relation made it two).
 */
export async function blockAccountNumberForUser(userId: string, blockId: string): Promise<string | null> {
  const rows = await db.$queryRaw<{ number: string }[]>`
    SELECT a."number" FROM "Block" b
    JOIN "CustomerAccount" a ON a."id" = b."accountId"
    JOIN "Membership" m ON m."accountId" = a."id" AND m."userId" = ${userId}
    WHERE b."id" = ${blockId}`;
  return rows[0]?.number ?? null;
}

/** Where a page of `/blocks/{id}/calls` starts: after or before the call with this id (keyset), else at the first call. */
export type CallCursor = { after: string } | { before: string } | null;

/**
 * One page of a block's trigger calls for `/blocks/{id}/calls`, scoped to the user's accounts like
 * getBlockForUser (null → 404): CALLS_PER_PAGE calls in time order (then id), starting after or
 * before the call `cursor` names (keyset: the call's time and id, on the TriggerCall (blockId, at)
 * index), at the first call without one. A cursor that names no call of this block starts at the
 * first call too. Returns the block's id, status and account, the calls, `total` (calls stored),
 * `callsNotKept`, the position of the first call listed (1-based), and whether there are calls
 * before and after this page.
 */
export async function blockCallsForUser(
  userId: string,
  blockId: string,
  cursor: CallCursor,
  perPage = CALLS_PER_PAGE,
) {
  const block = await db.block.findFirst({
    where: { id: blockId, account: memberOf(userId) },
    select: {
      id: true,
      status: true,
      callsNotKept: true,
      account: { select: { id: true, number: true, name: true, country: true } },
    },
  });
  if (!block) return null;
  const key = cursor
    ? await db.triggerCall.findFirst({
        where: { id: 'after' in cursor ? cursor.after : cursor.before, blockId },
        select: { id: true, at: true },
      })
    : null;
  const backwards = key !== null && cursor !== null && 'before' in cursor;
  const beyond = key
    ? backwards
      ? { OR: [{ at: { lt: key.at } }, { at: key.at, id: { lt: key.id } }] }
      : { OR: [{ at: { gt: key.at } }, { at: key.at, id: { gt: key.id } }] }
    : {};
  const dir = backwards ? ('desc' as const) : ('asc' as const);
  const [rows, total] = await Promise.all([
    db.triggerCall.findMany({
      where: { blockId, ...beyond },
      orderBy: [{ at: dir }, { id: dir }],
      take: perPage + 1,
    }),
    db.triggerCall.count({ where: { blockId } }),
  ]);
  const more = rows.length > perPage;
  const page = rows.slice(0, perPage);
  if (backwards) page.reverse();
  const first = page[0];
  const before = first
    ? await db.triggerCall.count({
        where: { blockId, OR: [{ at: { lt: first.at } }, { at: first.at, id: { lt: first.id } }] },
      })
    : 0;
  return {
    id: block.id,
    status: block.status,
    account: block.account,
    calls: page.map(callView),
    total,
    callsNotKept: block.callsNotKept,
    from: before + 1,
    hasEarlier: backwards ? more : before > 0,
    hasLater: backwards ? key !== null : more,
  };
}

export type BlockView = NonNullable<Awaited<ReturnType<typeof getBlockForUser>>>;

/** How many of the account's other open blocks a block page lists at a time (otherOpenBlocksForUser). */
export const OPEN_BLOCKS_SHOWN = 10;

/** One of the account's other open blocks as the block page lists it. */
export type OpenBlockItem = {
  id: string;
  reason: BlockReason;
  /** `active` (in force) or `lift_pending` (in force until the switch confirms the lift). */
  status: BlockStatus;
  placedAt: Date;
  /** When the portal recorded it (shown with placedAt: lib/blocks/shown-placed-at.ts). */
  createdAt: Date;
  /** The calls the switch reported with it: those stored plus `callsNotKept`. */
  calls: number;
};

/** A page of the account's other open blocks (otherOpenBlocksForUser). */
/**
 * A page of an account's blocks, keyset on (placedAt, id) (blocksAfterCursor): the block page's other
 * open blocks (OpenBlockList) and the account page's block history (lib/accounts/block-history.ts).
 */
export type BlockPage<T> = {
  /** At most `shown` blocks, newest first (placedAt, then id, both descending). */
  items: T[];
  /** The blocks the list is of, all of them (not only those listed): 0 for none. */
  total: number;
  /** The position of the first one listed among `total`, 1-based (1 on the first page). */
  from: number;
  /** How many older ones follow the last one listed: "and 2 more", reached with `after` = its id. */
  more: number;
};

/**
 * The BlockPage of `rows`, a page's statement's rows, each carrying the list's `total` and, after a
 * cursor (`afterCursor`), the blocks `remaining` from the cursor on (counts as the database gives
 * them: a number, a bigint or its text); `item` makes each row a listed block. No rows: an empty
 * page (`total` 0).
 */
export function blockPage<R extends { total: unknown; remaining: unknown }, T>(
  rows: R[],
  afterCursor: boolean,
  item: (row: R) => T,
): BlockPage<T> {
  const first = rows[0];
  if (!first) return { items: [], total: 0, from: 1, more: 0 };
  const total = Number(first.total);
  const remaining = afterCursor ? Number(first.remaining) : total;
  return {
    items: rows.map(item),
    total,
    from: total - remaining + 1,
    more: Math.max(0, remaining - rows.length),
  };
}

/** The account's open blocks besides the block page's own (otherOpenBlocksForUser). */
export type OpenBlockList = BlockPage<OpenBlockItem>;

type OpenBlockRow = {
  id: string;
  reason: BlockReason;
  status: BlockStatus;
  placedAt: Date | string | number;
  createdAt: Date | string | number;
  callsNotKept: number | bigint;
  calls: number | bigint;
  total: number | bigint;
  remaining: number | bigint;
};

/**
 * The keyset of a list of an account's blocks newest first (placedAt, then id, both descending),
 * shared by every such list whose URL carries the last listed block's id as its cursor (the block
 * page's `?others=`, the account page's `?history=`: one way to page blocks). `after` is that id,
 * already checked with isRowId (lib/server/row-id.ts), or null for the first page. `join` adds the
 * cursor block `c` (LEFT JOIN, in any status: one lifted meanwhile keeps its place), looked up only
 * among the blocks of the account whose id is the column `account` (e.g. `b."accountId"`);
 * `past(row)` is the ` AND (…)` that keeps the blocks aliased `row` listed after it, and lets every
 * block through when `c` is no block of that account (the list starts with the newest). Both are
 * empty without a cursor. Only aliases are written into the text (`account` and `row` are the
 * caller's own, never input); the id is a parameter.
 */
export function blocksAfterCursor(after: string | null, account: string) {
  return {
    join:
      after === null
        ? Prisma.empty
        : Prisma.sql`LEFT JOIN "Block" c ON c."id" = ${after} AND c."accountId" = ${Prisma.raw(account)}`,
    past: (row: string) =>
      after === null
        ? Prisma.empty
        : Prisma.raw(`AND (c."id" IS NULL OR ${row}."placedAt" < c."placedAt"
          OR (${row}."placedAt" = c."placedAt" AND ${row}."id" < c."id"))`),
  };
}

/**
 * The statement of otherOpenBlocksForUser (exported for its plan's test): a page of the open blocks
 * `o` of the account of block `b` besides `b`, the account one of the user's (membership `m`), after
 * the cursor block `c` (blocksAfterCursor); the calls counted for the listed rows only; `total` and
 * `remaining` counted once each (not correlated with the rows). Only the aliases are written into
 * the text; every value is a parameter.
 */
export function otherOpenBlocksSql(userId: string, blockId: string, after: string | null, shown: number) {
  const open = (o: 'o' | 'r') =>
    Prisma.raw(`${o}."accountId" = b."accountId" AND ${o}."id" <> b."id"
      AND ${o}."status" IN ('active', 'lift_pending')`);
  const cursor = blocksAfterCursor(after, 'b."accountId"');
  const past = cursor.past;
  const mine = Prisma.sql`"Block" b
      JOIN "Membership" m ON m."accountId" = b."accountId" AND m."userId" = ${userId}`;
  // The cursor: a block of the same account, in any status (one lifted meanwhile keeps its place).
  const fromCursor = after === null ? mine : Prisma.sql`${mine} ${cursor.join}`;
  const remaining =
    after === null
      ? Prisma.sql`0`
      : Prisma.sql`(SELECT COUNT(*) FROM ${fromCursor} JOIN "Block" r ON ${open('r')}
          WHERE b."id" = ${blockId} ${past('r')})`;
  return Prisma.sql`
    SELECT p."id", p."reason", p."status", p."placedAt", p."createdAt", p."callsNotKept",
      (SELECT COUNT(*) FROM "TriggerCall" t WHERE t."blockId" = p."id") AS "calls",
      (SELECT COUNT(*) FROM ${mine} JOIN "Block" r ON ${open('r')} WHERE b."id" = ${blockId}) AS "total",
      ${remaining} AS "remaining"
    FROM (
      SELECT o."id", o."reason", o."status", o."placedAt", o."createdAt", o."callsNotKept"
      FROM ${fromCursor} JOIN "Block" o ON ${open('o')}
      WHERE b."id" = ${blockId} ${past('o')}
      ORDER BY o."placedAt" DESC, o."id" DESC
      LIMIT ${shown}
    ) p
    ORDER BY p."placedAt" DESC, p."id" DESC`;
}

/**
 * The open blocks (`active` or `lift_pending`) of the account block `blockId` is on, besides that
 * block: the block page's list of the others (each has its own calls, devices and credentials to deal
 * with, and calling comes back only once all are lifted). Scoped inside the statement like
 * getBlockForUser: a block of an account `userId` is not a member of, or an unknown id, gives an
 * empty list (`total` 0). Newest first, at most `shown` (OPEN_BLOCKS_SHOWN), starting after the block
 * `after` names (keyset on placedAt then id: that block's place, in any status; null, an id of no
 * block of the account, or text that is no row id's shape (isRowId: it comes from the URL) starts
 * with the newest). A page past the last one is empty (`total` 0 too). One statement
 * (otherOpenBlocksSql), through the Block (accountId, status, placedAt) index of migration 0028 like
 * getBlockForUser's count, and TriggerCall (blockId, at) for the listed blocks. Rejects only when
 * the database does.
 */
export async function otherOpenBlocksForUser(
  userId: string,
  blockId: string,
  after: string | null = null,
  shown = OPEN_BLOCKS_SHOWN,
): Promise<OpenBlockList> {
  const cursor = isRowId(after) ? after : null;
  const rows = await db.$queryRaw<OpenBlockRow[]>(otherOpenBlocksSql(userId, blockId, cursor, shown));
  return blockPage(rows, cursor !== null, (r) => ({
    id: r.id,
    reason: r.reason,
    status: r.status,
    placedAt: asDate(r.placedAt),
    createdAt: asDate(r.createdAt),
    calls: Number(r.calls) + Number(r.callsNotKept),
  }));
}

/** A block of the account still in force, as a decision form lists it: a lift is account-wide. */
export type OtherBlockDto = {
  id: string;
  reason: string;
  placedAt: string;
  /** When the portal recorded it (shown with placedAt: lib/blocks/shown-placed-at.ts). */
  createdAt: string;
  calls: number;
};

/** Blocks of the account in force besides `blockId`, oldest first. Staff pages only (after requireStaff). */
/**
 * `blockId` when it names a block of account `accountId`, else null: where a page that came from a
 * block page (the SIP password reset's `?block=`) may send its reader back. The caller has already
 * found the account to be the user's; another account's block id, or any other text, gives null and
 * the page links to the dashboard instead (a link to another account's block would be a 404). Text
 * that is not a row id's shape (lib/server/row-id.ts isRowId: a NUL made PostgreSQL refuse the read,
 * and the page a 500) is not looked up.
 */
export async function blockOfAccount(accountId: string, blockId: string): Promise<string | null> {
  if (!isRowId(blockId)) return null;
  const b = await db.block.findFirst({ where: { id: blockId, accountId }, select: { id: true } });
  return b?.id ?? null;
}

export async function otherBlocksInForce(accountId: string, blockId: string): Promise<OtherBlockDto[]> {
  const rows = await db.block.findMany({
    where: { accountId, id: { not: blockId }, status: 'active' },
    select: { id: true, reason: true, placedAt: true, createdAt: true, _count: { select: { calls: true } } },
    orderBy: { placedAt: 'asc' },
  });
  return rows.map((b) => ({
    id: b.id,
    reason: b.reason,
    placedAt: b.placedAt.toISOString(),
    createdAt: b.createdAt.toISOString(),
    calls: b._count.calls,
  }));
}

/** Out-of-sync accounts per page of the staff home's list (as the unblock queue and the allowance list). */
export const SYNC_ISSUE_PAGE = 25;
/** The list's total is counted up to this many; past it the heading says "more than". */
export const SYNC_ISSUE_COUNT_CAP = 10_000;

/**
 * Accounts the reconciler found out of sync with the switch that staff have not resolved yet: one
 * page, oldest first (detectedAt, then id), after `after` (the decoded keyset cursor of the previous
 * page, lib/staff/cursor.ts timeIdKey; null = the oldest page), so issues found or resolved meanwhile
 * never make one repeat or go missing. `total` counts every open issue up to SYNC_ISSUE_COUNT_CAP
 * (`capped` when there are more), the same filter as the list, so the heading and the list agree;
 * `next` is the cursor of the following page or null. The same shape and rule as the allowance list
 * (lib/allowances/queries.ts pendingAllowanceRequests). `opts.pageSize` and `opts.countCap` override
 * the defaults (tests). Until 2026-12-03 the list stopped at 100 while its heading counted them all.
 * Throws (assertStaff) for a caller who is not staff.
 */
export async function openSyncIssues(
  user: CurrentUser,
  after: { at: Date; id: string } | null = null,
  opts: { pageSize?: number; countCap?: number } = {},
) {
  assertStaff(user);
  const size = opts.pageSize ?? SYNC_ISSUE_PAGE;
  const cap = opts.countCap ?? SYNC_ISSUE_COUNT_CAP;
  const open = { resolvedAt: null };
  const keyset = after
    ? { OR: [{ detectedAt: { gt: after.at } }, { detectedAt: after.at, id: { gt: after.id } }] }
    : {};
  const [rows, counted] = await Promise.all([
    db.syncIssue.findMany({
      where: { ...open, ...keyset },
      orderBy: [{ detectedAt: 'asc' }, { id: 'asc' }],
      take: size + 1,
    }),
    db.syncIssue.count({ where: open, take: cap + 1 }),
  ]);
  const page = rows.slice(0, size);
  const accounts = await accountLabelsById(page.map((r) => r.accountId));
  const last = page[page.length - 1];
  const next = rows.length > size && last ? encodeCursor([last.detectedAt, last.id]) : null;
  const capped = counted > cap;
  return {
    total: capped ? cap : counted,
    capped,
    next,
    items: page.map((r) => ({
      id: r.id,
      detectedAt: r.detectedAt,
      portalState: r.portalState,
      switchState: r.switchState,
      action: r.action,
      detail: r.detail,
      account: accounts.get(r.accountId)!,
    })),
  };
}

/**
 * True when `entry`, a block's `lift_requested` timeline entry, records the switch refusing the lift
 * (lib/blocks/lifecycle.ts refuseLift: actor `switch`, note `history.liftRefused`, or the English
 * sentence it stored before notes, which readStored recognises); false for a lift asked by anyone,
 * for Tollgate withdrawing a queued lift (cancelQueuedLifts' notes), and for no entry.
 */
export function isLiftRefusal(entry: { actor: string | null; detail: string | null } | undefined): boolean {
  if (entry?.actor !== 'switch') return false;
  const note = readStored(entry.detail);
  return typeof note === 'object' && note !== null && note.key === 'history.liftRefused';
}
