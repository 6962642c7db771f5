import { z } from 'zod';

// The one definition of the provider's identifiers. The switch names them (docs/switch-api.md,
// "Path parameters"), so Tollgate accepts exactly what the switch accepts: an account or SIP
// username the switch can report must be one an operator can create here, or its events would be
// refused as unknown. Plain shapes, no `server-only`: the switch simulator and the admin CLI use them.
// The reference switch (switch/kamailio/src/provision.ts) keeps its own copy on purpose (it is a
// stand-alone program); tests/unit/identifiers.test.ts checks that the two agree.

/** `ACC-` then 1–20 digits or capital letters, e.g. `ACC-1001` (docs/switch-api.md). */
export const ACCOUNT_NUMBER_RE = /^ACC-[0-9A-Z]{1,20}$/;

/**
 * 1–128 letters, digits and `. _ @ + -`, starting with a letter or digit (docs/switch-api.md). They
 * travel in URL paths (URL-encoded), and the first-character rule keeps out `.` and `..`.
 */
export const SIP_USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

export const accountNumberSchema = z.string().regex(ACCOUNT_NUMBER_RE, 'must look like ACC-1001');
export const sipUsernameSchema = z
  .string()
  .regex(SIP_USERNAME_RE, 'must be 1–128 of letters, digits, . _ @ + -');

// What sits between "ACC" and the rest when a person types a number they heard or read: spaces, any
// Unicode dash (\p{Pd}: the en dash a word processor makes of "-", the full-width "－"), a dot,
// a slash, a colon, "#", "_".
const TYPED_SEPARATOR = /[\s\p{Pd}._/:#＃]/gu;

/**
 * An account number as a person types it from a phone call or a letter, in the stored form, or null
 * when `typed` is not one: "acc 1001", "ACC1001", "Acc–1001", "a.c.c. 10 01", "ACC-1001" →
 * "ACC-1001". Letters are folded to upper case and full-width forms to ASCII (NFKC), the separators
 * (spaces, dashes of any kind, dots, slashes, colons, "#", "_") dropped; the rest must contain a
 * digit, so a company named "Accent" or "Acc Ent" is never read as a number (`anyNumber`: not in a
 * field that holds nothing but an account number, where "acc demo" is ACC-DEMO), and the result must
 * be an account number (ACCOUNT_NUMBER_RE) of ASCII letters and digits as typed ("acc-ß" is none,
 * not "ACC-SS"). Used where staff type a number: the console's search and its account filters.
 */
export function accountNumberAsTyped(typed: string, opts: { anyNumber?: boolean } = {}): string | null {
  const m = /^a[\s.]*c[\s.]*c(.*)$/iu.exec(typed.normalize('NFKC').trim());
  if (!m) return null;
  const written = m[1].replace(TYPED_SEPARATOR, '');
  if (!/^[0-9a-z]+$/i.test(written)) return null;
  const rest = written.toUpperCase();
  if (!opts.anyNumber && !/\d/.test(rest)) return null;
  const number = `ACC-${rest}`;
  return ACCOUNT_NUMBER_RE.test(number) ? number : null;
}

/**
 * An account number typed into a field that holds nothing else (the audit log's account filter, the
 * address of a staff account page), in the stored form, or null: what accountNumberAsTyped reads,
 * and also the number without its "ACC", as a caller reads it out or a letter prints it: "1001",
 * "10 01", "#1001" → "ACC-1001". Without "ACC" the rest must start with a digit (so a word is never
 * read as a number) and the result must be an account number (ACCOUNT_NUMBER_RE).
 */
export function accountNumberInField(typed: string): string | null {
  const asTyped = accountNumberAsTyped(typed);
  if (asTyped) return asTyped;
  const rest = typed.normalize('NFKC').trim().replace(TYPED_SEPARATOR, '').toUpperCase();
  if (!/^\d/.test(rest)) return null;
  const number = `ACC-${rest}`;
  return ACCOUNT_NUMBER_RE.test(number) ? number : null;
}

/**
 * An existing account's number as an operator or agent types it into a field that holds nothing else
 * (the admin CLI's `--account`): what accountNumberInField reads ("acc-1001", "ACC 1001", "1001"),
 * checked as accountNumberSchema in the stored form; anything it cannot read is refused with that
 * schema's message ("must look like ACC-1001"). Creating an account stays exact (accountNumberSchema).
 */
export const accountNumberReferenceSchema = z
  .string()
  .transform((typed) => accountNumberInField(typed) ?? typed)
  .pipe(accountNumberSchema);
