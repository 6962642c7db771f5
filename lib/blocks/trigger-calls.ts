import 'server-only';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { destinationOfReading, readDialled } from '@/lib/phone/format';
import { hideUriPasswords, sipUser } from '@/lib/phone/uri';
import { normalizeIp } from '@/lib/server/client-address';
import { replaceControlCharacters } from '@/lib/server/control-characters';
import { asRfc3339, sipUsernameSchema } from '@/lib/switch/schemas';
import { DEFAULT_TOLERANCE_SEC } from '@/lib/switch/signature';

// The trigger calls of a `block.placed` as the switch sent them (CONTRACTS §4), read field by field
// for storage. A call is evidence: a field in a form the contract did not foresee (a `tel:` or SIP
// URI, a spaced number, an address with its port, a fractional duration) must not hide the block it
// explains (review 9, finding 1), so what can be read is normalised and what cannot is kept as the
// text the switch sent, shown as received.

/**
 * The calls stored with one block in the switch's order before only new evidence is kept: past it,
 * a call is stored only when it names a credential (`from`) or a dialled number (`to`) that no stored
 * call names (see readTriggerCalls).
 */
export const MAX_KEPT_CALLS = 200;
/**
 * The stored calls of one block past which a call is stored only when it names a credential or a
 * destination country that no stored call names (see readTriggerCalls). An event within the 1 MiB
 * body limit (lib/blocks/ingest.ts EVENT_BODY_LIMIT) holds about 8,900 calls as switches write them
 * (118 bytes each), so a real one is stored whole; this bounds the rows one event can add.
 */
export const MAX_STORED_CALLS = 10_000;
/** A stored duration is at most 30 days (the column is a 32-bit integer; a hung call may run long). */
export const MAX_CALL_SECONDS = 30 * 86_400;
/** The longest raw text kept for a field that could not be read (characters). */
const RAW_MAX = 100;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** One call as stored (a TriggerCall row; lib/blocks/event-sql.ts `TriggerCallRow`). */
export type StoredCall = { at: Date; sipUsername: string; to: string; sourceIp: string; durationSec: number };

export type ReadCalls = {
  /**
   * Rows ready for lib/blocks/event-sql.ts `insertBlock`: the first MAX_KEPT_CALLS calls, then the
   * first call of each credential or dialled number not yet among them.
   */
  kept: StoredCall[];
  /**
   * Calls the event listed but not stored: past MAX_KEPT_CALLS naming only a credential and a number
   * already stored, or not an object at all (no field to read).
   */
  notKept: number;
};

/**
 * Reads an event's `calls` (any JSON values) for an account dialling from `country`:
 * - `to`: the dialled number through lib/phone's `readDialled` (E.164, the account country's IDD
 *   prefix, a PBX's access code before it (`9 011 252…`), spaces and dashes, `tel:` and
 *   `sip:`/`sips:` URIs: `sip:+252611234567@host;user=phone`, a local number in its
 *   `phone-context`); stored as E.164 (`+252…`) when read, else as the text the switch sent (`*97`,
 *   or digits two readings give as two different numbers: `5152795494` from the US). A number the
 *   switch wrote in E.164 keeps the digits it dialled: `+630123456` from Spain is stored as it is,
 *   not as the `+63123456` libphonenumber makes of it (lib/phone/written.ts), so that the misdial
 *   hint (lib/requests/dialling.ts prefixSlip) and the switch's own records see the same number;
 * - `sourceIp`: lib/server/client-address.ts `normalizeIp` (a port, brackets, an IPv6 zone,
 *   IPv4-mapped IPv6), else the text sent; its host (lib/blocks/event-sql.ts callHost) is written beside it by the INSERT
 *   (lib/blocks/event-sql.ts, TriggerCall.sourceHost);
 * - `from`: the SIP username as sent, or the user part of a SIP URI (`sip:acme-reception@host`)
 *   when that is one (readUsername); else the text as sent;
 * - `at`: the call's ISO 8601 time, or the event's `occurredAt` when it cannot be read or is later
 *   than `occurredAt` + 300 s (DEFAULT_TOLERANCE_SEC: a call ends before the switch blocks for it;
 *   a time further ahead is a wrong clock or a local time written with `Z`, and the event is not
 *   refused for it, docs/switch-api.md);
 * - `durationSec`: a number (or numeric text) rounded to whole seconds and kept within
 *   0…MAX_CALL_SECONDS; 0 when not a number.
 * Text kept as sent loses control characters (each becomes U+FFFD) and is cut to 100 characters;
 * its invisible formatting characters (a U+202E RIGHT-TO-LEFT OVERRIDE in a dialled string, zero-width
 * ones) are kept, as the switch's record, and shown escaped (asReceived). A lone surrogate (half a
 * pair, escaped alone in the JSON: `"from":"\ud800"`) arrives as the six characters of its escape,
 * read so where the body was parsed (lib/blocks/ingest.ts, lib/server/control-characters.ts
 * parseReceivedJson), and is kept and shown so; a pair is the character it makes.
 *
 * The first MAX_KEPT_CALLS calls are stored; past them, a call is stored only when its (read)
 * `from` or `to` is not yet among the stored calls, so that every credential and every dialled
 * number the switch named stays on record: the re-enabling policy (lib/blocks/policy.ts) asks for
 * every named credential to be rotated and the callback check (lib/requests/submit.ts) refuses
 * every dialled destination's country (review 9b). Past MAX_STORED_CALLS stored calls, a new
 * number alone no longer counts: only a call naming a new credential or a new destination country
 * (region, or calling code for a number of no region) is stored, so both rules still see every one.
 * The rest is only counted. Bound: the route applies at most 1 MiB (lib/blocks/ingest.ts
 * EVENT_BODY_LIMIT), so at most MAX_STORED_CALLS calls plus one per credential and destination
 * country named, each call naming a new credential at least 12 bytes (`{"from":7},`).
 */
export function readTriggerCalls(calls: unknown[], country: CountryCode, occurredAt: Date): ReadCalls {
  const kept: StoredCall[] = [];
  const names = new Set<string>();
  const dialled = new Set<string>();
  const regions = new Set<string>();
  let notKept = 0;
  for (const c of calls) {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) {
      notKept++;
      continue;
    }
    const call = c as Record<string, unknown>;
    const sipUsername = readUsername(call.from);
    const { to, region } = readTo(call.to, country);
    const newName = !names.has(sipUsername);
    const keep =
      kept.length < MAX_KEPT_CALLS ||
      newName ||
      (region !== null && !regions.has(region)) ||
      (kept.length < MAX_STORED_CALLS && !dialled.has(to));
    if (!keep) {
      notKept++;
      continue;
    }
    names.add(sipUsername);
    dialled.add(to);
    if (region !== null) regions.add(region);
    kept.push({
      at: notAfter(readTime(call.at), occurredAt) ?? occurredAt,
      sipUsername,
      to,
      sourceIp: readSourceIp(call.sourceIp),
      durationSec: readDuration(call.durationSec),
    });
  }
  return { kept, notKept };
}

/** What is kept of a received value too deeply nested to be written back as JSON. */
export const TOO_DEEP = '[nested too deeply to show]';

/**
 * The text of a received value: strings as they are, numbers as written, anything else as JSON.
 * JSON.parse reads arrays and objects nested thousands deep (a 64 KB body holds 30 000 levels), which
 * JSON.stringify cannot write back (it recurses: RangeError, "Maximum call stack size exceeded");
 * such a value is kept as TOO_DEEP, so that the call, and the block it is evidence for, are stored.
 */
function textOf(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return TOO_DEEP;
  }
}

/**
 * Received text as stored: a password in a SIP URI hidden (lib/phone/uri.ts hideUriPasswords),
 * control characters (C0, DEL, C1) each replaced by U+FFFD (PostgreSQL refuses NUL:
 * lib/server/control-characters.ts replaceControlCharacters), trimmed, at most RAW_MAX
 * characters (counted as code points; a longer text is cut to RAW_MAX - 1 and `…`). Invisible
 * formatting characters (bidi overrides, zero-width ones) are kept: they are part of what the switch
 * sent, and dropping them would make two texts the switch sent as different one. Wherever the text
 * is shown (the block page's calls and summary, the block notice) it goes through
 * lib/server/control-characters.ts revealInvisible, which writes each out as `\uXXXX`, so the text a
 * fraudster dialled cannot reorder what the customer reads.
 */
export function asReceived(v: unknown): string {
  // A SIP password in a URI the switch passed on (`sip:desk:s3cret@…` as a From that is no username)
  // is never kept: lib/phone/uri.ts hideUriPasswords, before anything could split the URI.
  const chars = [...replaceControlCharacters(hideUriPasswords(textOf(v)).text).trim()];
  return chars.length > RAW_MAX ? `${chars.slice(0, RAW_MAX - 1).join('')}…` : chars.join('');
}

const calendarDate = z.iso.date();

/**
 * A call time: ISO 8601 with a zone designator, as CDRs write it (lib/switch/schemas.ts asRfc3339:
 * seconds and the offset's colon optional, a space for "T", a comma before the fraction, an expanded
 * year within 0001–9999 such as `+002026`), on a
 * real calendar date (`new Date` would roll 31 February into March) and in the years 0001–9999 once in UTC (no year 0 in the
 * databases: PostgreSQL refused it with an error, a 500). Anything else is null.
 */
function readTime(received: unknown): Date | null {
  const v = typeof received === 'string' ? asRfc3339(received) : null;
  if (v === null || !ISO_WITH_OFFSET.test(v) || !calendarDate.safeParse(v.slice(0, 10)).success) return null;
  const d = new Date(v);
  const year = d.getUTCFullYear();
  return Number.isNaN(d.getTime()) || year < 1 || year > 9999 ? null : d;
}

/** A read call time, or null when it is later than the event's `occurredAt` + DEFAULT_TOLERANCE_SEC. */
function notAfter(at: Date | null, occurredAt: Date): Date | null {
  return at && at.getTime() <= occurredAt.getTime() + DEFAULT_TOLERANCE_SEC * 1000 ? at : null;
}

/**
 * The SIP username a call came through: the text as sent when it is one, else the user part of a
 * `sip:`/`sips:` URI (a From header's, angle brackets and display name allowed: `"Desk"
 * <sip:acme-reception@switch.example>;tag=1`, escapes decoded, RFC 3261 §19.1) when that is one, so
 * that the credential is the one the rotation policy and the block notice look for; else the text
 * as received. A bare `user@domain` is left whole: `@` may be part of a username (docs/switch-api.md).
 */
function readUsername(v: unknown): string {
  if (typeof v !== 'string') return asReceived(v);
  if (sipUsernameSchema.safeParse(v).success) return v;
  const name = sipUser(v)?.split(';')[0];
  return name && sipUsernameSchema.safeParse(name).success ? name : asReceived(v);
}

/**
 * The dialled number as stored (E.164 when read, with the digits the switch dialled: readDialled;
 * else the text as received) and, when read, the destination it is in: its region (ISO 3166-1
 * alpha-2; "JM" for +1 876, "PH" for +63 0123456) or, for a number of no region (+882 international
 * networks, +61 0936834), its country calling code ("+882", "+61").
 */
function readTo(v: unknown, country: CountryCode): { to: string; region: string | null } {
  // A JSON number past 2^53 has already lost digits in JSON.parse (810 + 15 digits is 18): not read.
  const text = Number.isSafeInteger(v) ? String(v) : typeof v === 'string' ? v : null;
  const read = text === null ? null : readDialled(text, country);
  if (!read) return { to: asReceived(v), region: null };
  return { to: read.number.number, region: destinationOfReading(read) };
}

function readSourceIp(v: unknown): string {
  return (typeof v === 'string' && normalizeIp(v)) || asReceived(v);
}

function readDuration(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n)) return 0;
  return Math.min(MAX_CALL_SECONDS, Math.max(0, Math.round(n)));
}
