import type Database from 'better-sqlite3';
import { type CountryCode, getCountries, Metadata } from 'libphonenumber-js/max';
import { nationalPlanSiblings } from '../../../lib/phone/plan';
import { type NationalForm, nationalForms } from './national-forms';
import { type NumberRange, numberRanges } from './number-ranges';

// The dialling plans Kamailio needs to read a dialled number the way the portal does
// (lib/phone/format.ts), generated from libphonenumber's metadata at start-up, never typed by hand:
//   dial_plans      country → calling code, trunk prefix, possible lengths of its national numbers
//   idd_prefixes    country → every IDD prefix its metadata pattern allows ("011"; "0011", "0014"… in AU)
//   national_forms  country → what its phones dial before a national number, and what it stands for:
//                   "0" in GB, "1" in NANP, "0 11 15" in AR (→ "9 11"): src/national-forms.ts
//   number_ranges   every valid number, as (length, E.164 prefix) → region ("+441534…", 13 long → JE;
//                   "+88213…" → 001, no country): src/number-ranges.ts
//   region_prefixes E.164 prefix → region, for numbers outside number_ranges, as libphonenumber names
//                   them: "+CC" → the region of a code no other region shares; "+800", "+881", "+882",
//                   "+883"… → "001"; and the leading digits of a region that shares a code ("+1876" →
//                   JM, "+77" → KZ). A number of a shared code that no region's leading digits claim
//                   and that is not valid belongs to no region, as in the portal ("+1 555 555 0123").
//   calling_codes   every calling code → the region whose plan libphonenumber reads its numbers with
//                   (the first of the code's regions: "44" → GB, "1" → US; "001" for +800, +882…), so
//                   that a trunk prefix written after a country code ("+44 (0)20…") is read as the
//                   portal reads it
//   national_plan_siblings  country → the regions whose national numbers its people dial as their
//                   own (France and its overseas departments: lib/phone/plan.ts nationalPlanSiblings)
// The policy query in kamailio.cfg normalises the number with these and compares regions.

type Plan = {
  IDDPrefix(): string;
  /** The trunk prefix; the number 0, not a string, where the country has none (ES, MX, PT, DK, IT…). */
  nationalPrefix(): string | 0 | undefined;
  callingCode(): string;
  leadingDigits(): string | undefined;
  possibleLengths(): number[] | undefined;
};

function planOf(country: CountryCode): Plan {
  const m = new Metadata();
  m.selectNumberingPlan(country);
  return m.numberingPlan as unknown as Plan;
}

/**
 * Every string a finite metadata pattern matches ("001[14-689]|14(?:1[14]|34)0011", "00(?:1\d)?").
 * Supports what libphonenumber's IDD and leading-digits patterns use: digits, classes, \d, groups,
 * alternation, "?" and {n}/{n,m}. Throws on anything else, or above `limit` strings.
 */
export function expandPattern(pattern: string, limit = 5000): string[] {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`cannot expand /${pattern}/ at ${i}: ${why}`);
  };
  const cap = (set: string[]) => (set.length > limit ? fail(`more than ${limit} strings`) : set);
  const product = (a: string[], b: string[]) => cap(a.flatMap((x) => b.map((y) => x + y)));
  const repeat = (set: string[], min: number, max: number) => {
    const out = new Set<string>();
    let cur = [''];
    for (let n = 0; n <= max; n++) {
      if (n >= min) for (const s of cur) out.add(s);
      if (n < max) cur = product(cur, set);
    }
    return cap([...out]);
  };
  function alternation(): string[] {
    const out = new Set(sequence());
    while (pattern[i] === '|') {
      i++;
      for (const s of sequence()) out.add(s);
    }
    return cap([...out]);
  }
  function sequence(): string[] {
    let acc = [''];
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') {
      let atom: string[];
      const c = pattern[i]!;
      if (/\d/.test(c)) {
        atom = [c];
        i++;
      } else if (c === '\\' && pattern[i + 1] === 'd') {
        atom = [...'0123456789'];
        i += 2;
      } else if (c === '[') {
        const end = pattern.indexOf(']', i);
        if (end < 0) fail('unclosed class');
        const body = pattern.slice(i + 1, end);
        atom = [];
        for (let k = 0; k < body.length; k++) {
          if (body[k + 1] === '-' && body[k + 2]) {
            for (let d = Number(body[k]); d <= Number(body[k + 2]); d++) atom.push(String(d));
            k += 2;
          } else atom.push(body[k]!);
        }
        if (atom.some((d) => !/^\d$/.test(d))) fail('non-digit class');
        i = end + 1;
      } else if (c === '(') {
        i += pattern.startsWith('(?:', i) ? 3 : 1;
        atom = alternation();
        if (pattern[i] !== ')') fail('unclosed group');
        i++;
      } else return fail(`unsupported ${c}`);
      if (pattern[i] === '?') {
        atom = [...atom, ''];
        i++;
      } else if (pattern[i] === '{') {
        const m = /^\{(\d+)(?:,(\d+))?\}/.exec(pattern.slice(i)) ?? fail('bad quantifier');
        atom = repeat(atom, Number(m[1]), Number(m[2] ?? m[1]));
        i += m[0].length;
      }
      acc = product(acc, atom);
    }
    return acc;
  }
  const out = alternation();
  if (i !== pattern.length) fail('trailing input');
  return out;
}

export type DialPlanRows = {
  plans: { country: string; callingCode: string; nationalPrefix: string; nationalLengths: string }[];
  idd: { country: string; prefix: string }[];
  regions: { prefix: string; region: string }[];
  ranges: NumberRange[];
  forms: NationalForm[];
  /** Calling code ("44") → the region whose plan reads its national numbers ("GB"; "001" when non-geographic). */
  codes: { code: string; main: string }[];
  /** Country → a region sharing its national plan ("FR" → "RE", "RE" → "FR"…). */
  siblings: { country: string; sibling: string }[];
};

let cached: DialPlanRows | undefined;

/** The seven tables' rows, from the installed libphonenumber-js metadata (computed once per process). */
export function dialPlanRows(): DialPlanRows {
  if (cached) return cached;
  const meta = new Metadata() as unknown as {
    metadata: { country_calling_codes: Record<string, string[]>; nonGeographic?: Record<string, unknown> };
  };
  const plans: DialPlanRows['plans'] = [];
  const idd: DialPlanRows['idd'] = [];
  for (const country of getCountries()) {
    const p = planOf(country);
    // Not `?? ''`: the metadata's 0 for "no trunk prefix" made "0" Spain's and Italy's, so the policy
    // query stripped the 0 of Rome's 06… as a trunk prefix (as lib/phone/plan.ts trunkPrefixOf says).
    const trunk = p.nationalPrefix();
    plans.push({
      country,
      callingCode: p.callingCode(),
      nationalPrefix: typeof trunk === 'string' ? trunk : '',
      // What libphonenumber's isPossible() allows: the policy names another region of the account's
      // plan by its leading digits only for a number of a possible length there ("1 876 …" from the US).
      nationalLengths: `,${[...(p.possibleLengths() ?? [])].sort((a, b) => a - b).join(',')},`,
    });
    for (const prefix of expandPattern(p.IDDPrefix())) if (prefix) idd.push({ country, prefix });
  }
  const regions = new Map<string, string>();
  for (const [code, list] of Object.entries(meta.metadata.country_calling_codes)) {
    if (list.length === 1) regions.set(`+${code}`, list[0]!);
    else
      for (const region of list) {
        const lead = planOf(region as CountryCode).leadingDigits();
        // The first region in the metadata's order names a number (getCountryByNationalNumber).
        if (lead)
          for (const d of expandPattern(lead))
            if (!regions.has(`+${code}${d}`)) regions.set(`+${code}${d}`, region);
      }
  }
  // libphonenumber keeps the non-geographic codes apart (metadata.nonGeographic): without these rows
  // "+88213100456" had no region, and its digits dialled without "+" read as a domestic number.
  for (const code of Object.keys(meta.metadata.nonGeographic ?? {})) regions.set(`+${code}`, '001');
  // libphonenumber reads the national part of "+44…" with the plan of the code's main region, the first
  // in its list (metadata.selectNumberingPlan(callingCode)): GB's, whose trunk prefix "0" it strips from
  // "+44 0 20…" when what is left is a number.
  const codes = [
    ...Object.entries(meta.metadata.country_calling_codes).map(([code, list]) => ({ code, main: list[0]! })),
    ...Object.keys(meta.metadata.nonGeographic ?? {}).map((code) => ({ code, main: '001' })),
  ];
  cached = {
    plans,
    idd,
    regions: [...regions].map(([prefix, region]) => ({ prefix, region })),
    ranges: numberRanges(),
    forms: nationalForms(),
    codes,
    siblings: getCountries().flatMap((country) =>
      nationalPlanSiblings(country).map((sibling) => ({ country, sibling })),
    ),
  };
  return cached;
}

/** Rewrites the seven tables in one transaction (Kamailio reads them on the next INVITE). */
export function writeDialPlans(db: Database.Database): void {
  const rows = dialPlanRows();
  db.transaction(() => {
    db.prepare('DELETE FROM dial_plans').run();
    db.prepare('DELETE FROM idd_prefixes').run();
    db.prepare('DELETE FROM region_prefixes').run();
    db.prepare('DELETE FROM number_ranges').run();
    db.prepare('DELETE FROM national_forms').run();
    db.prepare('DELETE FROM calling_codes').run();
    db.prepare('DELETE FROM national_plan_siblings').run();
    const code = db.prepare('INSERT INTO calling_codes (code, main) VALUES (?, ?)');
    for (const c of rows.codes) code.run(c.code, c.main);
    const sibling = db.prepare('INSERT INTO national_plan_siblings (country, sibling) VALUES (?, ?)');
    for (const r of rows.siblings) sibling.run(r.country, r.sibling);
    const form = db.prepare(
      'INSERT INTO national_forms (country, priority, glob, length, anchored, literal, group_start, group_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const f of rows.forms)
      form.run(
        f.country,
        f.priority,
        f.glob,
        f.length,
        f.anchored ? 1 : 0,
        f.literal,
        f.groupStart,
        f.groupLength,
      );
    const range = db.prepare('INSERT INTO number_ranges (length, prefix, region) VALUES (?, ?, ?)');
    for (const r of rows.ranges) range.run(r.length, r.prefix, r.region);
    const plan = db.prepare(
      'INSERT INTO dial_plans (country, calling_code, national_prefix, national_lengths) VALUES (?, ?, ?, ?)',
    );
    for (const r of rows.plans) plan.run(r.country, r.callingCode, r.nationalPrefix, r.nationalLengths);
    const iddIns = db.prepare('INSERT OR IGNORE INTO idd_prefixes (country, prefix) VALUES (?, ?)');
    for (const r of rows.idd) iddIns.run(r.country, r.prefix);
    const reg = db.prepare('INSERT OR REPLACE INTO region_prefixes (prefix, region) VALUES (?, ?)');
    for (const r of rows.regions) reg.run(r.prefix, r.region);
  }).immediate();
}
