import { getCountry } from 'countries-and-timezones';
import { z } from 'zod';
import {
  accountNumberReferenceSchema,
  accountNumberSchema,
  sipUsernameSchema,
} from '@/lib/accounts/identifiers';
import type { AuditAction } from '@/lib/audit/names';
import { emailSchema } from '@/lib/auth/email-address';
import { hashPassword, normalizedPassword } from '@/lib/auth/password';
import { freshSecondFactorLimits } from '@/lib/auth/mfa/lockout';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import { queueSecurityChange } from '@/lib/mail/queue';
import { isStaff, ROLES } from '@/lib/auth/roles';
import type { Db, Tx } from '@/lib/server/db';
import { isUniqueViolation } from '@/lib/server/db/errors';
import {
  countryReaderLocale,
  DEFAULT_LOCALE,
  type Locale,
  LOCALE_NAMES,
  LOCALES,
  localeOfTag,
} from '@/lib/i18n/locales';
import { noteText, notesText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import { assessPassword } from '@/lib/passwords/strength';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { isSupportedCountry } from '@/lib/phone/format';
import { DEFAULT_COUNTRY } from '@/lib/phone/plan';
import { envVar } from '@/lib/server/env';
import { seal, sealedUnderCurrent, unseal } from '@/lib/server/seal';
import { canonicalTimeZone } from '@/lib/time/format';
import os from 'node:os';
import { hasControlCharacter } from '@/lib/server/control-characters';
import { lockAccount, lockUser } from '@/lib/server/db/lock';
import { switchPaths, type SwitchClient } from '@/lib/switch/client';
import type { SwitchFailure } from '@/lib/switch/result';
import { isPublishedDemoPassword } from '@/lib/demo/published';
import { noticeNewMember } from '@/lib/blocks/lifecycle';

// Operator commands (CONTRACTS §1), callable from the CLI and from tests.
export class CommandError extends Error {}

/**
 * `write` (a command's transaction); a unique key another command wrote first, between this one's
 * "already exists?" check and its insert (two operators or scripts at once: Prisma's P2002), is the
 * CommandError `taken`, as the check would have said, instead of an unhandled error's stack trace.
 */
async function createOnce<T>(taken: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isUniqueViolation(e)) throw new CommandError(taken);
    throw e;
  }
}

const email = emailSchema({
  required: 'a valid --email is required',
  tooLong: 'a valid --email is required',
  invalid: 'a valid --email is required',
});

/**
 * Why an operator changes a login's security state (`--reason`): trimmed, 5 to 500 characters, as the
 * staff web's forms take theirs (lib/staff/users.ts, lib/staff/customer-logins.ts), and kept in the
 * audit row's detail as `reason`, where the web keeps it. Required by reset-second-factor; optional
 * for set-password (`.optional()`: when given, the same rule and words).
 */
const REASON_HINT = 'say why, e.g. --reason "Caller verified by a callback to the number on file"';
const reason = z
  .string({ error: `is required: ${REASON_HINT}` })
  .trim()
  .min(5, `at least 5 characters: ${REASON_HINT}`)
  .max(500, 'at most 500 characters');

/** The actor the audit log names for every change made with the operator CLI (no user row stands behind it). */
export const OPERATOR_ACTOR = 'operator-cli';

/** Who ran an operator command, and on which machine (operatorIdentity). */
export type OperatorIdentity = { osUser: string; sudoUser?: string; host: string };

/**
 * Who ran an operator command, and where, for the detail of every row the CLI audits: `osUser`, the
 * name of the process's own user id in the system's user database (`os.userInfo()`: no environment
 * variable changes it; `uid N` for an id without a name, as in a container run with an arbitrary
 * id); `sudoUser`, the SUDO_USER that sudo sets to the person who ran `sudo` (only when set; it is an
 * environment variable, so it is as trustworthy as the shell that ran the command); `host`, the
 * machine's host name. Review, session 42: the rows named `operator-cli` and nobody behind it.
 */
export function operatorIdentity(env: NodeJS.ProcessEnv = process.env): OperatorIdentity {
  let osUser: string;
  try {
    osUser = os.userInfo().username;
  } catch {
    osUser = `uid ${process.getuid?.() ?? 'unknown'}`;
  }
  const sudoUser = env.SUDO_USER?.trim().slice(0, 100);
  return { osUser, ...(sudoUser ? { sudoUser } : {}), host: os.hostname() };
}

/**
 * The audit row of an operator command, written in the command's transaction: the CLI has no user
 * row to name as actor, hence the direct write (the same columns as lib/audit/log.ts audit()). Its
 * detail is `detail` followed by the operator's identity (operatorIdentity), for every command.
 */
function operatorAudit(
  tx: Tx,
  row: { action: AuditAction; accountId?: string; target?: { type: string; id: string }; detail?: object },
) {
  return tx.auditLog.create({
    data: {
      action: row.action,
      actorEmail: OPERATOR_ACTOR,
      accountId: row.accountId,
      targetType: row.target?.type,
      targetId: row.target?.id,
      detail: JSON.stringify({ ...row.detail, ...operatorIdentity() }),
    },
  });
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success)
    throw new CommandError(
      r.error.issues
        .map((i) => `${i.path.join('.') ? `--${i.path.join('.')}: ` : ''}${i.message}`)
        .join('; '),
    );
  return r.data;
}

const COUNTRY_CODE_HINT =
  'give the ISO 3166-1 two-letter code, e.g. AR for Argentina, GB for the United Kingdom';

/** The zone an account of DEFAULT_COUNTRY gets without --time-zone (README, CONTRACTS §1's example). */
export const DEFAULT_TIME_ZONE = 'America/New_York';

/**
 * The time zone of an account in `country` (ISO 3166-1 alpha-2) when the operator named none: the
 * country's only zone (countries-and-timezones, IANA zone.tab); DEFAULT_TIME_ZONE for DEFAULT_COUNTRY
 * (today's documented behaviour). A country with several zones (ES: Madrid, Canary, Ceuta; MX; AR…)
 * throws a CommandError listing them: guessing one would put the customer's clock hours off.
 */
export function countryTimeZone(country: string): string {
  if (country === DEFAULT_COUNTRY) return DEFAULT_TIME_ZONE;
  const zones = getCountry(country)?.timezones ?? [];
  if (zones.length === 1) return zones[0]!;
  if (zones.length === 0)
    throw new CommandError(`--time-zone is required: no time zone known for ${country}`);
  throw new CommandError(`--time-zone is required: ${country} has several time zones: ${zones.join(', ')}`);
}

/**
 * What create-account learnt from the switch: its international calling; `not_found` (the switch does
 * not know the number), `unknown` (no answer about it: no answer at all, or a 404 that is not the
 * switch's "unknown account", switchLookupWarning), or `not_asked` (--offline, or no switch configured).
 */
export type AccountOnSwitch = 'allowed' | 'blocked' | 'not_found' | 'unknown' | 'not_asked';

/**
 * The switch as the operator commands ask it (create-account, add-sip-credential): a client, and the
 * SWITCH_API_URL it was made with (an http(s) base URL, lib/server/http-url.ts), so that a warning can
 * name the URL that was called. The token is in the client's header, never in the URL or a warning.
 */
export type SwitchAsk = { client: SwitchClient; baseUrl: string };

/**
 * What an operator command asked the switch about, for its warning (switchLookupWarning): `what`
 * ("account", "SIP username") and `name` (ACC-1001, acme-desk); `unknownCodes`, the 404 codes that
 * mean "I do not know it" (docs/switch-api.md part 1's table; docs/reference-switch.md's for the
 * reference Kamailio); `check`, what the operator checks when the switch does not know it ("the
 * number"); `notFound`, why it matters, and `noAnswer`, the sentence after no answer.
 */
type LookupWords = {
  what: string;
  name: string;
  unknownCodes: readonly string[];
  check: string;
  notFound: string;
  noAnswer: string;
};

/**
 * The warning an operator command prints (on stderr, exit 0: the thing is still made, as CONTRACTS §1
 * promises) for `failure`, the switch's answer to `GET <ask.baseUrl><path>`, and what it makes of it:
 * - a 404 with one of `words.unknownCodes`: `not_found`, "the switch does not know …. Check …";
 * - any other 404 (the switch's own `not_found`, "no such endpoint", or a 404 without the switch's
 *   error body, a proxy's page): `unknown`, naming the URL called and SWITCH_API_URL as the likely
 *   cause. A SWITCH_API_URL copied with the `/v1` of docs/switch-api.md's curl examples
 *   (`http://switch:4210/v1`) made every question a 404 `not_found`, and create-account told the
 *   operator to check a number that was right (a first deployment, 2026-12-06);
 * - anything else (a timeout, a connection error, a 5xx, a refused token): `unknown`, "the switch did
 *   not answer for …", `words.noAnswer`.
 * Wording only: the portal's own calls act on the status, never on the code (docs/switch-api.md).
 */
function switchLookupWarning(
  failure: SwitchFailure,
  ask: SwitchAsk,
  path: string,
  words: LookupWords,
): { said: 'not_found' | 'unknown'; warning: string } {
  const thing = `${words.what} ${words.name}`;
  if (failure.kind === 'not_found' && words.unknownCodes.includes(failure.code ?? ''))
    return {
      said: 'not_found',
      warning: `the switch does not know ${thing} (${failure.message}). Check ${words.check}: ${words.notFound}`,
    };
  if (failure.status === 404) {
    // As lib/switch/client.ts builds it: the base without its trailing slashes, then the path.
    const base = ask.baseUrl.replace(/\/+$/, '');
    const hint = /\/v1$/i.test(base)
      ? 'Tollgate adds /v1/… itself, so leave /v1 off'
      : 'it is the address Tollgate adds /v1/… to';
    return {
      said: 'unknown',
      warning:
        `GET ${base}${path} answered ${failure.message}, not the switch's answer for an unknown ${words.what}. ` +
        `Check SWITCH_API_URL (${base}): ${hint}. ${thing.charAt(0).toUpperCase()}${thing.slice(1)} was not ` +
        "checked with the switch, and the portal's own calls to the switch fail the same way until " +
        `SWITCH_API_URL is right (if it is, check ${words.check})`,
    };
  }
  return {
    said: 'unknown',
    warning: `the switch did not answer for ${thing} (${failure.message}); ${words.noAnswer}`,
  };
}

/**
 * Creates a customer account. Without `timeZone`, the country's zone (countryTimeZone: refused when the
 * country has several). `phone` (optional) is its callback number on file, typed as a person
 * would (E.164 or national for `country`); a number support must not call (lib/phone/callback.ts) is refused.
 * Audited as account.created (actor `operator-cli`) in the same transaction, with what the switch said.
 *
 * `onSwitch` (the operator CLI's create-account passes one unless --offline or the switch's variables
 * are unset): the switch is asked for the account first (CONTRACTS §3 `GET /v1/accounts/{n}`), after
 * every other check and before anything is written. A 404 or no answer (timeout, 5xx, a refused token)
 * still creates the account, as CONTRACTS §1's `create-account --number … --name …` promises, and
 * returns a `warning` the CLI prints on stderr: a mistyped number (ACC-1010 for ACC-1001) made an
 * account no switch event ever reaches, shown "International calling allowed" for good, and nothing
 * said so (review, session 42). A 404 whose code is not `account_not_found` is worded as a wrong
 * SWITCH_API_URL, naming the URL called (switchLookupWarning), and recorded as `unknown`. The audit
 * row records what the switch said.
 *
 * An account the switch has blocked is created due for reconciliation (`reconcileDue`): the
 * reconciler's next pass (RECONCILE_INTERVAL_MS, a minute by default) reads it first and shows its
 * block (lib/blocks/lifecycle.ts reconcileAccount, the one way a block is made from the switch's
 * answer), with its notice to the members it has then. Not made here: a new account has no member
 * yet (create-user --account needs the account first), so a block made now would mail its notice to
 * nobody, and the reconciler, finding the portal already blocked, would not mail it later either.
 *
 * Without `onSwitch` the switch is not asked (`not_asked` in the audit row): for data that tests and
 * the e2e journeys provision on the simulated switch afterwards. Returns the account row with
 * `onSwitch` and, when blocked, the switch's `switchReason`. Throws CommandError, having written
 * nothing, for any refusal.
 */
export async function createAccount(
  db: Db,
  raw: { number?: string; name?: string; country?: string; timeZone?: string; phone?: string },
  onSwitch?: SwitchAsk,
) {
  const a = parse(
    z.object({
      number: accountNumberSchema,
      name: z.string('a --name is required').trim().min(1, 'a --name is required').max(200),
      // Any case (`ar` is AR), but the code, not a name: the message says which code to type.
      country: z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z]{2}$/, COUNTRY_CODE_HINT)
        .default(DEFAULT_COUNTRY),
      timeZone: z.string().optional(),
      phone: z.string().trim().min(1).max(40).optional(),
    }),
    raw,
  );
  if (!isSupportedCountry(a.country))
    throw new CommandError(`--country: unknown country ${a.country}; ${COUNTRY_CODE_HINT}`);
  const named = a.timeZone ?? countryTimeZone(a.country);
  const timeZone = canonicalTimeZone(named);
  const zones = getCountry(a.country)?.timezones ?? [];
  if (!timeZone)
    throw new CommandError(`--time-zone: unknown time zone ${named}; ${a.country}'s: ${zones.join(', ')}`);
  // A zone of another country is a slip (the account's clock, its mail and support's business hours
  // would be hours off): refused, naming the country's zones. UTC stays possible for any country.
  if (timeZone !== 'UTC' && zones.length > 0 && !zones.some((z) => canonicalTimeZone(z) === timeZone))
    throw new CommandError(
      `--time-zone: ${named} is not a time zone of ${a.country}; ${a.country}'s: ${zones.join(', ')}`,
    );
  const phone = a.phone === undefined ? null : checkCallbackNumber(a.phone, a.country);
  if (phone && !phone.ok) throw new CommandError(`--phone: ${noteText(translate('en'), phone.note)}`);
  if (await db.customerAccount.findUnique({ where: { number: a.number } }))
    throw new CommandError(`account ${a.number} already exists`);
  const state = onSwitch ? await onSwitch.client.getAccount(a.number) : null;
  const missed =
    onSwitch && state && !state.ok
      ? switchLookupWarning(state, onSwitch, switchPaths.account(a.number), {
          what: 'account',
          name: a.number,
          unknownCodes: ['account_not_found'],
          check: 'the number',
          notFound:
            'an account the switch does not know is never blocked or lifted there (pass --offline when the ' +
            'switch learns it later)',
          noAnswer: 'the reconciler compares the account with the switch at its next pass',
        })
      : undefined;
  const warning = missed?.warning;
  const found = state?.ok ? state.value : null;
  const said: AccountOnSwitch = found ? found.internationalCalling : (missed?.said ?? 'not_asked');
  const switchReason = found?.internationalCalling === 'blocked' ? found.reason : undefined;
  const account = await createOnce(`account ${a.number} already exists`, () =>
    db.$transaction(async (tx) => {
      const account = await tx.customerAccount.create({
        data: { ...a, timeZone, phone: phone?.ok ? phone.stored : null, reconcileDue: said === 'blocked' },
      });
      await operatorAudit(tx, {
        action: 'account.created',
        accountId: account.id,
        target: { type: 'account', id: account.id },
        detail: {
          number: account.number,
          country: account.country,
          timeZone,
          switchSays: said,
          ...(said === 'blocked' ? { switchReason } : {}),
        },
      });
      return account;
    }),
  );
  return { ...account, onSwitch: said, switchReason, warning };
}

/**
 * What add-sip-credential learnt from the switch about the username: `known` (it answered the
 * username's registrations), `not_found` (it does not know the username), `unknown` (no answer about
 * it), or `not_asked` (--offline, or no switch configured). The registrations answer names no account,
 * so whether the username is the account's on the switch is not asked: the switch API cannot answer it.
 */
export type CredentialOnSwitch = 'known' | 'not_found' | 'unknown' | 'not_asked';

/**
 * Adds SIP credential `username` (label: `label`, else the username) to account `account` (ACC-…, or
 * as typed: "acc 1001", "1001": accountNumberReferenceSchema).
 * Throws CommandError, having written nothing, for a bad value, an unknown account or a taken username.
 * Audited as sip_credential.created (actor `operator-cli`; the username and `switchSays`, what the
 * switch said) in the same transaction.
 *
 * `onSwitch` (the operator CLI passes one unless --offline or the switch's variables are unset): the
 * switch is asked about the username, after every other check and before anything is written, with
 * the one call of CONTRACTS §3 that names a username without changing it, `GET
 * /v1/sip-credentials/{username}/registrations` (a 404 for a username it does not know). A username
 * the switch does not know, or no answer, still adds the credential, as create-account still creates
 * an account, and returns a `warning` the CLI prints on stderr: `norte-recepcon` typed for
 * `norte-recepcion` was added without a word, and the customer's password reset then said only that
 * the switch does not know the credential (a first deployment, 2026-12-06). A 404 that is not the
 * switch's "unknown credential" (`credential_not_found`, or the reference Kamailio's
 * `sip_credential_not_found`) is worded as a wrong SWITCH_API_URL (switchLookupWarning). Returns the
 * credential row with `onSwitch` and `warning`.
 */
export async function addSipCredential(
  db: Db,
  raw: { account?: string; username?: string; label?: string },
  onSwitch?: SwitchAsk,
) {
  const c = parse(
    z.object({
      account: accountNumberReferenceSchema,
      username: sipUsernameSchema,
      label: z.string().trim().max(100).optional(),
    }),
    raw,
  );
  const account = await db.customerAccount.findUnique({ where: { number: c.account } });
  if (!account) throw new CommandError(`no account ${c.account}`);
  if (await db.sipCredential.findUnique({ where: { username: c.username } }))
    throw new CommandError(`SIP username ${c.username} already exists`);
  const answer = onSwitch ? await onSwitch.client.getRegistrations(c.username) : null;
  const missed =
    onSwitch && answer && !answer.ok
      ? switchLookupWarning(answer, onSwitch, switchPaths.registrations(c.username), {
          what: 'SIP username',
          name: c.username,
          unknownCodes: ['credential_not_found', 'sip_credential_not_found'],
          check: 'the username',
          notFound:
            "the switch refuses a password reset for a username it does not know, so the customer's reset " +
            'page could not set this one (pass --offline when the switch learns it later)',
          noAnswer:
            'nothing compares it with the switch later: make sure the switch knows it, or the customer cannot ' +
            'reset its password from the portal',
        })
      : undefined;
  const said: CredentialOnSwitch = answer?.ok ? 'known' : (missed?.said ?? 'not_asked');
  // A new identity that can place calls on the account: who added it and when must be on record.
  const cred = await createOnce(`SIP username ${c.username} already exists`, () =>
    db.$transaction(async (tx) => {
      const cred = await tx.sipCredential.create({
        data: { accountId: account.id, username: c.username, label: c.label || c.username },
      });
      await operatorAudit(tx, {
        action: 'sip_credential.created',
        accountId: account.id,
        target: { type: 'sip_credential', id: cred.id },
        detail: { username: cred.username, switchSays: said },
      });
      return cred;
    }),
  );
  return { ...cred, onSwitch: said, warning: missed?.warning };
}

/**
 * A new portal password as the operator gives it (create-user, set-password): on stdin, or typed twice
 * at a terminal. As the portal's forms take it (lib/server/safe-action.ts: no control character), on
 * one line as a browser's password field has it: `pw⏎pw`, a password typed twice into the old prompt,
 * was stored.
 */
const newPassword = z
  .string()
  .min(1, 'a password is required on stdin')
  .max(1024)
  .refine(
    (p) => !hasControlCharacter(p) && !/[\r\n]/.test(p),
    'the password holds a line break or another control character, which a password field cannot take: give it once, on one line',
  );

/**
 * `typed` (newPassword's output) as it is stored and judged (lib/passwords/normalize.ts: NFC can make
 * a password shorter and weaker), once it is neither a password the README publishes for a demo login
 * (lib/demo/published.ts: `npm start` refuses a database whose demo login accepts its own, and any of
 * them is public) nor weaker than `minScore` (zxcvbn, 0–4, with `userInputs` such as the address and
 * name). Throws CommandError `password refused: …` otherwise.
 */
function judgedPassword(typed: string, userInputs: string[], minScore: number): string {
  const password = normalizedPassword(typed);
  if (isPublishedDemoPassword(password))
    throw new CommandError(
      'password refused: the README publishes it for a demo login, so anyone could sign in with it: choose another',
    );
  const verdict = assessPassword(password, { userInputs, minScore });
  if (!verdict.acceptable)
    throw new CommandError(`password refused: ${notesText(translate('en'), verdict.problems)}`);
  return password;
}

/**
 * A new portal password as create-user and set-password take it: the text (undefined: none given), or
 * a reader (the CLI's readPassword) called only once every other argument and the database's checks
 * have passed, so that an operator who typed it twice at a terminal is not then told of a wrong
 * address, a too-short `--reason` or an unknown account, and asked to type it all again.
 */
export type PasswordInput = string | undefined | (() => Promise<string>);

/** The password `input` gives (read now when it is a reader), as newPassword takes it; CommandError if not. */
async function givenPassword(input: PasswordInput): Promise<string> {
  const typed = typeof input === 'function' ? await input() : input;
  return parse(z.object({ password: newPassword }), { password: typed }).password;
}

const localeList = LOCALES.map((l) => `${l} (${LOCALE_NAMES[l]})`).join(', ');

/**
 * Where a new user's language came from: `operator`, an explicit --locale, the language chosen for
 * the user (User.localeChosenAt set: no browser replaces it, the user's own choice does); `country`,
 * the account's country, and `default`, DEFAULT_LOCALE: both a default that follows the user's
 * browser until the user chooses (lib/i18n/preference.ts adoptBrowserLocale).
 */
export type LocaleSource = 'operator' | 'country' | 'default';

/**
 * The language a new user is written to in (User.locale) and where it came from (LocaleSource):
 * `named` (--locale), else the language of `account`'s country when the catalogue has it, or an
 * official language of it the catalogue has (countryLocale: ES, MX, AR… → es; PY → es, where the
 * likely one is Guaraní), or what a browser set to its language reads (countryReaderLocale: AD,
 * Catalan → es), else DEFAULT_LOCALE. Unless `named`, also `country`, the account's country (ISO
 * 3166-1 alpha-2, as stored) the rule read, and, when it gave `default`, `countryLanguage`: the
 * country's most likely language (a BCP 47 language subtag, `BR` → "pt", `FR` → "fr"), which
 * LOCALES does not have. That comes from ICU's likely-subtags data (CLDR, as countryLocale reads it):
 * no package in the project maps a country to its languages, and a table would go stale; null when
 * ICU cannot read the country.
 */
export function newUserLocale(
  named: Locale | undefined,
  account: { country: string } | null,
): { locale: Locale; source: LocaleSource; country: string | null; countryLanguage: string | null } {
  if (named) return { locale: named, source: 'operator', country: null, countryLanguage: null };
  const country = account?.country ?? null;
  const locale = country ? countryReaderLocale(country) : null;
  if (locale) return { locale, source: 'country', country, countryLanguage: null };
  return {
    locale: DEFAULT_LOCALE,
    source: 'default',
    country,
    countryLanguage: country && likelyLanguage(country),
  };
}

/**
 * create-user's words for a country's language the portal does not speak (newUserLocale's
 * `countryLanguage`, a BCP 47 language subtag), in English as the CLI writes: "Portuguese is not
 * offered; English and Spanish are" for "pt". The names are CLDR's (Intl.DisplayNames), the list
 * Intl.ListFormat's; the subtag itself where ICU has no name for it (testers, 2026-12-07: a Brazilian
 * account's user got "language en, by default" with no word of why).
 */
export function notOfferedText(language: string): string {
  const names = new Intl.DisplayNames('en', { type: 'language', fallback: 'code' });
  const name = (code: string) => {
    try {
      return names.of(code) ?? code;
    } catch {
      return code; // RangeError: not a language subtag
    }
  };
  const offered = new Intl.ListFormat('en', { type: 'conjunction' }).format(LOCALES.map(name));
  return `${name(language)} is not offered; ${offered} are`;
}

/** The most likely language of `country` (ISO 3166-1 alpha-2) by ICU's likely subtags (CLDR), or null. */
function likelyLanguage(country: string): string | null {
  try {
    return new Intl.Locale('und', { region: country }).maximize().language;
  } catch {
    return null; // RangeError: not a region subtag
  }
}

/**
 * Creates a login: `role` (any case), hashed `password` (checked against `minScore`, 0–4; a reader,
 * PasswordInput, is asked only after the other values and the database's checks), and for a customer
 * the membership of `account` (ACC-… or as typed, accountNumberReferenceSchema; later ones: addMember). `locale`
 * (a BCP 47 tag in English or Spanish: "en", "ES", "es-AR") sets User.locale, else newUserLocale's
 * rule. An explicit `locale` is a person's decision (the operator knows what the customer reads):
 * it counts as the language chosen for the user, localeChosenAt is set, and no browser replaces it;
 * the user's own choice in the header or profile does (lib/i18n/preference.ts). Without one the
 * language is a default, localeChosenAt stays null, and the user's browser replaces it at their first
 * signed-in page (testers, 2026-12: a login created with --locale es got English pages and mail from
 * an English browser). Throws CommandError, writing nothing, on any
 * bad value (a password with a line break or another control character included, or one the README
 * publishes for a demo login: judgedPassword); audited as
 * user.created with the address, the role, the language, where it came from (`localeSource`, with
 * the account's country, `localeCountry`, for `country` and `default`, and the country's language
 * that is not offered, `countryLanguage`, for `default`: an auditor reads why a Chilean customer got
 * Spanish and a Brazilian one English; testers, 2026-12-07) and, as before, whether it was chosen
 * (`localeChosen`, documented in docs/operations.md for queries on the log). Returns the User row,
 * `localeSource` (LocaleSource) and `countryLanguage` (newUserLocale). A customer made a member of an account with a block in
 * force gets that block's notice, as its other members did (lib/blocks/lifecycle.ts noticeNewMember).
 */
export async function createUser(
  db: Db,
  raw: {
    email?: string;
    role?: string;
    account?: string;
    password?: PasswordInput;
    name?: string;
    locale?: string;
  },
  minScore = 3,
) {
  const u = parse(
    z.object({
      email,
      // Any case, as --country and --locale: `Admin` is admin.
      role: z
        .string('a --role of customer, agent or admin is required')
        .trim()
        .toLowerCase()
        .pipe(z.enum(ROLES, 'a --role of customer, agent or admin is required')),
      account: accountNumberReferenceSchema.optional(),
      name: z.string().max(200).optional(),
      // A language tag (`es`, `ES`, `es-AR`: the customer's own variety is written as Spanish; dates
      // and numbers follow the account's country, lib/i18n/locales.ts formatTag), or the POSIX locale
      // an operator's shell writes (`es_AR`, `es_AR.UTF-8`, `ca_ES@euro`: a tester's `es_AR` was
      // refused, 2026-12-07), read as the BCP 47 tag it names.
      locale: z
        .string()
        .trim()
        .transform((v, ctx) => {
          const l = localeOfTag(v.replace(/[.@].*$/, '').replace(/_/g, '-'));
          if (!l)
            ctx.addIssue({
              code: 'custom',
              message: `unknown language ${JSON.stringify(v)}; the languages are ${localeList}`,
            });
          return l ?? z.NEVER;
        })
        .optional(),
    }),
    raw,
  );
  if (u.account && isStaff(u)) throw new CommandError('--account is for customers; staff see every account');
  if (await db.user.findUnique({ where: { email: u.email } }))
    throw new CommandError(`user ${u.email} already exists`);
  const account = u.account ? await db.customerAccount.findUnique({ where: { number: u.account } }) : null;
  if (u.account && !account) throw new CommandError(`no account ${u.account}`);
  const password = judgedPassword(await givenPassword(raw.password), [u.email, u.name ?? ''], minScore);
  const { locale, source: localeSource, country, countryLanguage } = newUserLocale(u.locale, account);
  const localeChosen = localeSource === 'operator';
  const passwordHash = await hashPassword(password);
  return createOnce(`user ${u.email} already exists`, () =>
    db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          email: u.email,
          role: u.role,
          name: u.name,
          passwordHash,
          locale,
          localeChosenAt: localeChosen ? new Date() : null,
        },
      });
      if (account) {
        await tx.membership.create({ data: { userId: user.id, accountId: account.id } });
        await noticeNewMember(tx, account.id, user);
      }
      await operatorAudit(tx, {
        action: 'user.created',
        accountId: account?.id,
        target: { type: 'user', id: user.id },
        // The address too, as membership.added keeps it: the target is the login's id, which tells
        // an auditor nothing (a tester, 2026-12-07).
        detail: {
          email: u.email,
          role: u.role,
          locale,
          localeSource,
          ...(country ? { localeCountry: country } : {}),
          ...(countryLanguage ? { countryLanguage } : {}),
          localeChosen,
        },
      });
      return { ...user, localeSource, countryLanguage };
    }),
  );
}

/**
 * A login whose second factor is lost together with its recovery codes, after support has made sure
 * who is asking (docs/operations.md "Operator commands"): its authenticator and recovery codes are
 * removed, a second-factor lock is lifted, its sessions end and its sign-in links are revoked. The
 * password stays: a customer signs in with it and may set up two-factor authentication again from the
 * profile; staff must set it up again before anything else. Before (break-29) nothing could do this
 * for a customer (the admin's Reset two-factor on /staff/users is for staff logins only), nor for the
 * last admin, who cannot reset their own: either was locked out for good. Throws CommandError, writing
 * nothing, for an address with no login or a login with no second factor, or without a reason
 * (`reason`: why, 5 to 500 characters, as the admin's reset on /staff/users asks since 2026-12-05; the
 * CLI's `--reason`, required since 2026-12-06). Audited as user.second_factor_reset (actor
 * `operator-cli`) with the reason and how many sessions ended and codes went. The
 * login's code limits start afresh (freshSecondFactorLimits). Its owner is mailed the security change
 * `mfa_reset_by_operator` in the same transaction (since 2026-12-05; before, nobody was told, so a
 * caller with a leaked password who talked support into a reset signed in unheard).
 */
export async function resetSecondFactor(db: Db, raw: { email?: string; reason?: string }) {
  const { email: address, reason: why } = parse(z.object({ email, reason }), raw);
  // First, as the admin's reset does after (lib/staff/users.ts): codes typed or mailed while the factor
  // was lost do not hold back enrolling anew (before 2026-12-05 this command left the limits as they
  // were). Before the reset, so that a failure here leaves the factor for a rerun to reset.
  const found = await db.user.findUnique({ where: { email: address }, select: { id: true } });
  if (found) await freshSecondFactorLimits(found.id);
  const done = await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: address } });
    if (!user) throw new CommandError(`no user ${address}`);
    if (!user.totpSecret && !user.totpEnabledAt)
      throw new CommandError(`${address} has no second factor to reset`);
    await tx.user.update({
      where: { id: user.id },
      data: { totpSecret: null, totpEnabledAt: null, totpFailures: 0, totpLockedAt: null },
    });
    const recoveryCodesRemoved = (await tx.recoveryCode.deleteMany({ where: { userId: user.id } })).count;
    const sessionsEnded = (await tx.session.deleteMany({ where: { userId: user.id } })).count;
    await revokeSignInLinks(tx, user.email);
    await operatorAudit(tx, {
      action: 'user.second_factor_reset',
      target: { type: 'user', id: user.id },
      detail: { email: user.email, reason: why, sessionsEnded, recoveryCodesRemoved },
    });
    // The owner hears of it, in this transaction (a caller holding a leaked password may have talked
    // support into it, and then signs in with the password alone). No address: the operator's is not theirs.
    await queueSecurityChange(tx, user, 'mfa_reset_by_operator', null);
    return { email: user.email, sessionsEnded };
  });
  return done;
}

/**
 * set-password: gives login `email` (any role) the portal password `password` (newPassword: one line,
 * no control character; a reader, PasswordInput, is asked only once the address has a login and the
 * reason passes), judged as create-user judges one (judgedPassword: at least `minScore`, 0–4,
 * PASSWORD_MIN_SCORE, and none the README publishes for a demo login). `reason` (`--reason`) is
 * optional: when given, why, trimmed, 5 to 500 characters (reset-second-factor's rule and words).
 * Under the login's row lock (lockUser, docs/architecture.md "Lock order"), in one transaction: the
 * new argon2id hash, every session of the login ended and its sign-in links revoked
 * (revokeSignInLinks), audited as password.changed (actor `operator-cli`; the address, the reason
 * when given, sessions ended, links revoked, and who ran it), and the owner mailed the security change
 * `password_set_by_operator` (an operator set it: get the new one from your provider's support), with
 * no address (the operator's is not theirs) and no reason (the audit log's, not the mailbox's). Before
 * 2026-12-06 the owner was mailed `password_changed`, worded for a change they made themselves ("if it
 * was not you, someone else signed in to your login"). Its second factor, role, memberships and
 * disabled flag stay as they are.
 *
 * Why (2026-12-06): `npm start` refuses a database where a demo login (CONTRACTS §5) accepts its
 * published password (lib/demo/published.ts), and an operator who had made `sam@tollgate.example`
 * with `demo-sam-2026` in their own database had no way but SQL to change it: no operator command set
 * a password, and the staff console cannot be reached while `npm start` refuses to serve.
 * Throws CommandError, having written nothing, for an address with no login, a refused password or a
 * reason given outside 5 to 500 characters. Returns the login's address and how many sessions ended.
 */
export async function setPassword(
  db: Db,
  raw: { email?: string; password?: PasswordInput; reason?: string },
  minScore = 3,
): Promise<{ email: string; sessionsEnded: number }> {
  const p = parse(z.object({ email, reason: reason.optional() }), raw);
  const user = await db.user.findUnique({ where: { email: p.email }, select: { id: true, name: true } });
  if (!user) throw new CommandError(`no user ${p.email}`);
  const typed = await givenPassword(raw.password);
  const passwordHash = await hashPassword(judgedPassword(typed, [p.email, user.name ?? ''], minScore));
  return db.$transaction(async (tx) => {
    await lockUser(tx, user.id);
    const locked = await tx.user.findUnique({ where: { id: user.id }, select: { id: true, email: true } });
    if (!locked) throw new CommandError(`no user ${p.email}`);
    await tx.user.update({ where: { id: locked.id }, data: { passwordHash } });
    const sessionsEnded = (await tx.session.deleteMany({ where: { userId: locked.id } })).count;
    const linksRevoked = await revokeSignInLinks(tx, locked.email);
    await operatorAudit(tx, {
      action: 'password.changed',
      target: { type: 'user', id: locked.id },
      detail: { email: locked.email, reason: p.reason, sessionsEnded, linksRevoked },
    });
    await queueSecurityChange(tx, locked, 'password_set_by_operator', null);
    return { email: locked.email, sessionsEnded };
  });
}

/**
 * After AUTH_SECRET was rotated (the old value kept as AUTH_SECRET_PREVIOUS): re-seals every stored
 * TOTP secret under the current AUTH_SECRET, so that AUTH_SECRET_PREVIOUS can then be removed
 * without making any second factor unreadable. Returns how many were re-sealed and how many were
 * already current. Throws ConfigError, having read and written nothing, when AUTH_SECRET is unset or
 * either secret is malformed (lib/server/env.ts); CommandError naming how many open under neither. Audited as
 * secrets.resealed (the two counts) when it re-sealed or failed to open any.
 */
export async function resealSecrets(db: Db): Promise<{ resealed: number; current: number }> {
  // Both keys by the portal's own rule before anything is read or written: an unset AUTH_SECRET (a shell
  // that exported only AUTH_SECRET_PREVIOUS) once re-sealed every TOTP secret under an empty key, which
  // the portal could not open and anyone holding the database could. Throws ConfigError naming the variable.
  envVar('AUTH_SECRET');
  envVar('AUTH_SECRET_PREVIOUS');
  const users = await db.user.findMany({
    where: { totpSecret: { not: null } },
    select: { id: true, totpSecret: true },
  });
  let resealed = 0;
  let unreadable = 0;
  for (const u of users) {
    if (sealedUnderCurrent(u.totpSecret!, 'totp-secret-v1')) continue;
    let plain: string;
    try {
      plain = unseal(u.totpSecret!, 'totp-secret-v1');
    } catch {
      unreadable++;
      continue;
    }
    await db.user.update({ where: { id: u.id }, data: { totpSecret: seal(plain, 'totp-secret-v1') } });
    resealed++;
  }
  if (resealed || unreadable)
    await db.$transaction((tx) =>
      operatorAudit(tx, { action: 'secrets.resealed', detail: { resealed, unreadable } }),
    );
  if (unreadable)
    throw new CommandError(
      `${unreadable} TOTP secret(s) open under neither AUTH_SECRET nor AUTH_SECRET_PREVIOUS; ${resealed} re-sealed`,
    );
  return { resealed, current: users.length - resealed };
}

// ------------------------------------------------------------------------- account members (add / remove)

/**
 * The customer login and the account a membership command names (`email`; `account` ACC-… or as
 * typed, accountNumberReferenceSchema). Throws CommandError for a bad value, an address with no
 * login, a staff login (staff read every account through the console: a staff login is no customer
 * and no member of one), or an account that does not exist.
 */
async function memberAndAccount(db: Db, raw: { email?: string; account?: string }) {
  const m = parse(z.object({ email, account: accountNumberReferenceSchema }), raw);
  const user = await db.user.findUnique({
    where: { email: m.email },
    select: { id: true, email: true, role: true, disabled: true },
  });
  if (!user)
    throw new CommandError(
      `no user ${m.email}: create the login first (create-user --role customer --account …)`,
    );
  if (isStaff(user))
    throw new CommandError(
      `${user.email} is a staff login (${user.role}): staff see every account and are no member of one`,
    );
  const account = await db.customerAccount.findUnique({
    where: { number: m.account },
    select: { id: true, number: true },
  });
  if (!account) throw new CommandError(`no account ${m.account}`);
  return { user, account };
}

/**
 * What add-member and remove-member did: the login, the account, and whether anything changed;
 * `membersLeft` (remove-member): the account's members after; `noticesQueued` (add-member, only when
 * any): the block notices queued to the new member, one per block in force on the account.
 */
export type MemberChange = {
  email: string;
  account: string;
  changed: boolean;
  membersLeft?: number;
  noticesQueued?: number;
};

/**
 * add-member: makes customer login `email` a member of account `account`. From its next request the
 * login sees the account, gets its mail and may act on its blocks: a second account for someone who
 * works for two companies (CONTRACTS §5's Dana), or the first for a login created without --account.
 * Before (review, session 42) only create-user linked a login to an account, once. User.locale stays
 * as it is: a person has one language, not one per account (docs/operations.md). Idempotent: a login
 * that is a member already is `changed: false`, nothing written (two operators at once: the same).
 * While a block is in force on the account the new member gets its notice, queued in the membership's
 * transaction, as every other member got it when the block was placed (before, the newcomer found the
 * account blocked and was never told why): lib/blocks/lifecycle.ts noticeNewMember, one per block in
 * force, on the block's timeline; `noticesQueued` says how many. Throws CommandError as
 * memberAndAccount says. Audited as membership.added (the address), on the account.
 */
export async function addMember(db: Db, raw: { email?: string; account?: string }): Promise<MemberChange> {
  const { user, account } = await memberAndAccount(db, raw);
  const answer = (changed: boolean, noticesQueued = 0): MemberChange => ({
    email: user.email,
    account: account.number,
    changed,
    ...(noticesQueued ? { noticesQueued } : {}),
  });
  const key = { userId_accountId: { userId: user.id, accountId: account.id } };
  if (await db.membership.findUnique({ where: key })) return answer(false);
  try {
    const notices = await db.$transaction(async (tx) => {
      await tx.membership.create({ data: { userId: user.id, accountId: account.id } });
      await operatorAudit(tx, {
        action: 'membership.added',
        accountId: account.id,
        target: { type: 'user', id: user.id },
        detail: { email: user.email },
      });
      return noticeNewMember(tx, account.id, user);
    });
    return answer(true, notices);
  } catch (e) {
    // Another operator's add-member came between the check and the insert: the check's answer.
    if (isUniqueViolation(e)) return answer(false);
    throw e;
  }
}

/**
 * remove-member: ends customer login `email`'s membership of account `account`. From the login's next
 * request the account is gone from it: every customer read is scoped by membership inside its query,
 * and a session holds no list of accounts (lib/auth/session.ts reads the login per request). Mail about
 * the account still queued to it is not sent (lib/mail/render.ts: "recipient no longer a member of the
 * account"), and a decision on a request it filed is mailed to the remaining members
 * (lib/mail/queue.ts queueMailToAsker). The login, its other accounts and what it filed stay: its
 * pending requests stay in the staff queue. Idempotent: no membership is `changed: false`, nothing written.
 *
 * The account's last member is removed only with `lastMember` (--last-member): with nobody left, a
 * new block's notice (CONTRACTS §4: every member) reaches no one and nobody can ask for an unblock;
 * an operator replacing a contact means add-member first. Under the account's lock, so two removals
 * at once cannot each leave the other as "not the last". `membersLeft`: the account's members after.
 * Throws CommandError as memberAndAccount says, or for the last member. Audited as
 * membership.removed (the address), on the account.
 */
export async function removeMember(
  db: Db,
  raw: { email?: string; account?: string; lastMember?: boolean },
): Promise<MemberChange> {
  const { user, account } = await memberAndAccount(db, raw);
  return db.$transaction(async (tx) => {
    await lockAccount(tx, account.id);
    const membership = await tx.membership.findUnique({
      where: { userId_accountId: { userId: user.id, accountId: account.id } },
    });
    const members = await tx.membership.count({ where: { accountId: account.id } });
    const answer = (changed: boolean, membersLeft: number): MemberChange => ({
      email: user.email,
      account: account.number,
      changed,
      membersLeft,
    });
    if (!membership) return answer(false, members);
    if (members === 1 && !raw.lastMember)
      throw new CommandError(
        `${user.email} is the last member of ${account.number}: without one, nobody gets its block notices ` +
          'or can ask for an unblock. Add the new contact first (add-member), or pass --last-member to remove them anyway',
      );
    await tx.membership.delete({ where: { id: membership.id } });
    await operatorAudit(tx, {
      action: 'membership.removed',
      accountId: account.id,
      target: { type: 'user', id: user.id },
      detail: { email: user.email },
    });
    return answer(true, members - 1);
  });
}
