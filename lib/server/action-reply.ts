// Whether React can decode a server action's reply without throwing: read by proxy.ts (through
// lib/server/action-request.ts) before Next decodes it, because a reply React cannot resolve makes
// Next answer 500 (break-19: `["$1"]` posted to any page, signed in or not).

/**
 * The parts of one reply, by decimal part id as React's decoder keys them (its `_prefix + id`): for
 * a multipart body every field and file name, for any other body only "0", the body itself.
 */
export type ReplyParts = ReadonlyMap<string, string | null>;

/** Typed arrays, DataView and Blob: `$<letter><hex id>` read from a (file) part of that id. */
const BINARY_PART = new Set([...'AOoUSsLlGgMmVB']);
/** No part behind them: `$$` text, `$@` a promise (a missing part leaves it pending, which every
 * action refuses as not a form), `$K` form fields by prefix, streams and async iterables (they wait
 * for their parts), and the constants `$H`, `$T`, `$I`, `$-…`, `$N`, `$u…`, `$D…`. */
const NO_PART = new Set([...'$@KRrXxHTI-NuD']);

/** How deep a reply's lists and objects may nest: no Tollgate form's state comes near it. */
export const MAX_DEPTH = 1000;

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Array.isArray(v));

/**
 * Why React's `decodeReply` (react-server-dom-webpack, the server half of `encodeReply`) would
 * throw on this reply, or null when it would not. Next awaits that decode before any action runs
 * and answers its error with 500; React's own client never sends such a reply, so each is a
 * hand-made request and is refused (400) with nothing run. Mirrors React 19's `parseModelString`:
 * - `$<hex>[:key…]` and `$h` / `$Q` / `$W` / `$i` + `<hex>[:key…]` (an outlined model, a server
 *   function, Map, Set, iterator) name a part that must be present, hold JSON and have every `key`
 *   as its own property ("Connection closed." / "Invalid reference." otherwise); a Map's part is a
 *   list of [key, value] pairs, a Set's or an iterator's a list; a server function is refused
 *   outright (no Tollgate form passes one);
 * - typed arrays, DataView and Blob (`$A…`, `$B…`) name a part that must be present;
 * - `$n<digits>` is a BigInt of at most 300 digits (`BigInt()` throws on anything else);
 * - lists and objects nest at most MAX_DEPTH levels (React's decoder recurses, and overflows the
 *   stack between 3 000 and 4 000 levels, measured on the production build).
 * Only values are read, as JSON.parse's reviver does (keys are never references). Every part a
 * reference names is checked the same way, once.
 */
export function undecodableReply(parts: ReplyParts): string | null {
  const parsed = new Map<string, unknown>();
  const pending: string[] = ['0'];
  const seen = new Set<string>();
  const load = (id: string): { ok: true; value: unknown } | { ok: false } => {
    if (parsed.has(id)) return { ok: true, value: parsed.get(id) };
    const text = parts.get(id);
    if (typeof text !== 'string') return { ok: false };
    try {
      const value: unknown = JSON.parse(text);
      parsed.set(id, value);
      return { ok: true, value };
    } catch {
      return { ok: false };
    }
  };
  const check = (s: string): string | null => {
    if (s[0] !== '$') return null;
    const kind = s[1] ?? '';
    if (NO_PART.has(kind)) return null;
    if (kind === 'n') {
      const digits = s.slice(2);
      if (digits.length > 300) return 'a BigInt over 300 digits';
      try {
        BigInt(digits);
        return null;
      } catch {
        return `not a BigInt: ${s.slice(0, 40)}`;
      }
    }
    if (BINARY_PART.has(kind)) {
      const id = parseInt(s.slice(2), 16);
      return Number.isNaN(id) || !parts.has(String(id)) ? `no part for ${s.slice(0, 40)}` : null;
    }
    if (kind === 'h') return 'a server function as an argument';
    const outlined = kind === 'Q' || kind === 'W' || kind === 'i' ? s.slice(2) : s.slice(1);
    const [head = '', ...path] = outlined.split(':');
    const id = parseInt(head, 16);
    if (Number.isNaN(id)) return `not a part reference: ${s.slice(0, 40)}`;
    const part = load(String(id));
    if (!part.ok) return `no readable part ${id}`;
    let value = part.value;
    for (const key of path) {
      if (!isPlain(value) || !Object.prototype.hasOwnProperty.call(value, key))
        return `no ${s.slice(0, 40)} in part ${id}`;
      value = (value as Record<string, unknown>)[key];
    }
    if (kind === 'Q' && !(Array.isArray(value) && value.every((e) => isPlain(e))))
      return `not a Map's entries: ${s.slice(0, 40)}`;
    if ((kind === 'W' || kind === 'i') && !Array.isArray(value) && typeof value !== 'string')
      return `not a list: ${s.slice(0, 40)}`;
    if (!seen.has(String(id))) pending.push(String(id));
    return null;
  };
  // Iterative, not recursive: a 64 KB body can nest 30 000 levels deep, past this call stack; React's
  // own decoder runs out of stack between 3 000 and 4 000 levels (a 500), so past MAX_DEPTH it is refused.
  const walk = (root: unknown): string | null => {
    const stack: [unknown, number][] = [[root, 0]];
    while (stack.length > 0) {
      const [v, depth] = stack.pop()!;
      if (typeof v === 'string') {
        const why = check(v);
        if (why) return why;
      } else if (typeof v === 'object' && v !== null) {
        if (depth >= MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels`;
        for (const e of Object.values(v)) stack.push([e, depth + 1]);
      }
    }
    return null;
  };
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const part = load(id);
    if (!part.ok) return `no readable part ${id}`;
    const why = walk(part.value);
    if (why) return why;
  }
  return null;
}
