import 'server-only';
import type { CountryCode } from 'libphonenumber-js';
import { db } from '@/lib/server/db';
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
 * An extension said after the number ("ext. 21", "extensión 21", "x 21", "#21"): not part of the
 * line, which is what the search compares.
 */
const EXTENSION = /\s*(?:ext\.?|extensi[oó]n|x|#)\s*\d+$/iu;

/** The line of `typed` (its extension dropped), digits in ASCII, when it is written as a phone number, else null. */
function phoneText(typed: string): string | null {
  const line = asciiDigits(typed.trim()).replace(EXTENSION, '');
  return PHONE_LIKE.test(line) && line.replace(/\D/g, '').length >= MIN_DIGITS ? line : null;
}

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
 * The ids and numbers of the first `limit` accounts after account number `after` ('' = from the
 * start), in number order, whose number on file, or a callback number given in one of their unblock
 * or destination-allowance requests, is one of the phone numbers `typed` can be (phoneReadings, with
 * the countries of the accounts); [] when `typed` is not a phone number. An extension is not part of
 * the line: "+34 912 34 56 78" finds the account whose number is "+34912345678;ext=21".
 * Callers check that the reader is staff (lib/staff/search.ts).
 */
export async function accountsByPhone(
  typed: string,
  after: string,
  limit: number,
): Promise<{ id: string; number: string }[]> {
  if (!phoneText(typed)) return [];
  const countries = (
    await db.$queryRaw<{ country: string }[]>`SELECT DISTINCT "country" FROM "CustomerAccount"`
  ).map((r) => r.country);
  const numbers = phoneReadings(typed, countries);
  if (numbers.length === 0) return [];
  // A stored number is the E.164 number alone, or it followed by ";ext=…" (RFC 3966).
  const phone = [{ phone: { in: numbers } }, ...numbers.map((n) => ({ phone: { startsWith: `${n};` } }))];
  const callback = [
    { callbackPhone: { in: numbers } },
    ...numbers.map((n) => ({ callbackPhone: { startsWith: `${n};` } })),
  ];
  // The requests' callback numbers are read on their own, one pass over each table: asked as a
  // relation filter of the accounts, they were one probe per account (EXISTS for every row).
  const [requests, allowances] = await Promise.all([
    db.unblockRequest.findMany({ where: { OR: callback }, select: { accountId: true } }),
    db.destinationAllowance.findMany({ where: { OR: callback }, select: { accountId: true } }),
  ]);
  const called = [...new Set([...requests, ...allowances].map((r) => r.accountId))];
  return db.customerAccount.findMany({
    where: { number: { gt: after }, OR: [...phone, { id: { in: called } }] },
    select: { id: true, number: true },
    orderBy: { number: 'asc' },
    take: limit,
  });
}
