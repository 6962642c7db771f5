import { noteText, type Note, type Translate } from '@/lib/i18n/note';

// What Tollgate stores when the switch did not do what it was asked (SwitchOperation.lastError, and
// the `error` of the history notes `history.liftRefused` / `history.syncLiftRefused`): the failure's
// code, a colon and a detail in Tollgate's own English or the switch's own words, as
// lib/switch/outbox.ts writes it (`timeout: no answer within 5000 ms`, `account_closed: account is
// closed`). Readers get it in their language through `switchErrorNote`. Pure: no catalogue here.

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

/** The allowance outbox's words before they carried a code (lib/allowances/operations.ts). */
const NOT_IN_FORCE_WORDS = 'the switch answered 200 without this allowance in force';

/** What went wrong, by the catalogue's names (`switchError.*`). */
export type SwitchErrorKind =
  | 'timeout'
  | 'connection'
  | 'cancelled'
  | 'unreadable'
  | 'unavailable'
  | 'disagrees'
  | 'notInForce'
  | 'refused'
  | 'notFound'
  | 'withdrawn'
  | 'answered'
  | 'other';

/**
 * A stored switch error read apart: its kind, the switch's own code (kind `answered`, or `unavailable`
 * when a "try later" status carried one) and the detail after the code.
 */
export type SwitchErrorReading = { kind: SwitchErrorKind; code?: string; detail: string };

/**
 * Reads a stored switch error (`<code>: <detail>`, or a bare code). A change Tollgate withdrew itself
 * reads `withdrawn` (WITHDRAWN); Tollgate's own codes get their kind; any other code is the switch's (`error.code` of its answer, CONTRACTS §3) and reads
 * `answered`, or `unavailable` when the transport's message shows a 5xx, 408 or 429 status (the switch
 * asked to be tried later, giving its own code); text with no code reads `other`, detail = the whole
 * text.
 */
export function readSwitchError(stored: string): SwitchErrorReading {
  const text = stored.trim();
  if (text === NOT_IN_FORCE_WORDS) return { kind: 'notInForce', detail: text };
  if (Object.hasOwn(WITHDRAWN, text)) return { kind: 'withdrawn', detail: text.slice(text.indexOf(':') + 2) };
  const m = /^([A-Za-z][A-Za-z0-9_.-]{0,63})(?::\s*([\s\S]*))?$/.exec(text);
  if (!m) return { kind: 'other', detail: text };
  const [, code, detail = ''] = m;
  if (Object.hasOwn(OWN, code!)) return { kind: OWN[code!]!, detail };
  // The transport's message repeats the status and the code before the switch's own words
  // (lib/switch/transport.ts: `HTTP 409 account_closed: the account is closed`).
  const own = /^HTTP (\d{3}) (\S+): ([\s\S]*)$/.exec(detail);
  if (!own || own[2] !== code) return { kind: 'answered', code, detail };
  // A "try later" status with the switch's own code (`HTTP 503 maintenance: …`) is still the switch
  // being unavailable, not an answer to the change: the transport files it as `unavailable`, the same
  // statuses as there (5xx, 408, 429), and the outbox keeps the change to send again.
  const status = Number(own[1]);
  const later = status >= 500 || status === 408 || status === 429;
  return { kind: later ? 'unavailable' : 'answered', code, detail: own[3]! };
}

/**
 * A stored switch error as a Note (`switchError.<kind>`, with `code` for `answered` and
 * `text` for `other`), for a history entry or a staff page in the reader's language.
 */
export function switchErrorNote(stored: string): Note {
  const r = readSwitchError(stored);
  if (r.kind === 'answered') return { key: 'switchError.answered', values: { code: r.code! } };
  if (r.kind === 'unavailable' && r.code)
    return { key: 'switchError.unavailableAnswered', values: { code: r.code } };
  if (r.kind === 'other') return { key: 'switchError.other', values: { text: r.detail } };
  if (r.kind === 'withdrawn') return { key: `switchError.withdrawnBecause.${WITHDRAWN[stored.trim()]}` };
  return { key: `switchError.${r.kind}` };
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
 * A stored switch error in words for the reader of `t` (a translator over the whole catalogue): what
 * went wrong in their language, then, when the switch refused with a code and a message, its own
 * message after a colon (the switch's words, as it sent them).
 */
export function switchErrorText(t: Translate, stored: string): string {
  const r = readSwitchError(stored);
  const words = noteText(t, switchErrorNote(stored));
  return r.code && r.detail ? `${words}: ${r.detail}` : words;
}
