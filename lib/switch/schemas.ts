import { z } from 'zod';
import { accountNumberSchema, sipUsernameSchema } from '../accounts/identifiers';
import { namesScanner } from '../devices/user-agent';
import { hideUriPasswords } from '../phone/uri';
import { normalizeIp } from '../server/client-address';

// The wire format of CONTRACTS §3, shared by the client (which validates what the switch says)
// and the simulator (which validates what Tollgate sends). No `server-only` here: these are plain
// shapes with no secrets, and the simulator runs under tsx, which cannot load `server-only`.

// Account numbers and SIP usernames have one definition, in lib/accounts/identifiers.ts (relative
// import: the simulator loads this file without the '@/' alias).
export { accountNumberSchema, sipUsernameSchema };

export const internationalCallingSchema = z.enum(['allowed', 'blocked']);
export type InternationalCalling = z.infer<typeof internationalCallingSchema>;

/** What a switch time that is no time at all, or has no zone, is told (the zone is the usual fault). */
const TIME_FORMAT =
  'must be an ISO 8601 time with Z or an offset (2026-11-25T09:14:03Z); a time without a zone is ambiguous';
const TIME_YEARS = 'must be a time in the years 0001–9999';
const TIME_NOT_REAL =
  'must be a real date and time of day (not 31 February, not 24:00), with an offset within ±23:59';
const TIME_EXPANDED_YEAR = 'must write its year in four digits (2026, not +002026)';

/**
 * A date and a time of day as RFC 3339 spells them but for what may be wrong in them: a year of four
 * digits or more, signed or not (ISO 8601's expanded form is a sign and six digits: `+275760`, what
 * JavaScript's toISOString writes past the year 9999), any numbers in the other fields, the zone
 * optional. 1: the year, 2: the zone.
 */
const WRITTEN_TIME = /^([+-]?\d{4,})-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
const rfc3339 = z.iso.datetime({ offset: true });

/**
 * Why `text` is no switch time (switchTimeSchema), in one message, or null when it is one. One fault
 * is named, the one that is there: until 2026-12-06 the format's message ("a time without a zone is
 * ambiguous") was given for every text zod's RFC 3339 check refused, a zone or not, and the years'
 * message too whenever JavaScript's Date read the text, so `+275760-09-13T00:00:00.000Z` (Z and all)
 * was told both. In order: RFC 3339 and in the years 0001–9999 once in UTC (null), else TIME_YEARS;
 * not shaped as a date and time (WRITTEN_TIME): TIME_FORMAT; a written year outside 0001–9999
 * (`+275760`, `-000001`, `10000`, `0000`): TIME_YEARS, zone or not; no zone: TIME_FORMAT; a year
 * within them not in four digits (`02026`, or an expanded `+002026`, which asRfc3339 writes in four
 * digits first, so that only a caller of switchTimeSchema alone sees it): TIME_EXPANDED_YEAR; else a
 * field out of its range (31 February, 24:00, an offset of +25:00): TIME_NOT_REAL.
 */
function switchTimeFault(text: string): string | null {
  if (rfc3339.safeParse(text).success) {
    const year = new Date(text).getUTCFullYear();
    return year >= 1 && year <= 9999 ? null : TIME_YEARS;
  }
  const m = WRITTEN_TIME.exec(text);
  if (!m) return TIME_FORMAT;
  const [, written, zone] = m;
  const year = Number(written);
  if (year < 1 || year > 9999) return TIME_YEARS;
  if (!zone) return TIME_FORMAT;
  return written!.length !== 4 ? TIME_EXPANDED_YEAR : TIME_NOT_REAL;
}

/**
 * A time as the switch writes it: ISO 8601 with a zone designator (`Z` or `±hh:mm`; RFC 3339 §5.6),
 * a real calendar date (zod refuses 31 February), and in the years 0001–9999 once in UTC: the
 * databases' timestamp columns take no year 0 (PostgreSQL refused `0000-01-01` with an error, a 500
 * for the event route). Shared by the switch's answers and its signed events. A text that is none
 * gets one issue, whose message names its fault (switchTimeFault); a value that is not a string gets
 * TIME_FORMAT. The parsed value is the text.
 */
export const switchTimeSchema = z
  // Named for the sender: a switch writing local time without a zone got "Invalid ISO datetime".
  .string({ error: TIME_FORMAT })
  .superRefine((text, ctx) => {
    const fault = switchTimeFault(text);
    if (fault) ctx.addIssue({ code: 'custom', message: fault });
  });
/**
 * A time the switch sends, as Tollgate reads it: switchTimeSchema once ISO 8601's other spellings
 * are put in RFC 3339's form (asRfc3339: `+0100`, a space for `T`, a comma before the fraction, no
 * seconds). One reader for every switch time, in its events and in its answers (`blockedAt`, an
 * allowance's `until`, a binding's `expiresAt`): a switch that wrote `2026-11-25 09:14:03+0000` in its
 * GET had every answer refused as `bad_body`, so the reconciler never saw its blocks (issue 14).
 * The parsed value is the RFC 3339 text.
 */
export const switchTimeReadSchema = z.preprocess(
  (v) => (typeof v === 'string' ? asRfc3339(v) : v),
  switchTimeSchema,
);
const isoDateTime = switchTimeReadSchema;

/**
 * Where a body breaks a schema, for a log line or a staff note: the paths of its first issues
 * (`blockedAt, allowances.0.until`), never the values sent. Empty path: `body`.
 */
export function issuePaths(error: z.ZodError): string {
  const paths = error.issues.map((i) => (i.path.length ? i.path.join('.') : 'body'));
  return [...new Set(paths)].slice(0, 5).join(', ');
}

/**
 * `text` in RFC 3339's spelling when it is one of ISO 8601's other spellings of a time with a zone
 * that switches and CDR tools write, else `text` unchanged (for a schema to refuse): a space or a
 * lower-case "t" between date and time and a lower-case "z" (RFC 3339 §5.6, NOTE), a comma before the
 * fraction (ISO 8601 prefers it; the decimal sign of Spain and Latin America), no seconds, an offset
 * without its colon ("+0100": C's strftime("%z"), so Asterisk, FreeSWITCH and most CDR scripts) or of
 * hours alone ("-03"), the zone after a space ("2026-11-25 09:14:03 +0100", Ruby's Time#to_s) or
 * named UTC or GMT ("2026-11-25 08:14:03 UTC"), and an offset followed by its zone's abbreviation
 * ("2026-11-25 09:14:03.5 +0100 CET", Go's Time.String; the offset decides, the name is not read).
 * An expanded year (ISO 8601's sign and six digits) in 0001–9999 is written in four digits
 * (`+002026-11-25T09:14:03Z` → `2026-11-25T09:14:03Z`; since 2026-12-06), one outside them left
 * expanded, for the schema to refuse for its years.
 * `2026-11-25 06:14:03,5-03` → `2026-11-25T06:14:03.5-03:00`. A leap second
 * (`2016-12-31T23:59:60Z`) becomes `…23:59:59.999Z`. Pure; the date
 * itself is not checked here. Hand-written: zod's and Node's readers take only RFC 3339 / ECMAScript's
 * format, and no dependency of the project reads these.
 */
/**
 * The spellings asRfc3339 reads: date, time (seconds and fraction optional), then the zone, after
 * optional white space: Z, an offset (with or without its colon, or hours alone) optionally followed
 * by a zone abbreviation, or the names UTC and GMT. A zone named by an abbreviation alone ("CET",
 * "EST": several zones share some) is not read.
 */
const SPELLINGS =
  /^((?:\d{4}|[+-]\d{6})-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(?:([Zz]|[+-]\d{2}(?::?\d{2})?)(?:\s+[A-Z][A-Za-z]{1,5})?|(UTC|GMT))$/;

export function asRfc3339(text: string): string {
  const m = SPELLINGS.exec(text.trim());
  if (!m) return text;
  const [, expandedOrDate, hm, written = '00', writtenFraction, numeric, named] = m;
  const date = fourDigitYear(expandedOrDate!);
  const zone = named ? 'Z' : numeric;
  // A leap second (RFC 3339 §5.7, `23:59:60Z`) has no place in JavaScript's time or the databases':
  // it is read as the last millisecond before it, so that it keeps its order with the times around it.
  const leap = written === '60';
  const [seconds, fraction] = leap ? ['59', '999'] : [written, writtenFraction];
  const offset = /^z$/i.test(zone) ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3).replace(':', '') || '00'}`;
  return `${date}T${hm}:${seconds}${fraction ? `.${fraction}` : ''}${offset}`;
}

/**
 * `date` (`YYYY-MM-DD`, or with ISO 8601's expanded year `±YYYYYY-MM-DD`) with an expanded year in
 * 0001–9999 written in four digits (`+002026-11-25` → `2026-11-25`); any other as it is, so that a year
 * outside them (`+275760`, `-000001`) is refused for its years (switchTimeSchema).
 */
function fourDigitYear(date: string): string {
  if (date.length === 10) return date;
  const year = Number(date.slice(0, 7));
  return year >= 1 && year <= 9999 ? `${String(year).padStart(4, '0')}${date.slice(7)}` : date;
}

/** ISO 3166-1 alpha-2, capitals (`SO`). Which codes are real countries is Tollgate's check (lib/allowances/). */
export const countryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as SO');

/** One destination allowance (issue 16): calls to `country` pass while blocked, until `until`. */
export const destinationAllowanceSchema = z.object({ country: countryCodeSchema, until: isoDateTime });
export type DestinationAllowanceView = z.infer<typeof destinationAllowanceSchema>;

/** Body of `GET /v1/accounts/{n}` and of a successful `PUT …/international-calling`. */
export const switchAccountSchema = z.object({
  accountNumber: accountNumberSchema,
  internationalCalling: internationalCallingSchema,
  blockedAt: isoDateTime.nullable(),
  reason: z.string().max(500).nullable(),
  /** Absent from a switch that predates allowances: "unknown", never "none" (lib/allowances/expiry.ts). */
  allowances: z.array(destinationAllowanceSchema).max(300).optional(),
});
export type SwitchAccount = z.infer<typeof switchAccountSchema>;

export const sipRegistrationSchema = z.object({
  contact: z.string().min(1).max(500),
  sourceIp: z.union([z.ipv4(), z.ipv6()]),
  userAgent: z.string().max(500),
  expiresAt: isoDateTime,
});
export type SipRegistration = z.infer<typeof sipRegistrationSchema>;

export const registrationsBodySchema = z.object({ registrations: z.array(sipRegistrationSchema).max(1000) });

/** The longest contact or user agent Tollgate keeps of a binding (characters); longer ones are cut. */
export const REGISTRATION_TEXT_MAX = 500;

/**
 * One binding as Tollgate reads it from a real registrar, which is laxer than what the simulator
 * writes (sipRegistrationSchema): Kamailio's location.contact is VARCHAR(512) and a push softphone's
 * Contact is long, so a contact or user agent up to 8 KiB is taken and cut to REGISTRATION_TEXT_MAX
 * (`shortened` names the fields cut); the source IP may carry a port, a zone or the IPv4-mapped form
 * and comes back canonical (lib/server/client-address.ts normalizeIp). Anything else is not read.
 */
const readBindingSchema = z.object({
  contact: z.string().min(1).max(8192),
  sourceIp: z
    .string()
    .max(64)
    .transform(
      (ip, ctx) => normalizeIp(ip) ?? (ctx.addIssue({ code: 'custom', message: 'not an IP' }), z.NEVER),
    ),
  userAgent: z.string().max(8192),
  expiresAt: isoDateTime,
});

/**
 * A binding read from the switch: its fields within bounds, which ones were cut to fit, and whether its
 * contact carried a SIP password, now hidden (`passwordHidden`: lib/phone/uri.ts hideUriPasswords).
 */
export type ReadRegistration = SipRegistration & {
  shortened: ('contact' | 'userAgent')[];
  passwordHidden: boolean;
  /**
   * Its whole user agent, before the cut, names a SIP scanning tool (lib/devices/user-agent.ts): a
   * scanner's name past REGISTRATION_TEXT_MAX characters (`'a'.repeat(600) + 'friendly-scanner'`)
   * would otherwise be cut away before the page looked for it (review, 2026-12).
   */
  scannerUserAgent: boolean;
};

/** What Tollgate shows of a credential's registrations: the bindings it could read, and how many it could not. */
export type ReadRegistrations = { registrations: ReadRegistration[]; unreadable: number };

/** Cuts `text` to `max` characters, never inside a surrogate pair, ending in "…" when cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  return `${/[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head}…`;
}

/**
 * The envelope of a `GET …/registrations` body, made once: zod 4 compiles an object schema into a
 * parser the first time it parses, so a schema made per call was compiled again on every read (two
 * per credential per block page view).
 */
const registrationsEnvelope = z.object({ registrations: z.array(z.unknown()).max(1000) });

/**
 * Reads a `GET …/registrations` body binding by binding: one binding the page cannot show (a field
 * of the wrong type, an unreadable address or time) is counted in `unreadable`, never hides the
 * others; a SIP password in a contact's or user agent's URI is hidden (`passwordHidden`), and a
 * scanning tool's name looked for in the whole user agent (`scannerUserAgent`); an overlong contact or
 * user agent is cut (marked in `shortened`). `null` when the body
 * itself is not `{"registrations":[…]}` (at most 1000).
 */
export function readRegistrations(body: unknown): ReadRegistrations | null {
  const envelope = registrationsEnvelope.safeParse(body);
  if (!envelope.success) return null;
  const out: ReadRegistrations = { registrations: [], unreadable: 0 };
  for (const raw of envelope.data.registrations) {
    const r = readBindingSchema.safeParse(raw);
    if (!r.success) {
      out.unreadable++;
      continue;
    }
    // A password in the contact's URI is hidden before the contact is cut: cut first, a password
    // running past the cut would lose its "@" and be kept.
    // The user agent is whoever registered it's text too: a SIP URI in it loses its password alike.
    const contact = hideUriPasswords(r.data.contact);
    const userAgent = hideUriPasswords(r.data.userAgent);
    const shortened = (['contact', 'userAgent'] as const).filter(
      (k) => (k === 'contact' ? contact : userAgent).text.length > REGISTRATION_TEXT_MAX,
    );
    out.registrations.push({
      ...r.data,
      contact: cut(contact.text, REGISTRATION_TEXT_MAX),
      passwordHidden: contact.hidden || userAgent.hidden,
      userAgent: cut(userAgent.text, REGISTRATION_TEXT_MAX),
      scannerUserAgent: namesScanner(r.data.userAgent),
      shortened,
    });
  }
  return out;
}

/** Every 4xx/5xx from the switch. */
export const switchErrorBodySchema = z.object({
  error: z.object({ code: z.string().min(1).max(100), message: z.string().max(1000) }),
});
export type SwitchErrorBody = z.infer<typeof switchErrorBodySchema>;

/** The longest `reason` the switch accepts in a mutating call (characters, after trimming). */
export const SWITCH_REASON_MAX = 500;
/** The longest `actor` the switch accepts in a mutating call (characters, after trimming). */
export const SWITCH_ACTOR_MAX = 200;

/**
 * `actor` as Tollgate sends it: trimmed and cut to SWITCH_ACTOR_MAX characters (never inside a
 * surrogate pair). The actor is the staff user's email or a fixed word (`tollgate`); an email may be
 * 254 characters, and a long one must not make the call fail: the switch keeps it as a label, while
 * Tollgate's own records (audit, block history) keep the whole email.
 */
export function switchActor(actor: string): string {
  const trimmed = actor.trim();
  if (trimmed.length <= SWITCH_ACTOR_MAX) return trimmed;
  const cut = trimmed.slice(0, SWITCH_ACTOR_MAX);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

export const setInternationalCallingBodySchema = z.strictObject({
  state: internationalCallingSchema,
  reason: z.string().trim().min(1).max(SWITCH_REASON_MAX),
  actor: z.string().trim().min(1).max(SWITCH_ACTOR_MAX),
});
export type SetInternationalCallingBody = z.infer<typeof setInternationalCallingBodySchema>;

/** Length only: strength is Tollgate's policy (zxcvbn), not the switch's. */
export const setSipPasswordBodySchema = z.strictObject({ password: z.string().min(1).max(128) });

/** CONTRACTS §3 asks for a UUID. `z.guid()` accepts any UUID version, as a switch should. */
export const idempotencyKeySchema = z.guid();

/** `PUT /v1/accounts/{n}/destination-allowances` (issue 16). `until` must lie in the future. */
export const putDestinationAllowancesBodySchema = z.strictObject({
  countries: z.array(countryCodeSchema).min(1).max(20),
  until: isoDateTime,
  reason: z.string().trim().min(1).max(SWITCH_REASON_MAX),
  actor: z.string().trim().min(1).max(SWITCH_ACTOR_MAX),
});
export type PutDestinationAllowancesBody = z.infer<typeof putDestinationAllowancesBodySchema>;

/** `200` answer of that PUT: every allowance of the account after the change. */
export const destinationAllowancesAnswerSchema = z.object({
  accountNumber: accountNumberSchema,
  allowances: z.array(destinationAllowanceSchema).max(300),
});
export type DestinationAllowancesAnswer = z.infer<typeof destinationAllowancesAnswerSchema>;
