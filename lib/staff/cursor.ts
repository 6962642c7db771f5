import { z } from 'zod';
import { hasControlCharacter } from '@/lib/server/control-characters';

/**
 * Keyset cursors for the staff console's pages (queue, search results, audit log).
 *
 * A cursor is the sort key of the last row shown, as a JSON array in base64url, e.g. for the audit
 * log `[at ISO-8601, id]`: the next page starts strictly after it, so rows inserted meanwhile never
 * make a row repeat or be skipped, and every page is an index range scan however deep it is.
 * Cursors travel in the URL and are therefore untrusted: `readCursor` checks them with zod.
 */
export function encodeCursor(key: readonly (string | Date)[]): string {
  const plain = key.map((k) => (k instanceof Date ? k.toISOString() : k));
  return Buffer.from(JSON.stringify(plain)).toString('base64url');
}

/**
 * True when `d` is a time the databases' timestamp columns hold: the years 0001–9999 in UTC. JavaScript
 * and zod take year 0000, which PostgreSQL refuses with an error (22008, a 500), and SQLite would
 * compare as text; the same bound as a switch time (lib/switch/schemas.ts switchTimeSchema).
 */
export function inDatabaseYears(d: Date): boolean {
  const year = d.getUTCFullYear();
  return year >= 1 && year <= 9999;
}

/**
 * [instant, id]: the cursor of a page ordered by a timestamp with the id as tiebreaker. An instant
 * outside inDatabaseYears is a damaged cursor (never reaches a query).
 */
export const timeIdKey = z
  .tuple([
    z.iso.datetime({ offset: true }).refine((s) => inDatabaseYears(new Date(s))),
    z.string().min(1).max(64),
  ])
  .transform(([at, id]) => ({ at: new Date(at), id }));

/** [account number]: the cursor of the search results, ordered by the unique account number. */
export const numberKey = z.tuple([z.string().min(1).max(40)]).transform(([number]) => ({ number }));

export type CursorRead<T> = { ok: true; key: T | null } | { ok: false; key: null };

/**
 * Reads a cursor from the URL. No cursor (undefined or '') is the first page: `{ ok: true, key: null }`.
 * Anything that is not base64url JSON of the expected shape (at most 400 characters) is
 * `{ ok: false, key: null }`: the page then says the link is damaged and shows the first page; never a 500.
 */
export function readCursor<T>(schema: z.ZodType<T>, raw: string | undefined | null): CursorRead<T> {
  if (!raw) return { ok: true, key: null };
  if (raw.length > 400 || !/^[A-Za-z0-9_-]+$/.test(raw)) return { ok: false, key: null };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, key: null };
  }
  if (hasControlCharacter(json)) return { ok: false, key: null }; // NUL would reach a query
  const r = schema.safeParse(json);
  return r.success ? { ok: true, key: r.data } : { ok: false, key: null };
}
