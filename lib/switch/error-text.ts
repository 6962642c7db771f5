import { type Audience, noteText, type Note, type Translate } from '@/lib/i18n/note';
import type { SwitchFailure } from '@/lib/switch/result';

// What Tollgate stores when the switch did not do what it was asked (SwitchOperation.lastError, the
// allowance outbox's errors, and the `error` of every history note lib/i18n/stored.ts lists in
// SWITCH_ERROR_NOTES, `history.liftRefused` and `history.syncAllowancePutGaveUp` among them): the failure's
// code, a colon and a detail in Tollgate's own English or the switch's own words, as
// lib/switch/outbox.ts writes it (`timeout: no answer within 5000 ms`, `account_closed: account is
// closed`; storedSwitchError, which puts first how long the switch asked Tollgate to wait). Readers
// get it in their language through `switchErrorNote`, and in their audience's words: staff read
// "the switch" (`switchError.*`), customers "our phone system" (`customerSwitchError.*`). Pure: no
// catalogue here.

/** Codes Tollgate gives a failure itself (lib/switch/transport-util.ts, lib/switch/result.ts, the outboxes). */
const OWN: Record<string, SwitchErrorKind> = {
  timeout: 'timeout',
  connection_error: 'connection',
  aborted: 'cancelled',
  bad_body: 'unreadable',
  invalid_response: 'unreadable',
  unavailable: 'unavailable',
  body_disagrees: 'disagrees',
  not_in_force: 'notInForce',
  // The failure's kind, stored when the switch refused without an `error.code` of its own.
  rejected: 'refused',
  not_found: 'notFound',
};

/**
 * Not a failure at all: a change Tollgate withdrew itself before the switch confirmed it, stored as
 * `superseded: <why>` (lib/blocks/lifecycle.ts cancelQueuedLifts, and a re-apply in liftedBySwitch) or `cancelled: <cause>`
 * (lib/allowances/operations.ts endAllowancesWithBlock). By the whole text, so a switch that answers
 * with a code of either name is still read as the switch's answer. Value: the catalogue's name of why
 * (`switchError.withdrawnBecause.*`). Until the thirty-third session these read "the switch answered
 * “superseded”" under "Refused by the switch".
 */
const WITHDRAWN: Record<string, string> = {
  'superseded: the switch placed a new block on this account': 'newBlockBySwitch',
  'superseded: a newer block is still in force on the switch': 'newerInForce',
  'superseded: support placed a block on this account': 'supportPlaced',
  'superseded: suspect credential not changed since the block': 'suspectCredential',
  'superseded: the switch lifted this block': 'liftedOnSwitch',
  'cancelled: new_block': 'newBlock',
  'cancelled: block_lifted': 'blockLifted',
};

/**
 * Every lastError of a change Tollgate withdrew (WITHDRAWN): a SwitchOperation `failed` with one of
 * these was not refused by the switch, and needs nobody (lib/server/metrics.ts leaves it out of
 * `tollgate_outbox_failed`).
 */
export const WITHDRAWN_ERRORS: readonly string[] = Object.keys(WITHDRAWN);

/**
 * The code Tollgate stores first when the switch asked it to wait, with how long (storedSwitchError):
 * `asked_to_wait: 600 s; <the failure as stored before>`.
 */
const ASKED_TO_WAIT = 'asked_to_wait';

/**
 * A failed call to the switch as Tollgate stores it (SwitchOperation.lastError, read back by
 * readSwitchError): `<code>: <message>`, the switch's `error.code` (or Tollgate's own, or the failure's
 * kind) and the transport's message (`rate_limited: HTTP 429 rate_limited: slow down`). When the switch
 * asked Tollgate to wait (a 429, or a 503, with a `Retry-After` above 0: the answers that quiet the
 * instance, lib/switch/quiet.ts), how long it asked for comes first, in whole seconds rounded up:
 * `asked_to_wait: 600 s; rate_limited: HTTP 429 rate_limited: slow down`, kept whole by the 500
 * characters a row keeps. Until 2026-12-07 the wait was not stored, and staff read "the switch was
 * unavailable" where the switch had asked to be left alone.
 */
export function storedSwitchError(
  f: Pick<SwitchFailure, 'kind' | 'code' | 'message' | 'status' | 'retryAfterMs'>,
): string {
  const stored = `${f.code ?? f.kind}: ${f.message}`;
  const asked = (f.status === 429 || f.status === 503) && f.retryAfterMs !== undefined && f.retryAfterMs > 0;
  return asked ? `${ASKED_TO_WAIT}: ${Math.ceil(f.retryAfterMs! / 1000)} s; ${stored}` : stored;
}

/** The allowance outbox's words before they carried a code (lib/allowances/operations.ts). */
const NOT_IN_FORCE_WORDS = 'the switch answered 200 without this allowance in force';

/** What went wrong, by the catalogue's names (`switchError.*`). */
export type SwitchErrorKind =
  | 'timeout'
  | 'connection'
  | 'cancelled'
  | 'unreadable'
  | 'unavailable'
  | 'askedToWait'
  | 'disagrees'
  | 'notInForce'
  | 'refused'
  | 'notFound'
  | 'withdrawn'
  | 'answered'
  | 'other';

/**
 * A stored switch error read apart: its kind, the switch's own code (kind `answered`, or `unavailable`
 * or `askedToWait` when a "try later" status carried one), the detail after the code, and for
 * `askedToWait` stored with its `Retry-After` (storedSwitchError) how long the switch asked Tollgate
 * to wait, in seconds.
 */
export type SwitchErrorReading = {
  kind: SwitchErrorKind;
  code?: string;
  detail: string;
  waitSeconds?: number;
};

/**
 * Reads a stored switch error (`<code>: <detail>`, or a bare code). A change Tollgate withdrew itself
 * reads `withdrawn` (WITHDRAWN); one stored with the wait the switch asked for (`asked_to_wait: 600 s;
 * …`, storedSwitchError) reads `askedToWait` with `waitSeconds`, and the code and detail of the
 * failure after it; Tollgate's own codes get their kind; any other code is the switch's (`error.code`
 * of its answer, CONTRACTS §3) and reads `answered`, or `unavailable` when the transport's message
 * shows a 5xx or 408 status (the switch asked to be tried later, giving its own code), `askedToWait`
 * (no `waitSeconds`) when it shows a 429, as does a 429 without the switch's error body; text with no
 * code reads `other`, detail = the whole text.
 */
export function readSwitchError(stored: string): SwitchErrorReading {
  const text = stored.trim();
  if (text === NOT_IN_FORCE_WORDS) return { kind: 'notInForce', detail: text };
  if (Object.hasOwn(WITHDRAWN, text)) return { kind: 'withdrawn', detail: text.slice(text.indexOf(':') + 2) };
  const m = /^([A-Za-z][A-Za-z0-9_.-]{0,63})(?::\s*([\s\S]*))?$/.exec(text);
  if (!m) return { kind: 'other', detail: text };
  const [, code, detail = ''] = m;
  // The wait the switch asked for, then the failure as stored before (storedSwitchError). Only in
  // that shape: a switch refusing with a code of that name (`HTTP 409 asked_to_wait: …`) is its answer.
  const waited = code === ASKED_TO_WAIT ? /^(\d{1,10}) s(?:; ([\s\S]*))?$/.exec(detail) : null;
  if (waited) {
    const before = waited[2] ? readSwitchError(waited[2]) : null;
    return {
      kind: 'askedToWait',
      ...(before?.code ? { code: before.code } : {}),
      detail: before?.detail ?? '',
      waitSeconds: Number(waited[1]),
    };
  }
  // A 429 without the switch's error body (a proxy's, or a switch's bare one) still asked to wait.
  if (code === 'bad_body' && /^HTTP 429 /.test(detail)) return { kind: 'askedToWait', detail };
  if (Object.hasOwn(OWN, code!)) return { kind: OWN[code!]!, detail };
  // The transport's message repeats the status and the code before the switch's own words
  // (lib/switch/transport.ts: `HTTP 409 account_closed: the account is closed`).
  const own = /^HTTP (\d{3}) (\S+): ([\s\S]*)$/.exec(detail);
  if (!own || own[2] !== code) return { kind: 'answered', code, detail };
  // A "try later" status with the switch's own code (`HTTP 503 maintenance: …`) is still the switch
  // being unavailable, not an answer to the change: the transport files it as `unavailable`, the same
  // statuses as there (5xx, 408, 429), and the outbox keeps the change to send again. A 429 is the
  // switch asking to be called less often (RFC 6585 §4), stored so before its wait was (2026-12-07).
  const status = Number(own[1]);
  const later = status >= 500 || status === 408 || status === 429;
  return { kind: status === 429 ? 'askedToWait' : later ? 'unavailable' : 'answered', code, detail: own[3]! };
}

/**
 * A wait of `seconds` as a Note (`switchError.wait.*`): in hours or minutes when it is a whole number
 * of them, else in seconds, so that what the switch asked for reads exactly ("10 minutes", "90 seconds").
 */
function waitNote(seconds: number): Note {
  if (seconds >= 3600 && seconds % 3600 === 0)
    return { key: 'switchError.wait.hours', values: { count: seconds / 3600 } };
  if (seconds >= 60 && seconds % 60 === 0)
    return { key: 'switchError.wait.minutes', values: { count: seconds / 60 } };
  return { key: 'switchError.wait.seconds', values: { count: seconds } };
}

/**
 * A stored switch error as a Note for `audience` (lib/i18n/note.ts Audience; default `staff`).
 *
 * Staff (`switchError.<kind>`): with `code` for `answered` and `text` for `other`; `askedToWait`,
 * `askedToWaitFor` with the `wait` asked for, each `…Answered` with the switch's `code`; what Tollgate
 * withdrew itself as `withdrawnBecause.<why>`. Worded for support: "the switch answered “account_closed”".
 *
 * Customer (`customerSwitchError.<kind>`, the same kinds): "our phone system" ("nuestra central"),
 * never the switch, Tollgate or a transport's words (a tester, 2026-12-07: a refused lift read "Our
 * phone system refused the lift (the switch answered “account_closed”)" on the customer's timeline).
 * The switch's own code is kept only for `answered`: there it is the one reason the switch gave for
 * saying no, and a customer who calls support can quote it ("answer code “account_closed”"), which
 * support finds on its own pages. A "try later" answer (`unavailable`, `askedToWait`) drops the code: it
 * names the switch's state, which the words already say and nobody needs quoted; how long the switch
 * asked to wait is kept (`askedToWaitFor`, `wait`), plain time. `other` drops its text: it is
 * Tollgate's or the switch's English, unread by a customer.
 *
 * `said.named`: the sentence around it already names the switch (or our phone system): the words
 * then say "it" instead (SaidIn), for every kind whose words name it (NAMED_STAFF, NAMED_CUSTOMER).
 */
export function switchErrorNote(
  stored: string,
  audience: Audience = 'staff',
  { named = false }: SaidIn = {},
): Note {
  const note = plainSwitchErrorNote(stored, audience);
  if (!named) return note;
  const [at, ...rest] = note.key.split('.');
  const kind = rest.join('.');
  return (at === 'switchError' ? NAMED_STAFF : NAMED_CUSTOMER).has(kind)
    ? { ...note, key: `${at}Named.${kind}` }
    : note;
}

/**
 * Where a switch error is said: `named`, inside a sentence that has already named the switch (staff:
 * "The switch refused the lift ({error})") or our phone system (a customer's "Our phone system
 * refused the lift ({error})"). The error then speaks of it as "it" (`switchErrorNamed.*`,
 * `customerSwitchErrorNamed.*`: "The switch refused the lift (it answered “account_closed”)", not
 * "(the switch answered “account_closed”)", testers 2026-12-08), so that each sentence names it once.
 * Default: the error stands alone ("Last try: no answer from the switch in time") and names it.
 */
export type SaidIn = { named?: boolean };

/**
 * The kinds (catalogue names under `switchError.`) whose words name the switch: each has a form
 * under `switchErrorNamed.` that does not. tests/unit/switch-error-said-once.test.ts holds this list
 * and the catalogue together.
 */
export const NAMED_STAFF: ReadonlySet<string> = new Set([
  'timeout',
  'connection',
  'cancelled',
  'unreadable',
  'unavailable',
  'unavailableAnswered',
  'askedToWait',
  'askedToWaitAnswered',
  'askedToWaitFor',
  'askedToWaitForAnswered',
  'disagrees',
  'notInForce',
  'refused',
  'notFound',
  'withdrawnBecause.newBlockBySwitch',
  'withdrawnBecause.newerInForce',
  'withdrawnBecause.liftedOnSwitch',
  'answered',
  'other',
]);

/**
 * The kinds (under `customerSwitchError.`) whose words name our phone system: each has a form under
 * `customerSwitchErrorNamed.` that does not. `answered` ("answer code “account_closed”"), `refused`
 * and the other withdrawals never named it.
 */
export const NAMED_CUSTOMER: ReadonlySet<string> = new Set([
  'timeout',
  'connection',
  'cancelled',
  'unreadable',
  'unavailable',
  'askedToWait',
  'askedToWaitFor',
  'disagrees',
  'notInForce',
  'notFound',
  'withdrawnBecause.newBlockBySwitch',
  'withdrawnBecause.liftedOnSwitch',
  'other',
]);

function plainSwitchErrorNote(stored: string, audience: Audience): Note {
  const r = readSwitchError(stored);
  const staff = audience === 'staff';
  const at = staff ? 'switchError' : 'customerSwitchError';
  if (r.kind === 'answered') return { key: `${at}.answered`, values: { code: r.code! } };
  if (r.kind === 'unavailable' && r.code && staff)
    return { key: 'switchError.unavailableAnswered', values: { code: r.code } };
  if (r.kind === 'askedToWait') {
    const timed = r.waitSeconds !== undefined;
    const code = staff && r.code ? r.code : undefined;
    return {
      key: `${at}.askedToWait${timed ? 'For' : ''}${code ? 'Answered' : ''}`,
      values: { ...(timed ? { wait: waitNote(r.waitSeconds!) } : {}), ...(code ? { code } : {}) },
    };
  }
  if (r.kind === 'other')
    return staff ? { key: 'switchError.other', values: { text: r.detail } } : { key: `${at}.other` };
  if (r.kind === 'withdrawn') return { key: `${at}.withdrawnBecause.${WITHDRAWN[stored.trim()]}` };
  return { key: `${at}.${r.kind}` };
}

/**
 * True when a SwitchOperation stored as `failed` was not refused by the switch but withdrawn by
 * Tollgate before the switch confirmed it (its lastError reads `withdrawn`): a staff page says so
 * instead of "Refused by the switch".
 */
export function withdrawnByTollgate(op: { status: string; lastError: string | null }): boolean {
  return (
    op.status === 'failed' && op.lastError !== null && readSwitchError(op.lastError).kind === 'withdrawn'
  );
}

/**
 * A stored switch error in words for the reader of `t` (a translator over the whole catalogue) who is
 * `audience` (default `staff`; switchErrorNote): what went wrong in their language, then, for staff,
 * when the switch refused with a code and a message, its own message after a colon (the switch's
 * words, as it sent them). A customer gets the words alone: the switch's message is its engineers'
 * English. `said`: pass `{ named: true }` when the sentence it goes in names the switch (SaidIn).
 */
export function switchErrorText(
  t: Translate,
  stored: string,
  audience: Audience = 'staff',
  said: SaidIn = {},
): string {
  const r = readSwitchError(stored);
  const words = noteText(t, switchErrorNote(stored, audience, said));
  return audience === 'staff' && r.code && r.detail ? `${words}: ${r.detail}` : words;
}
