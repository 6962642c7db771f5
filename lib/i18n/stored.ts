import { displayEmail } from '@/lib/auth/email-address';
import { actorValue } from '@/lib/i18n/actor';
import { type Audience, type Note, noteText, type Translate } from '@/lib/i18n/note';
import { blockReasons } from '@/lib/switch/events-schema';
import { switchErrorNote } from '@/lib/switch/error-text';

// Words the system writes into a text column that a page shows later (BlockEvent.detail, Block.note,
// UnblockRequest/DestinationAllowance.decisionNote, SyncIssue.detail) are kept as a Note: a catalogue
// key under "history." and its values, so each reader sees them in their own language. The same
// columns also hold words a person typed (an agent's note): those stay exactly as written. Rows
// written before this (plain English sentences) are recognised and translated too. Pure (no catalogue
// is imported here), and server side only: displayEmail reads domains with node:url, and every page
// and mail that shows a stored column renders on the server.
//
// A note's values are stored as the system knows them and made readable when read (readStored), so
// rows written before a rule existed read well too: `actor` (who acted: an actor code such as
// `policy`, or a login's address) is named in the reader's words (actors.*, lib/i18n/actor.ts), `to`
// (an address) has its domain in Unicode, `error` (a switch error) is said in the reader's words (a
// customer's or staff's: the reader's Audience, lib/i18n/note.ts), and `block` (a block's id, in the
// sync notes written before they named a block by its date) is dropped: no page shows an internal id. A note that says which block stores the block's `placedAt`
// (ms since the epoch, formatted by the message in the reader's zone) and `reason` instead.

const PREFIX = 'note:';
const NAMESPACE = 'history.';

/** A value a stored note may carry: text, a number, or another history note or block reason label. */
type StoredValue = string | number | Note;

/** The column text for `key` (a catalogue key under "history.") and its `values`. */
export function storeNote(key: `history.${string}`, values?: Record<string, StoredValue>): string {
  return PREFIX + JSON.stringify(values ? { key, values } : { key });
}

/** Marks a person's words that happen to begin like a stored note, so they are never read as one. */
const PERSON = 'text:';

/**
 * The column text for words a person typed (an agent's decision note, a manual block's note): as
 * typed, unless they begin like a stored note (`note:` or this marker), which gets a `text:` marker
 * that `readStored` removes. So nobody can make their words read as a history entry of the system.
 */
export function storePersonText(words: string): string {
  return words.startsWith(PREFIX) || words.startsWith(PERSON) ? PERSON + words : words;
}

const isValue = (v: unknown): v is StoredValue =>
  typeof v === 'string' || typeof v === 'number' || isNote(v, [NAMESPACE, 'staff.labels.reason.']);

function isNote(v: unknown, namespaces: string[]): v is Note {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const { key, values } = v as { key?: unknown; values?: unknown };
  if (typeof key !== 'string' || !namespaces.some((n) => key.startsWith(n))) return false;
  if (values === undefined) return true;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return false;
  return Object.values(values).every(isValue);
}

// What the system wrote in English before notes were stored (exact sentences, and the ones with a value).
const LEGACY_EXACT: Record<string, Note> = {
  'Closed without a decision: the block was lifted.': { key: 'history.closedByLift' },
  'Granted by support from the account page.': { key: 'history.grantedFromAccount' },
  'Found blocked on the switch by reconciliation.': { key: 'history.foundBlocked' },
  'Placed by support; the switch confirmed it.': { key: 'history.placedBySupport' },
  'The switch reports international calling blocked; the portal follows it.': {
    key: 'history.followsSwitch',
  },
  'Fraud monitoring blocked international calling.': { key: 'history.fraudMonitoring' },
  'Support called the account holder back and approved the request.': { key: 'history.approvedAfterCall' },
  Misdial: { key: 'history.submitted', values: { kind: 'misdial' } },
  'Firewall hardened': { key: 'history.submitted', values: { kind: 'firewall' } },
  'A lift the switch confirmed would have undone a block placed while it was on its way. Placing the block again on the switch.':
    { key: 'history.reapplyLateLift' },
  'Reconciliation found international calling allowed on the switch while this block is in force. Placing the block again on the switch.':
    { key: 'history.reapplyReconcile' },
  'The portal shows a block in force but the switch allowed international calls. The block is being placed again on the switch.':
    { key: 'history.syncAllowedOnSwitch' },
  'Lift cancelled: the switch placed a new block on this account.': { key: 'history.liftCancelledNewBlock' },
  'Lift cancelled: a newer block is still in force on the switch.': { key: 'history.liftCancelledNewer' },
  'Lift cancelled: support placed a block on this account.': { key: 'history.liftCancelledManual' },
  'Lifted on the switch': { key: 'history.liftedOnSwitch' },
  'The switch confirmed: international calling is allowed again.': { key: 'history.liftConfirmed' },
  'Placed again on the switch; the switch confirmed it.': { key: 'history.placedAgain' },
  // The three lift notes were written on `lift_requested` entries only (what was asked of the switch,
  // which may refuse it): they now read as what was asked and why, never as a result.
  'Every SIP password named in the block was changed': { key: 'history.liftPolicy' },
  'Lifted by support': { key: 'history.liftStaff' },
};

const LEGACY_PATTERNS: [RegExp, (m: RegExpMatchArray) => Note][] = [
  [
    /^(\d+) suspicious call\(s\)$/,
    (m) => ({ key: 'history.suspiciousCalls', values: { count: Number(m[1]) } }),
  ],
  [/^(\d+) recipient\(s\)$/, (m) => ({ key: 'history.recipients', values: { count: Number(m[1]) } })],
  [
    /^Unblock request approved by support after a call with the account holder \(\w+\)$/,
    () => ({ key: 'history.liftRequest' }),
  ],
  [
    /^The switch refused the lift \((.*)\)\. Support will follow up\.$/s,
    (m) => ({ key: 'history.liftRefused', values: { error: m[1]! } }),
  ],
  [/^Block notice emailed to (.+)$/, (m) => ({ key: 'history.noticeEmailed', values: { to: m[1]! } })],
  [
    /^The switch blocks international calling \((.*)\) but the portal showed it allowed\. The portal now shows the block\.$/,
    (m) => ({
      key: 'history.syncBlockedOnSwitch',
      values: { reason: switchReason(m[1] === 'no reason given' ? null : m[1]!) },
    }),
  ],
  [
    /^A lift requested by (.+) reached the switch after block (\S+) was placed; that block is being placed again on the switch\.$/,
    // The block's id (m[2]) is not shown: the message says "a newer block".
    (m) => ({ key: 'history.syncLateLift', values: { actor: m[1]! } }),
  ],
];

/**
 * The reason the switch gave for a block, as a stored note value: its label when it is one of the
 * block reasons (staff.labels.reason.*), "no reason given" for none, else the switch's own word.
 */
export function switchReason(reason: string | null | undefined): StoredValue {
  if (!reason) return { key: 'history.noReason' };
  return (blockReasons as readonly string[]).includes(reason)
    ? { key: `staff.labels.reason.${reason}` }
    : reason;
}

/**
 * What a stored column holds: the Note the system stored (or a legacy English sentence it wrote,
 * recognised), its values made readable for `audience` (forReaders: actor names, Unicode addresses,
 * switch errors in the words of staff or of a customer, no block ids; default `staff`), else the
 * person's own words as a string; null for an empty column. A "note:" text that is not a well-formed
 * history note is a person's words.
 */
export function readStored(
  raw: string | null | undefined,
  audience: Audience = 'staff',
): Note | string | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (raw.startsWith(PERSON + PREFIX) || raw.startsWith(PERSON + PERSON)) return raw.slice(PERSON.length);
  if (raw.startsWith(PREFIX)) {
    try {
      const v: unknown = JSON.parse(raw.slice(PREFIX.length));
      if (isNote(v, [NAMESPACE])) return forReaders(v, audience);
    } catch {
      // not ours: shown as written
    }
    return raw;
  }
  // Own keys only: a note typed as "constructor" or "__proto__" is a person's words, not Object's.
  if (Object.hasOwn(LEGACY_EXACT, raw)) return LEGACY_EXACT[raw]!;
  for (const [re, note] of LEGACY_PATTERNS) {
    const m = raw.match(re);
    if (m) return forReaders(note(m), audience);
  }
  return raw;
}

/**
 * History notes whose `error` value holds a stored switch error (`<code>: <detail>`,
 * storedSwitchError in lib/switch/error-text.ts): every `history.*` sentence with an `{error}`
 * (tests/unit/stored-notes.test.ts checks the catalogue against this list).
 */
const SWITCH_ERROR_NOTES = new Set([
  'history.liftRefused',
  'history.syncLiftRefused',
  'history.syncAllowanceEndRefused',
  'history.syncAllowanceEndRefusedUnknown',
  'history.syncAllowancePutRefused',
  'history.syncAllowancePutGaveUp',
  'history.syncAllowanceDeleteGaveUp',
]);

/**
 * `note` with its values as people read them (see the top of this file): its stored switch error
 * in the words of `audience` (switchErrorNote: the column keeps Tollgate's English diagnostic for
 * engineers; an agent's page reads `switchError.*`, "the switch answered “account_closed”", a
 * customer's timeline `customerSwitchError.*`, "answer code “account_closed”", in their language),
 * who acted by name (`actor`), an address with its domain in Unicode (`to`), and no block id
 * (`block`). Only text values change; nested notes stay as stored.
 */
function forReaders(note: Note, audience: Audience): Note {
  if (!note.values) return note;
  const values = { ...note.values };
  if (typeof values.block === 'string') delete values.block;
  if (typeof values.error === 'string' && SWITCH_ERROR_NOTES.has(note.key))
    // Each of these sentences names the switch (or our phone system) itself: the error says "it".
    values.error = switchErrorNote(values.error, audience, { named: true });
  if (typeof values.actor === 'string') values.actor = actorValue(values.actor);
  if (typeof values.to === 'string') values.to = displayEmail(values.to);
  return { ...note, values };
}

/**
 * The history notes whose words speak of the switch to a customer ("our phone system", "nuestra
 * central", "a routine check"): staff read each in their own words instead, under `staffHistory.`
 * with the same name and ICU arguments ("the switch", "reconciliation"). Every `history.*` sentence
 * that says "our phone system" is listed here (tests/unit/staff-history-words.test.ts checks the
 * catalogue against this list).
 */
export const STAFF_WORDED_NOTES: ReadonlySet<string> = new Set([
  'history.foundBlocked',
  'history.placedBySupport',
  'history.followsSwitch',
  'history.reapplyLateLift',
  'history.reapplyReconcile',
  'history.liftCancelledNewBlock',
  'history.liftCancelledNewer',
  'history.liftedOnSwitch',
  'history.liftConfirmed',
  'history.liftRefused',
  'history.placedAgain',
  'history.liftPolicy',
  'history.liftRequest',
  'history.liftStaff',
  'history.noticeHeld',
  'history.noticeReleasedCalls',
  'history.noticeReleasedLift',
  'history.callsAfterNotice',
  'history.noticeEmailedNoCalls',
]);

/**
 * `note` as `audience` reads it: for `staff`, a note of STAFF_WORDED_NOTES (and any nested in its
 * values) under its `staffHistory.` key; for `customer`, as stored. Only the words change: the key a
 * caller compares (readStored's) stays `history.*`.
 */
function inWordsOf(note: Note, audience: Audience): Note {
  if (audience !== 'staff') return note;
  const key = STAFF_WORDED_NOTES.has(note.key)
    ? `staffHistory.${note.key.slice(NAMESPACE.length)}`
    : note.key;
  if (!note.values) return key === note.key ? note : { ...note, key };
  const values: NonNullable<Note['values']> = {};
  for (const [k, v] of Object.entries(note.values))
    values[k] = Array.isArray(v)
      ? v.map((n) => inWordsOf(n, audience))
      : typeof v === 'object'
        ? inWordsOf(v, audience)
        : v;
  return { key, values };
}

/**
 * A stored column in words for the reader of `t` (a translator over the whole catalogue), who is
 * `audience` (readStored; default `staff`), in that reader's words: a note that speaks of the switch
 * says "the switch" to staff and "our phone system" to a customer (STAFF_WORDED_NOTES); null when
 * empty.
 */
export function storedText(
  t: Translate,
  raw: string | null | undefined,
  audience: Audience = 'staff',
): string | null {
  const v = readStored(raw, audience);
  return v === null || typeof v === 'string' ? v : noteText(t, inWordsOf(v, audience));
}
