// A regular expression of libphonenumber's metadata, read as an automaton over the digits 0-9, so that
// src/number-ranges.ts can ask of a whole prefix of numbers at once what the library would answer for
// each number under it. The metadata's national-number, type and leading-digits patterns use digits,
// classes ("[2-9]", "[14-689]"), "\d", groups ("(?:…)"), alternation, "?" and "{n}"/"{n,m}" only;
// anything else is refused, so a new construct in a later metadata fails at start-up, not silently.
// Thompson's construction (a nondeterministic automaton with empty moves); sets of its states are
// numbered as they are met, so equal sets compare as equal numbers.

type Fragment = { start: number; end: number };

/** A state set's number: what DigitAutomaton.step and .accepts take and return. */
export type StateSet = number;

/** `pattern` as an automaton; see the module's head for the constructs it reads. */
export class DigitAutomaton {
  private readonly empty: number[][] = [];
  private readonly moves: number[][][] = [];
  private readonly accept: number;
  private readonly closures: number[][];
  private readonly numbers = new Map<string, StateSet>();
  private readonly sets: number[][] = [];
  private readonly stepped: StateSet[][] = [];
  /** The set before any digit. */
  readonly start: StateSet;

  /** Throws "cannot read /…/ at i: why" on a construct outside the module's list. */
  constructor(readonly pattern: string) {
    const whole = this.parse();
    this.accept = whole.end;
    this.closures = this.empty.map((_, s) => {
      const seen = new Set([s]);
      const todo = [s];
      while (todo.length)
        for (const t of this.empty[todo.pop()!]!) if (!seen.has(t) && seen.add(t)) todo.push(t);
      return [...seen];
    });
    this.start = this.number(this.closures[whole.start]!);
  }

  /** The set after `digit` (0-9) from `set`. */
  step(set: StateSet, digit: number): StateSet {
    const row = (this.stepped[set] ??= []);
    const known = row[digit];
    if (known !== undefined) return known;
    const next: number[] = [];
    for (const s of this.sets[set]!)
      for (const t of this.moves[s]?.[digit] ?? []) next.push(...this.closures[t]!);
    return (row[digit] = this.number(next));
  }

  /** Whether the digits that led to `set` match the whole pattern. */
  accepts(set: StateSet): boolean {
    return this.sets[set]!.includes(this.accept);
  }

  private number(states: number[]): StateSet {
    const sorted = [...new Set(states)].sort((a, b) => a - b);
    const key = sorted.join(',');
    let n = this.numbers.get(key);
    if (n === undefined) {
      n = this.sets.length;
      this.numbers.set(key, n);
      this.sets.push(sorted);
    }
    return n;
  }

  private state(): number {
    this.empty.push([]);
    return this.empty.length - 1;
  }

  private parse(): Fragment {
    const p = this.pattern;
    let i = 0;
    const fail = (why: string): never => {
      throw new Error(`cannot read /${p}/ at ${i}: ${why}`);
    };
    // Fragments are built by functions, so that a quantifier can build its atom as often as it repeats.
    type Build = () => Fragment;
    const digits =
      (set: number[]): Build =>
      () => {
        const start = this.state();
        const end = this.state();
        for (const d of set) ((this.moves[start] ??= [])[d] ??= []).push(end);
        return { start, end };
      };
    const chain =
      (parts: Build[]): Build =>
      () => {
        const start = this.state();
        let end = start;
        for (const part of parts) {
          const f = part();
          this.empty[end]!.push(f.start);
          end = f.end;
        }
        return { start, end };
      };
    const repeat =
      (atom: Build, min: number, max: number): Build =>
      () => {
        const start = this.state();
        const end = this.state();
        let at = start;
        for (let k = 0; k < max; k++) {
          if (k >= min) this.empty[at]!.push(end);
          const f = atom();
          this.empty[at]!.push(f.start);
          at = f.end;
        }
        this.empty[at]!.push(end);
        return { start, end };
      };
    const alternation = (): Build => {
      const choices = [sequence()];
      while (p[i] === '|') {
        i++;
        choices.push(sequence());
      }
      if (choices.length === 1) return choices[0]!;
      return () => {
        const start = this.state();
        const end = this.state();
        for (const choice of choices) {
          const f = choice();
          this.empty[start]!.push(f.start);
          this.empty[f.end]!.push(end);
        }
        return { start, end };
      };
    };
    const sequence = (): Build => {
      const parts: Build[] = [];
      while (i < p.length && p[i] !== '|' && p[i] !== ')') {
        let atom: Build;
        const c = p[i]!;
        if (/\d/.test(c)) {
          atom = digits([Number(c)]);
          i++;
        } else if (c === '\\' && p[i + 1] === 'd') {
          atom = digits([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
          i += 2;
        } else if (c === '[') {
          const end = p.indexOf(']', i);
          if (end < 0) fail('unclosed class');
          const body = p.slice(i + 1, end);
          const set: number[] = [];
          for (let k = 0; k < body.length; k++) {
            if (body[k + 1] === '-' && body[k + 2]) {
              for (let d = Number(body[k]); d <= Number(body[k + 2]); d++) set.push(d);
              k += 2;
            } else set.push(Number(body[k]));
          }
          if (!set.length || set.some((d) => !Number.isInteger(d) || d < 0 || d > 9)) fail('non-digit class');
          atom = digits(set);
          i = end + 1;
        } else if (c === '(') {
          i += p.startsWith('(?:', i) ? 3 : 1;
          atom = alternation();
          if (p[i] !== ')') fail('unclosed group');
          i++;
        } else return fail(`unsupported ${c}`);
        if (p[i] === '?') {
          atom = repeat(atom, 0, 1);
          i++;
        } else if (p[i] === '{') {
          const m = /^\{(\d+)(?:,(\d+))?\}/.exec(p.slice(i)) ?? fail('bad quantifier');
          atom = repeat(atom, Number(m[1]), Number(m[2] ?? m[1]));
          i += m[0].length;
        }
        parts.push(atom);
      }
      return chain(parts);
    };
    const whole = alternation();
    if (i !== p.length) fail('trailing input');
    return whole();
  }
}
