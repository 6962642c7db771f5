import { type CountryCode, getCountries, Metadata } from 'libphonenumber-js/max';

// How a country's phones write a national number before its national significant number, as
// libphonenumber-js reads it (helpers/extractNationalNumberFromPossiblyIncompleteNumber.js): the
// metadata's national_prefix_for_parsing, a pattern matched at the start of the digits, and
// national_prefix_transform_rule. Most countries only have a trunk prefix to strip ("0" in GB, "1" in
// NANP); some have more, which the switch must read as the portal does or refuse national calls:
//   Argentina's mobile "0 11 15 2345 6789" is +54 9 11 2345 6789 (rule "9$1");
//   Belarus's trunk "8 0" before a mobile: "80 29 491 19 11";
//   Brazil's carrier selection "0 21 11 …" (carrier 21, then the number);
//   NANP's seven-digit local numbers in one-area-code countries: "462 1234" is Antigua's +1 268 462
//   1234 (rule "268$1"); Guernsey's six digits (+44 1481 …).
// The pattern is expanded into its paths, in the order a JavaScript regular expression tries them
// (alternatives left to right, a quantifier's longest count first): each path is a fixed-length run of
// digit classes (a GLOB pattern), with where its capture groups fall. The policy query takes the first
// path that matches the dialled digits, as RegExp.exec does.

/**
 * One path of a country's national prefix pattern. When the first `length` dialled digits match
 * `glob` (and, if `anchored`, nothing follows them), the national number is `literal`, then the
 * `groupLength` digits from `groupStart` (1-based; 0 length: none), then the digits after `length`.
 * `priority` orders a country's paths (0 first).
 */
export type NationalForm = {
  country: string;
  priority: number;
  glob: string;
  length: number;
  anchored: boolean;
  literal: string;
  groupStart: number;
  groupLength: number;
};

type Path = { atoms: string[]; groups: Map<number, [number, number]>; anchored: boolean };

// More paths than this means a pattern this reader was not meant for: fail at start-up.
const LIMIT = 20_000;

/** The paths of `pattern` in the order RegExp tries them; see the module's head. Throws on other constructs. */
export function patternPaths(pattern: string): Path[] {
  let i = 0;
  let groupCount = 0;
  const fail = (why: string): never => {
    throw new Error(`cannot read /${pattern}/ at ${i}: ${why}`);
  };
  const cap = (paths: Path[]) => (paths.length > LIMIT ? fail(`more than ${LIMIT} paths`) : paths);
  const join = (a: Path, b: Path): Path | null => {
    if (a.anchored && b.atoms.length) return null; // "$" before more digits matches nothing
    const groups = new Map(a.groups);
    for (const [g, [s, e]] of b.groups) groups.set(g, [s + a.atoms.length, e + a.atoms.length]);
    return { atoms: [...a.atoms, ...b.atoms], groups, anchored: a.anchored || b.anchored };
  };
  const product = (as: Path[], bs: Path[]) => cap(as.flatMap((a) => bs.flatMap((b) => join(a, b) ?? [])));
  const empty = (): Path => ({ atoms: [], groups: new Map(), anchored: false });
  function alternation(): Path[] {
    const out = sequence();
    while (pattern[i] === '|') {
      i++;
      out.push(...sequence());
    }
    return cap(out);
  }
  function sequence(): Path[] {
    let acc = [empty()];
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') {
      let atom: Path[];
      let capturing = false;
      const c = pattern[i]!;
      const one = (cls: string): Path[] => [{ atoms: [cls], groups: new Map(), anchored: false }];
      if (/\d/.test(c)) {
        atom = one(c);
        i++;
      } else if (c === '\\' && pattern[i + 1] === 'd') {
        atom = one('[0-9]');
        i += 2;
      } else if (c === '[') {
        const end = pattern.indexOf(']', i);
        if (end < 0) fail('unclosed class');
        const body = pattern.slice(i + 1, end);
        if (!/^(?:\d(?:-\d)?)+$/.test(body)) fail('non-digit class');
        atom = one(`[${body}]`);
        i = end + 1;
      } else if (c === '$') {
        atom = [{ atoms: [], groups: new Map(), anchored: true }];
        i++;
      } else if (c === '(') {
        capturing = !pattern.startsWith('(?:', i);
        const index = capturing ? ++groupCount : 0;
        i += capturing ? 1 : 3;
        atom = alternation();
        if (pattern[i] !== ')') fail('unclosed group');
        i++;
        if (capturing)
          atom = atom.map((p) => ({ ...p, groups: new Map([...p.groups, [index, [0, p.atoms.length]]]) }));
      } else return fail(`unsupported ${c}`);
      let min = 1;
      let max = 1;
      if (pattern[i] === '?') {
        min = 0;
        i++;
      } else if (pattern[i] === '{') {
        const m = /^\{(\d+)(?:,(\d+))?\}/.exec(pattern.slice(i)) ?? fail('bad quantifier');
        min = Number(m[1]);
        max = Number(m[2] ?? m[1]);
        i += m[0].length;
      }
      if (capturing && max > 1) fail('repeated capture group');
      // Greedy: the longest count first.
      const counts: Path[] = [];
      for (let n = max; n >= min; n--) {
        let rep = [empty()];
        for (let k = 0; k < n; k++) rep = product(rep, atom);
        counts.push(...rep);
      }
      acc = product(acc, counts);
    }
    return acc;
  }
  const out = alternation();
  if (i !== pattern.length) fail('trailing input');
  return out;
}

type ParsingPlan = {
  nationalPrefixForParsing(): string | number | undefined;
  nationalPrefixTransformRule(): string | undefined;
};

/** Every country's national forms, from the installed libphonenumber-js metadata. */
export function nationalForms(): NationalForm[] {
  const out: NationalForm[] = [];
  for (const country of getCountries()) {
    const m = new Metadata();
    m.selectNumberingPlan(country as CountryCode);
    const plan = m.numberingPlan as unknown as ParsingPlan;
    const npp = plan.nationalPrefixForParsing();
    if (typeof npp !== 'string' || !npp) continue; // the metadata's 0: no national prefix
    const rule = plan.nationalPrefixTransformRule();
    const parts = rule ? (/^(\d*)(?:\$(\d))?$/.exec(rule) ?? unreadableRule(country, rule)) : undefined;
    const last = (npp.match(/\((?!\?:)/g) ?? []).length;
    patternPaths(npp).forEach((path, priority) => {
      // The rule applies when the pattern's last group matched digits (libphonenumber's hasCapturedGroups).
      const transformed = !!parts && last > 0 && spanOf(path, last)[1] > 0;
      const group = transformed && parts![2] ? spanOf(path, Number(parts![2])) : [0, 0];
      out.push({
        country,
        priority,
        glob: path.atoms.join(''),
        length: path.atoms.length,
        anchored: path.anchored,
        literal: transformed ? parts![1]! : '',
        groupStart: group[1] > 0 ? group[0] + 1 : 0,
        groupLength: group[1],
      });
    });
  }
  return out;
}

/** Where group `g` of `path` starts (0-based) and how long it is; [0, 0] when it took no part. */
function spanOf(path: Path, g: number): [number, number] {
  const span = path.groups.get(g);
  return span ? [span[0], span[1] - span[0]] : [0, 0];
}

function unreadableRule(country: string, rule: string): never {
  throw new Error(`cannot read ${country}'s national prefix transform rule "${rule}"`);
}
