import { Metadata } from 'libphonenumber-js/max';
import { DigitAutomaton } from './digit-automaton';

// Every valid number libphonenumber knows, as ranges the switch can look up with one indexed read:
// "+44 1534 …, 11 digits in all, is Jersey's". The portal decides with libphonenumber-js whether a
// number is valid and which region it belongs to; the switch cannot run the library on an INVITE, so
// the library's answer is computed here for whole prefixes at a time, at start-up:
//   valid(n)  n matches its plan's national-number pattern and the pattern of one of its types
//             (fixed line, mobile, toll free…) whose possible lengths include n's length
//             (libphonenumber-js helpers/getNumberType.js);
//   region(n) for a calling code of one region, that region; for a code several regions share
//             (+1, +7, +44, +61, +262, +590…), the first region in the metadata's order whose leading
//             digits begin n or, for a region without leading digits, for which n is valid
//             (helpers/getCountryByNationalNumber.js); for a non-geographic code (+800, +881, +882,
//             +883…), "001".
// For each calling code and each length, a walk down the digits stops at the first prefix under which
// every number has one answer (one region, valid), or is invalid; each valid one is a row. The answers
// are computed on the patterns' automata (src/digit-automaton.ts), not number by number: about 60 000
// rows, in about a second.

/** Numbers `length` characters long ("+" included) that start with `prefix` ("+441534") are valid, in `region`. */
export type NumberRange = { prefix: string; length: number; region: string };

// libphonenumber-js's list of types (helpers/getNumberType.js), fixed line first.
const TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

type PlanTypes = {
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  leadingDigits(): string | undefined;
  type(t: (typeof TYPES)[number]): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
};

type Region = {
  id: string;
  general: DigitAutomaton;
  types: { automaton: DigitAutomaton; lengths: number[] | undefined }[];
  leading: DigitAutomaton | undefined;
  /** Every length a number of the region may have (a type without lengths of its own has these). */
  lengths: number[];
};

/** `id` is an ISO 3166-1 alpha-2 region, or a non-geographic calling code ("882"), reported as "001". */
function regionOf(id: string, nonGeographic: boolean): Region {
  const m = new Metadata();
  m.selectNumberingPlan(id as never);
  const plan = m.numberingPlan as unknown as PlanTypes;
  const lead = plan.leadingDigits();
  return {
    id: nonGeographic ? '001' : id,
    general: new DigitAutomaton(plan.nationalNumberPattern()),
    types: TYPES.flatMap((t) => {
      const def = plan.type(t);
      return def?.pattern()
        ? [{ automaton: new DigitAutomaton(def.pattern()), lengths: def.possibleLengths() }]
        : [];
    }),
    leading: lead ? new DigitAutomaton(lead) : undefined,
    lengths: plan.possibleLengths() ?? [],
  };
}

/**
 * The ranges of one calling code's valid numbers (`code` "44", `regions` in the metadata's order),
 * disjoint for each length.
 */
function rangesOf(code: string, regions: Region[]): NumberRange[] {
  const out: NumberRange[] = [];
  // Where a region's automata stand after some digits: one state set per automaton, and whether its
  // leading digits have matched yet. Flattened, region after region: general, types…, leading, matched.
  type At = number[];
  const width = (r: Region) => r.types.length + 3;
  const start: At = regions.flatMap((r) => [
    r.general.start,
    ...r.types.map((t) => t.automaton.start),
    r.leading?.start ?? -1,
    0,
  ]);
  const step = (at: At, d: number): At => {
    const next: At = [];
    let k = 0;
    for (const r of regions) {
      next.push(r.general.step(at[k]!, d));
      for (let j = 0; j < r.types.length; j++) next.push(r.types[j]!.automaton.step(at[k + 1 + j]!, d));
      const lead = r.leading ? r.leading.step(at[k + r.types.length + 1]!, d) : -1;
      const matched = at[k + r.types.length + 2] === 1 || (!!r.leading && r.leading.accepts(lead));
      next.push(lead, matched ? 1 : 0);
      k += width(r);
    }
    return next;
  };
  // The answer for a whole number of `length` digits: its region if valid, else "".
  const answer = (at: At, length: number): string => {
    const valid = (r: Region, k: number) =>
      r.general.accepts(at[k]!) &&
      r.types.some(
        (t, j) => (!t.lengths || t.lengths.includes(length)) && t.automaton.accepts(at[k + 1 + j]!),
      );
    if (regions.length === 1) return valid(regions[0]!, 0) ? regions[0]!.id : '';
    let k = 0;
    for (const r of regions) {
      const named = r.leading ? at[k + r.types.length + 2] === 1 : valid(r, k);
      if (named) return valid(r, k) ? r.id : '';
      k += width(r);
    }
    return '';
  };
  for (const length of new Set(regions.flatMap((r) => r.lengths))) {
    const memo = new Map<string, Set<string>>();
    const answers = (at: At, left: number): Set<string> => {
      const key = `${left}:${at.join(',')}`;
      let found = memo.get(key);
      if (!found) {
        found = new Set<string>();
        if (left === 0) found.add(answer(at, length));
        else for (let d = 0; d <= 9; d++) for (const a of answers(step(at, d), left - 1)) found.add(a);
        memo.set(key, found);
      }
      return found;
    };
    const walk = (prefix: string, at: At) => {
      const found = answers(at, length - prefix.length);
      if (found.size === 1) {
        const region = [...found][0]!;
        if (region) out.push({ prefix: `+${code}${prefix}`, length: 1 + code.length + length, region });
        return;
      }
      for (let d = 0; d <= 9; d++) walk(prefix + d, step(at, d));
    };
    walk('', start);
  }
  return out;
}

/**
 * Every valid number of every calling code in libphonenumber-js's installed metadata (geographic and
 * non-geographic), as disjoint prefix ranges per length, with the region libphonenumber names. Throws
 * when a pattern uses a construct src/digit-automaton.ts does not read.
 */
export function numberRanges(): NumberRange[] {
  const meta = (
    new Metadata() as unknown as {
      metadata: { country_calling_codes: Record<string, string[]>; nonGeographic?: Record<string, unknown> };
    }
  ).metadata;
  const out: NumberRange[] = [];
  for (const [code, list] of Object.entries(meta.country_calling_codes))
    out.push(
      ...rangesOf(
        code,
        list.map((r) => regionOf(r, false)),
      ),
    );
  for (const code of Object.keys(meta.nonGeographic ?? {}))
    out.push(...rangesOf(code, [regionOf(code, true)]));
  return out;
}
