import 'server-only';
import type { CountryCode } from 'libphonenumber-js';
import type { Ranked } from '@/lib/blocks/call-overview';
import { destinationOfReading, readDialled } from '@/lib/phone/format';
import { db } from '@/lib/server/db';

// Where a block's calls went, whole. The block page's explanation and the block notice named the
// countries of the TOP_VALUES numbers most calls went to and counted the rest as "other numbers":
// a block of 1,500 calls to 1,500 Somali numbers (an IRSF range, one number a call) read "1.500
// llamadas a Somalia y 1.490 números más", as if the rest had gone elsewhere (tester, 2026-12). The
// stored calls name every destination country the switch reported (lib/blocks/trigger-calls.ts keeps
// a call for each new one past MAX_STORED_CALLS), so the list can be complete.

/**
 * A block's destinations: one number for each (its most called), most calls in all first, so a
 * caller names them with the words it already has (lib/phone/format.ts namedDestinations); and how
 * many distinct numbers could not be read at all.
 */
export type Destinations = { numbers: string[]; unreadable: number };

/**
 * Destinations of `numbers` with how many calls each number had, read in the account's `country`:
 * one number for each destination (its most called), the destinations in the order of their calls
 * in all (ties in the order given), and how many distinct numbers could not be read. Every block,
 * small or large, is ranked so (a small one used to be named in the order of its first numbers, so
 * three Cuban numbers called twice each came after one Somali number called three times). `numbers`
 * should be distinct; a repeat is counted as more calls to it. Pure.
 */
export function destinationsByCalls(
  numbers: readonly { number: string; calls: number }[],
  country: CountryCode,
): Destinations {
  const by = new Map<string, { number: string; best: number; calls: number; first: number }>();
  let unreadable = 0;
  numbers.forEach(({ number, calls }, i) => {
    const read = readDialled(number, country);
    if (!read) {
      unreadable++;
      return;
    }
    const where = destinationOfReading(read);
    const d = by.get(where);
    if (!d) by.set(where, { number, best: calls, calls, first: i });
    else {
      d.calls += calls;
      if (calls > d.best) Object.assign(d, { number, best: calls });
    }
  });
  const ranked = [...by.values()].sort((a, b) => b.calls - a.calls || a.first - b.first);
  return { numbers: ranked.map((d) => d.number), unreadable };
}

/**
 * The work of a large block, done once per process for as many calls as it holds: calls are written
 * with the block (lib/blocks/event-sql.ts insertBlock) and only ever added, never changed or deleted
 * (the reconciler's block takes the switch's calls when their event comes: lib/blocks/lifecycle.ts
 * attachToFound; retention keeps them), and reading 10,000 numbers on every view of its page is what
 * the summary (callOverview) exists to avoid. Keyed by the block, its number of distinct numbers
 * (calls added later make another key) and the account's country (an operator may correct it); at
 * most CACHED blocks, the oldest dropped first.
 */
const cache = new Map<string, Destinations>();
const CACHED = 1000;

/**
 * Every destination of block `blockId`'s stored calls, read in the account's `country`, ranked by
 * their calls (destinationsByCalls). `top` is callOverview's `top.to`: when it holds every distinct
 * number (a small block), nothing is read (its `counts` give the calls); else the calls per number
 * are read in one statement and the answer kept (see `cache`).
 */
export async function blockDestinations(
  blockId: string,
  top: Ranked,
  country: CountryCode,
): Promise<Destinations> {
  if (top.distinct <= top.values.length)
    return destinationsByCalls(
      top.values.map((number, i) => ({ number, calls: top.counts?.[i] ?? 1 })),
      country,
    );
  const key = `${blockId}\u0000${top.distinct}\u0000${country}`;
  const kept = cache.get(key);
  if (kept) return kept;
  // Calls per number, so that destinations rank by their calls: 300 Somali numbers called once each
  // outrank ten numbers elsewhere called once each (a tester's Somalia went unnamed, folded into "3
  // other countries", while ten countries of one call each were named).
  const rows = await db.$queryRaw<{ to: string; calls: bigint | number }[]>`
    SELECT "to", COUNT(*) AS "calls" FROM "TriggerCall" WHERE "blockId" = ${blockId} GROUP BY "to"`;
  const found = destinationsByCalls(
    rows.map((r) => ({ number: r.to, calls: Number(r.calls) })),
    country,
  );
  if (cache.size >= CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, found);
  return found;
}
