import 'server-only';
import type { CountryCode } from 'libphonenumber-js';
import { Prisma } from '@/lib/generated/sqlite/client';
import { db, isPostgres } from '@/lib/server/db';
import { asciiDigits } from '@/lib/phone/digits';
import { isSupportedCountry, parseUserPhone } from '@/lib/phone/format';

// A customer on the phone gives their number the way they dial it: "+34 912 34 56 78",
// "0034 912 34 56 78", "912 34 56 78", "55 1234 5678". The account's number on file and the callback
// numbers customers typed are stored in E.164 (with RFC 3966's ";ext=…" when they have an extension:
// lib/phone/callback.ts), so a search reads what was typed as a phone number first, once per way it
// can be read, and compares E.164 with E.164.

/** Digits, "+" ("(+34)" too), and what people put between digits: spaces, dashes of any kind, dots, slashes, brackets. */
const PHONE_LIKE = /^[+\d\s\p{Pd}./()]+$/u;
/** Fewer digits than this is an account number's or a username's part, not a phone number. */
const MIN_DIGITS = 6;

/**
 * An extension said after the number: "ext. 21", "extensión 21", "extension 21", "anexo 21", "interno
 * 21", "int. 21", "x 21", "#21" (libphonenumber-js's labels, as lib/phone/typed.ts reads a callback
 * number), or the label alone when the caller did not give the digits ("912 34 56 78 ext."). Not part
 * of the line, which is what the search compares.
 */
const EXTENSION =
  /\s*(?:(?:ext|extn|extensi[oó]n|anexo|interno|int)(?!\p{L})\.?[\s:\p{Pd}]*\d*|(?:x|#)\s*\d+)$/iu;

/**
 * A word naming what follows as a phone number, before it: "tel 912…", "tel. 912…", "tel:+34…" (RFC
 * 3966's scheme), "teléfono", "tfno", "tlf", "phone", "phone number", "mobile", "cell", "móvil",
 * "celular", "número". Not part of the number.
 */
const PHONE_LABEL =
  /^(?:(?:tel(?:[eé]f(?:ono)?)?|tfno|tlf|phone|mobile|cell|m[oó]vil|celular)(?!\p{L})\.?\s*)?(?:(?:number|n[uú]mero|no|n[º°])(?!\p{L})\.?\s*)?:?\s*/iu;

/**
 * The line of `typed` (a label before it and an extension after it dropped), digits in ASCII, when it
 * is written as a phone number, else null.
 */
function phoneText(typed: string): string | null {
  const line = asciiDigits(typed.trim()).replace(PHONE_LABEL, '').replace(EXTENSION, '');
  return PHONE_LIKE.test(line) && line.replace(/\D/g, '').length >= MIN_DIGITS ? line : null;
}

/**
 * True when `typed` is written as a phone number (at least 6 digits and what people put between them,
 * perhaps after a label such as "tel" and before an extension: PHONE_LABEL, EXTENSION), so that the
 * staff search reads it as one and never as words (lib/staff/search.ts). No database access.
 */
export const isPhoneText = (typed: string): boolean => phoneText(typed) !== null;

/**
 * The E.164 numbers (ITU-T E.164, "+" then up to 15 digits) that `typed` can be as a phone number,
 * or [] when it is not one (a letter in it, or fewer than 6 digits). Read by parseUserPhone (the
 * portal's one reader of typed numbers: libphonenumber-js with the superseded forms of
 * lib/phone/legacy.ts, digits in any script) once as an international number, and once as a
 * national number of each of `countries` (ISO 3166-1 alpha-2: the countries of the accounts, since a
 * customer says their number as it is dialled in their account's country): "912 34 56 78" is
 * +34 912 34 56 78 in Spain, "55 1234 5678" is +52 55 1234 5678 in Mexico. A number written with an
 * international prefix is read whatever the country's own prefix ("0034…" from a US account, where
 * it is 011), and so are the digits of an international number without its "+" ("34 912…").
 */
export function phoneReadings(typed: string, countries: readonly string[]): string[] {
  const text = phoneText(typed);
  if (!text) return [];
  const digits = text.replace(/\D/g, '');
  const found = new Set<string>();
  const add = (n: string | null) => n && found.add(n);
  add(parseUserPhone(`+${digits.startsWith('00') ? digits.slice(2) : digits}`, 'US'));
  for (const c of countries) if (isSupportedCountry(c)) add(parseUserPhone(text, c as CountryCode));
  return [...found].sort();
}

/**
 * The countries of the accounts (ISO 3166-1 alpha-2), each once, in order: a loose index scan of
 * "CustomerAccount_country_idx" (migration 0018), one index probe for the first country and one for
 * each next, the same statement on both databases. `SELECT DISTINCT "country"` read every account,
 * about 11 ms at 100 000 on either (PostgreSQL before 18 has no skip scan).
 */
export async function accountCountries(): Promise<string[]> {
  const rows = await db.$queryRaw<{ country: string }[]>`
    WITH RECURSIVE c("country") AS (
      SELECT min("country") FROM "CustomerAccount"
      UNION ALL
      SELECT (SELECT min(a."country") FROM "CustomerAccount" a WHERE a."country" > c."country")
      FROM c WHERE c."country" IS NOT NULL
    )
    SELECT "country" FROM c WHERE "country" IS NOT NULL`;
  return rows.map((r) => r.country);
}

/** An account found: its id and number. */
type Match = { id: string; number: string };

/**
 * The ids and numbers of the first `limit` accounts after account number `after` ('' = from the
 * start), in number order, whose number on file, or a callback number given in one of their unblock
 * or destination-allowance requests, is one of the phone numbers `typed` can be (phoneReadings, with
 * the countries of the accounts); [] when `typed` is not a phone number. An extension is not part of
 * the line: "+34 912 34 56 78" finds the account whose number is "+34912345678;ext=21".
 * Callers check that the reader is staff (lib/staff/search.ts).
 */
export async function accountsByPhone(typed: string, after: string, limit: number): Promise<Match[]> {
  if (!phoneText(typed)) return [];
  const numbers = phoneReadings(typed, await accountCountries());
  if (numbers.length === 0) return [];
  // A stored number is the E.164 number alone, or it followed by ";ext=…" (RFC 3966): its line is
  // the part before the first ";".
  const line = (column: string) =>
    isPostgres()
      ? Prisma.sql`split_part(${Prisma.raw(`"${column}"`)}, ';', 1)`
      : Prisma.sql`substr(${Prisma.raw(`"${column}"`)}, 1, instr(${Prisma.raw(`"${column}"`)}, ';') - 1)`;
  const is = (column: string) =>
    Prisma.sql`(${Prisma.raw(`"${column}"`)} IN (${Prisma.join(numbers)}) OR ${line(column)} IN (${Prisma.join(numbers)}))`;
  // Two statements with no order: the accounts whose number on file is one of them (one pass over
  // the accounts), and those of the requests that gave one as their callback number. Asked in
  // account-number order with a LIMIT, SQLite walked the number index and read every row through it
  // when nothing matched (32 ms at 100 000 accounts; 8–15 ms as a plain scan); and a list of the
  // requests' account ids as parameters ran past SQLite's limit when thousands of requests gave one
  // number. The matches are then ordered here.
  //
  // PostgreSQL gets the callers' account ids as an array, looked up by primary key, and returns the
  // first `limit` in number order. With `IN (…)` it hashed the ids and read every account to join
  // them (warm, psql: 12–13 ms against 5.5–6 ms, 2 000 callers among 100 000 accounts), and without
  // the LIMIT it returned all 2 000 (the bench's searchPhone, every pending request giving its
  // number: p95 63.6 ms, against 31.4 on SQLite).
  const callers = Prisma.sql`
    SELECT "accountId" FROM "UnblockRequest" WHERE ${is('callbackPhone')}
    UNION SELECT "accountId" FROM "DestinationAllowance" WHERE "callbackPhone" IS NOT NULL AND ${is('callbackPhone')}`;
  const [onFile, called] = await Promise.all([
    db.$queryRaw<Match[]>`
      SELECT "id", "number" FROM "CustomerAccount" WHERE "phone" IS NOT NULL AND ${is('phone')}`,
    isPostgres()
      ? db.$queryRaw<Match[]>`
          SELECT a."id", a."number" FROM "CustomerAccount" a
          WHERE a."number" > ${after} AND a."id" = ANY(ARRAY(${callers}))
          ORDER BY a."number" LIMIT ${limit}`
      : db.$queryRaw<Match[]>`
          SELECT a."id", a."number" FROM "CustomerAccount" a WHERE a."number" > ${after} AND a."id" IN (${callers})`,
  ]);
  // Account numbers are ACC- then digits and capital letters: their order is the same here as in
  // either database (digits before letters, a prefix first).
  return [...new Map([...onFile, ...called].map((a) => [a.id, a])).values()]
    .filter((a) => a.number > after)
    .sort((a, b) => (a.number < b.number ? -1 : 1))
    .slice(0, limit);
}
