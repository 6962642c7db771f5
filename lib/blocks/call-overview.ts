import 'server-only';
import { db } from '@/lib/server/db';

// A block's trigger calls, bounded for whoever shows them: the block page, its misdial page and the
// block notice mail (lib/mail/render.ts). A block may hold thousands of calls (10,000 and a few more:
// lib/blocks/trigger-calls.ts MAX_STORED_CALLS); these readers list the latest few, say how many there are, and name
// the values most calls share. `/blocks/{id}/calls` pages through the rest
// (lib/blocks/queries.ts blockCallsForUser).

/** One trigger call as every page shows it (the customer's block page and the staff request page). */
export function callView(c: {
  id: string;
  at: Date;
  sipUsername: string;
  to: string;
  sourceIp: string;
  durationSec: number;
}) {
  return {
    id: c.id,
    at: c.at,
    sipUsername: c.sipUsername,
    to: c.to,
    sourceIp: c.sourceIp,
    durationSec: c.durationSec,
  };
}

/** Calls the block page lists (the latest); the rest are on `/blocks/{id}/calls`. */
export const CALLS_SHOWN = 50;
/** Calls per page of `/blocks/{id}/calls`. */
export const CALLS_PER_PAGE = 100;
/** Values of each kind (dialled numbers, credential names, source addresses) a summary names. */
export const TOP_VALUES = 10;

/**
 * The values of one column a summary names, most calls first, and how many distinct ones there are;
 * `counts`, when given, the calls of each value (parallel to `values`), so that a reader can rank
 * what the values lead to (lib/blocks/destinations.ts: destinations by their calls in all). A value
 * with no count given counts as one call.
 */
export type Ranked = { values: string[]; distinct: number; counts?: number[] };

/**
 * The source address a call is stored with when the switch reported none (the event's call had no
 * `sourceIp`, or an empty one: lib/blocks/trigger-calls.ts keeps the text sent, trimmed, and that is
 * ''). Never an address: a summary leaves it out of the addresses it names and counts the calls
 * (`top.sourceIp.unreported`), and the pages say "address not reported" where it would be.
 */
export const NO_SOURCE_IP = '';

/**
 * A block's trigger calls, bounded for a page or a mail: a block may hold thousands (10,000 and a
 * few more: lib/blocks/trigger-calls.ts MAX_STORED_CALLS), and every reader used to load and list them all.
 * - `calls`: the latest `shown` calls (by time, then id), oldest first, as callView gives them;
 * - `total`: the calls stored in all (`callsNotKept` on the block counts those not stored);
 * - `top`: for the dialled numbers (`to`), the SIP usernames and the source addresses, the
 *   TOP_VALUES values most calls name (ties by the earliest call: the first number dialled is the
 *   one the misdial hint names, lib/requests/dialling.ts prefixSlip) and how many distinct values
 *   there are; for the source addresses only those the switch reported (NO_SOURCE_IP is none), and
 *   `unreported`, how many calls came with none (0 when all did): a summary read "from 185.220.101.47
 *   (Germany), and (country unknown)" for a call without `sourceIp` (a tester, 2026-12-07);
 * - `named`: which of `accountUsernames` (the account's SIP credentials; a promise lets the caller read
 *   them beside the calls) any call names: complete, since
 *   the lift policy asks for every named credential to be changed;
 * - `unknownNames`: the names calls give that are not among them (IP-authenticated trunks),
 *   at most TOP_VALUES, most calls first, and how many there are in all;
 * - `sourceIps`: every distinct source address the switch reported (the devices list flags
 *   registrations from them).
 * A block with fewer than `shown` calls is summarised from the calls just read (one statement, as
 * before); a larger one with GROUP BY statements, in parallel.
 */
export async function callOverview(
  blockId: string,
  accountUsernames: readonly string[] | Promise<readonly string[]>,
  shown: number,
) {
  const [latest, usernames] = await Promise.all([
    db.triggerCall.findMany({ where: { blockId }, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: shown }),
    accountUsernames,
  ]);
  const calls = latest.reverse().map(callView);
  if (calls.length < shown) {
    const rank = (values: string[]): Ranked => {
      const n = new Map<string, number>();
      for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
      // `values` come oldest call first, so the map holds them by first call; the sort is stable.
      const top = [...n].sort((a, b) => b[1] - a[1]).slice(0, TOP_VALUES);
      return { values: top.map(([v]) => v), distinct: n.size, counts: top.map(([, c]) => c) };
    };
    const names = rank(calls.map((c) => c.sipUsername));
    const unknown = rank(calls.map((c) => c.sipUsername).filter((n) => !usernames.includes(n)));
    return {
      calls,
      total: calls.length,
      top: {
        to: rank(calls.map((c) => c.to)),
        sipUsername: names,
        sourceIp: {
          ...rank(calls.map((c) => c.sourceIp).filter((ip) => ip !== NO_SOURCE_IP)),
          unreported: calls.filter((c) => c.sourceIp === NO_SOURCE_IP).length,
        },
      },
      named: usernames.filter((u) => calls.some((c) => c.sipUsername === u)),
      unknownNames: unknown,
      sourceIps: [...new Set(calls.map((c) => c.sourceIp))].filter((ip) => ip !== NO_SOURCE_IP),
    };
  }
  const where = { blockId };
  type Counts = { calls: bigint | number; numbers: bigint | number; names: bigint | number };
  /** The names most calls give (all of them, or only those not in `notIn`). */
  const byName = (notIn?: string[]) =>
    db.triggerCall.groupBy({
      by: ['sipUsername'],
      where: notIn ? { ...where, sipUsername: { notIn } } : where,
      _count: { _all: true },
      orderBy: [{ _count: { sipUsername: 'desc' } }, { _min: { at: 'asc' } }, { sipUsername: 'asc' }],
      take: TOP_VALUES,
    });
  const [[counts], to, names, unknown, named, grouped] = await Promise.all([
    db.$queryRaw<Counts[]>`
      SELECT COUNT(*) AS "calls", COUNT(DISTINCT "to") AS "numbers", COUNT(DISTINCT "sipUsername") AS "names"
      FROM "TriggerCall" WHERE "blockId" = ${blockId}`,
    db.triggerCall.groupBy({
      by: ['to'],
      where,
      _count: { _all: true },
      orderBy: [{ _count: { to: 'desc' } }, { _min: { at: 'asc' } }, { to: 'asc' }],
      take: TOP_VALUES,
    }),
    byName(),
    byName([...usernames]),
    db.triggerCall.groupBy({ by: ['sipUsername'], where: { ...where, sipUsername: { in: [...usernames] } } }),
    db.triggerCall.groupBy({
      by: ['sourceIp'],
      where,
      _count: { _all: true },
      orderBy: [{ _count: { sourceIp: 'desc' } }, { _min: { at: 'asc' } }, { sourceIp: 'asc' }],
    }),
  ]);
  // The calls with no source address reported are counted, never named as an address.
  const ips = grouped.filter((r) => r.sourceIp !== NO_SOURCE_IP);
  const unreported = grouped.find((r) => r.sourceIp === NO_SOURCE_IP)?._count._all ?? 0;
  const namedSet = new Set(named.map((r) => r.sipUsername));
  const distinctNames = Number(counts!.names);
  return {
    calls,
    total: Number(counts!.calls),
    top: {
      to: {
        values: to.map((r) => r.to),
        distinct: Number(counts!.numbers),
        counts: to.map((r) => r._count._all),
      },
      sipUsername: { values: names.map((r) => r.sipUsername), distinct: distinctNames },
      sourceIp: { values: ips.slice(0, TOP_VALUES).map((r) => r.sourceIp), distinct: ips.length, unreported },
    },
    named: usernames.filter((u) => namedSet.has(u)),
    unknownNames: { values: unknown.map((r) => r.sipUsername), distinct: distinctNames - namedSet.size },
    sourceIps: ips.map((r) => r.sourceIp),
  };
}

export type CallOverview = Awaited<ReturnType<typeof callOverview>>;
