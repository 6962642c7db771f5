import type { AuditAction } from '@/lib/audit/names';
import type { secondFactorAtSignIn } from '@/lib/auth/sign-in';
import { revealInvisible } from '@/lib/server/control-characters';

// An audit row's `detail` (the JSON text lib/audit/log.ts stores) read as a labelled list for the
// staff audit table: each field's label (a catalogue key under `staff.audit.field`) and its value
// tagged with how the console shows it (a time in the reader's zone, an address as displayEmail
// writes it, a switch error as lib/switch/error-text.ts reads it, a code in the reader's words…).
// Pure: no catalogue and no formatting here (components/staff/audit-detail.tsx writes the words),
// so the table formats 50 rows with no query. Nothing stored changes: a key the reader does not know
// (an older row, a new writer) is still listed, by its key; a detail that is not a JSON object is
// shown as its text.

/** One value as the console shows it; `term` is a catalogue key under `staff` (else `code` as stored). */
export type DetailValue =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'term'; key: string; code: string }
  | { kind: 'email'; email: string }
  | { kind: 'time'; at: Date }
  | { kind: 'count'; n: number }
  | { kind: 'hours'; n: number }
  | { kind: 'yesNo'; value: boolean }
  | { kind: 'country'; code: string }
  | { kind: 'zone'; zone: string }
  | { kind: 'language'; code: string }
  | LanguageFrom
  | { kind: 'actor'; actor: string }
  | { kind: 'switchError'; stored: string }
  | { kind: 'list'; items: DetailValue[] }
  | { kind: 'none' }
  | { kind: 'withheld' }
  | { kind: 'json'; text: string };

/**
 * Where a new login's language came from (create-user, lib/accounts/commands.ts newUserLocale): the
 * operator's --locale; the account's `country` (ISO 3166-1 alpha-2; null in a row that does not say);
 * or the default, with the `country` whose `language` (a BCP 47 language subtag, "pt") is not
 * offered when the row says so. `notOperator`: a row written before 2026-12-07, which kept only
 * `localeChosen: false`, so the country and the default cannot be told apart.
 */
export type LanguageFrom =
  | { kind: 'languageFrom'; source: 'operator' | 'notOperator' }
  | { kind: 'languageFrom'; source: 'country'; country: string | null }
  | { kind: 'languageFrom'; source: 'default'; country: string | null; language: string | null };

/** One field: its stored key, its label (`staff.audit.field.<label>`, null for a key the reader does not know) and its value. */
export type DetailField = { key: string; label: string | null; value: DetailValue };

/** A row's detail: its fields in stored order, the stored text when it is not a JSON object, or null when there is none. */
export type AuditDetail = { kind: 'fields'; fields: DetailField[] } | { kind: 'text'; text: string } | null;

/** How a field's value is shown: a DetailValue kind, a list of codes or roles, or `term:<prefix>` (catalogue key `<prefix>.<value>`). */
type As =
  | 'text'
  | 'code'
  | 'codes'
  | 'email'
  | 'time'
  | 'count'
  | 'hours'
  | 'yesNo'
  | 'country'
  | 'zone'
  | 'language'
  | 'actor'
  | 'switchError'
  | 'role'
  | 'roles'
  | 'reasons'
  | `term:${string}`;
type Spec = { label: string; as: As };
const f = (label: string, as: As): Spec => ({ label, as });

const TERM = {
  blockReason: 'term:labels.reason',
  requestKind: 'term:labels.kind',
  requestStatus: 'term:labels.requestStatus',
  limit: 'term:audit.term.limit',
  state: 'term:audit.term.state',
  cause: 'term:audit.term.cause',
} as const satisfies Record<string, As>;

/** What each key means in most rows (lib/audit writers: grep `detail:`); ACTION_FIELDS below overrides it where a key means something else. */
const FIELDS: Record<string, Spec> = {
  username: f('sipUsername', 'code'),
  email: f('email', 'email'),
  changeId: f('changeId', 'code'),
  score: f('score', 'count'),
  switch: f('switchAnswer', 'switchError'),
  code: f('switchCode', 'code'),
  outcome: f('outcome', 'term:audit.term.outcome'),
  alert: f('membersAlerted', 'term:audit.term.alert'),
  by: f('limit', TERM.limit),
  otherSessionsEnded: f('otherSessionsEnded', 'count'),
  sessions: f('sessionsEnded', 'count'),
  sessionsEnded: f('sessionsEnded', 'count'),
  linksRevoked: f('linksRevoked', 'count'),
  passwordCleared: f('passwordCleared', 'yesNo'),
  chosen: f('passwordChosen', 'yesNo'),
  knownDevice: f('knownDevice', 'yesNo'),
  disabled: f('loginDisabled', 'yesNo'),
  method: f('method', 'term:audit.term.method'),
  // Where a sign-in stood once its password or link was accepted (lib/auth/sign-in.ts
  // secondFactorAtSignIn; since 2026-12-07): read with `method` as one field (FOLDS) when both fit.
  secondFactor: f('secondFactor', 'term:audit.term.secondFactor'),
  // When a sign-in counter's lock ends (lib/auth/sign-in.ts lockEnds; since 2026-12-07).
  lockedUntil: f('lockedUntil', 'time'),
  failures: f('failures', 'count'),
  kind: f('requestKind', TERM.requestKind),
  for: f('codeFor', 'term:audit.term.codeFor'),
  role: f('role', 'role'),
  need: f('rolesNeeded', 'roles'),
  actorRole: f('actorRole', 'role'),
  actorDisabled: f('actorDisabled', 'yesNo'),
  mfaVerified: f('mfaVerified', 'yesNo'),
  reused: f('reused', 'yesNo'),
  recoveryCodesRemoved: f('recoveryCodesRemoved', 'count'),
  passwordReplaced: f('passwordReplaced', 'yesNo'),
  country: f('country', 'country'),
  cause: f('cause', TERM.cause),
  wasInForce: f('wasInForce', 'yesNo'),
  deleteQueued: f('deleteQueued', 'yesNo'),
  error: f('switchError', 'switchError'),
  until: f('until', 'time'),
  confirmedBy: f('confirmedBy', 'actor'),
  endReason: f('endReason', TERM.cause),
  emailed: f('emailed', 'yesNo'),
  blockId: f('block', 'code'),
  hours: f('hours', 'hours'),
  // Who ran an operator command, and where (lib/accounts/commands.ts operatorIdentity; since 2026-12-05).
  osUser: f('osUser', 'code'),
  sudoUser: f('sudoUser', 'code'),
  host: f('host', 'code'),
  reason: f('blockReason', TERM.blockReason),
  attestedCallback: f('attestedCallback', 'yesNo'),
  // A denial's callback (lib/requests/denial-callback.ts; since 2026-12-08).
  callback: f('callback', 'term:audit.term.callback'),
  // An approval on the word of a sender who had left the account (lib/requests/decide.ts askerGone).
  senderLeft: f('senderLeft', 'term:audit.term.senderLeft'),
  attestedCurrentMember: f('attestedCurrentMember', 'yesNo'),
  note: f('note', 'text'),
  attempted: f('attempted', 'term:audit.term.decision'),
  found: f('found', TERM.requestStatus),
  alsoLifted: f('alsoLifted', 'codes'),
  liftQueued: f('liftQueued', 'yesNo'),
  denyReason: f('denyReason', 'text'),
  occurredAt: f('occurredAt', 'time'),
  switchChangedAt: f('switchChangedAt', 'time'),
  liftedOnSwitchBy: f('liftedOnSwitchBy', 'time'),
  replaced: f('replacedCode', 'yesNo'),
  switchSays: f('switchSays', TERM.state),
  // What the switch's GET said of an allowance whose DELETE it refused (lib/allowances/operations.ts).
  listedUntil: f('listedUntil', 'time'),
  onSwitch: f('onSwitch', 'term:audit.term.onSwitch'),
  switchBlockedAt: f('switchBlockedAt', 'time'),
  switchReason: f('switchReason', TERM.blockReason),
  stale: f('stale', 'yesNo'),
  attachedTo: f('attachedTo', 'term:audit.term.attachedTo'),
  // How many held block notices were made due now (lib/mail/queue.ts releaseHeldMail): queued, not sent.
  noticeReleased: f('noticeReleased', 'count'),
  lifted: f('blocksLifted', 'codes'),
  newerStillInForce: f('newerStillInForce', 'count'),
  // A lift the switch's state ordered after blocks its time could not (lib/blocks/lifecycle.ts
  // liftedBySwitch, the clock-skew window; since 2026-12-07).
  liftedDespiteOrder: f('liftedDespiteOrder', 'codes'),
  laterPlacedAt: f('laterPlacedAt', 'time'),
  // An event id sent again with another body (lib/blocks/ingest.ts refuseReusedId): never the bodies.
  storedFingerprint: f('storedFingerprint', 'code'),
  receivedFingerprint: f('receivedFingerprint', 'code'),
  actor: f('decidedBy', 'actor'),
  portalState: f('portalState', TERM.state),
  switchState: f('switchState', TERM.state),
  action: f('syncAction', 'term:audit.term.sync'),
  detail: f('syncDetail', 'text'),
  number: f('accountNumber', 'code'),
  timeZone: f('timeZone', 'zone'),
  locale: f('language', 'language'),
  resealed: f('resealed', 'count'),
  unreadable: f('unreadable', 'count'),
};

/** A take of a request (lib/requests/claim.ts), and a take-over: whose it was, and the claim it ended. */
const TAKEN: Record<string, Spec> = { renewed: f('renewed', 'yesNo') };
const TAKEN_OVER: Record<string, Spec> = {
  from: f('takenFrom', 'email'),
  heldSince: f('heldSince', 'time'),
  heldUntil: f('heldUntil', 'time'),
};

/** Keys that mean something else in one action's rows than FIELDS says. */
const ACTION_FIELDS: Partial<Record<AuditAction, Record<string, Spec>>> = {
  'mfa.failure': { kind: f('codeKind', 'term:audit.term.codeKind') },
  // The code that completed a sign-in (lib/auth/mfa/verify.ts; since 2026-12-07).
  'mfa.verified': { kind: f('codeKind', 'term:audit.term.codeKind') },
  // Why a password was refused (lib/auth/sign-in.ts SignInFailureReason; since 2026-12-07), not a block's.
  'sign_in.failure': { reason: f('failureReason', 'term:audit.term.signInFailure') },
  // A sign-in link refused or not bound to the browser (lib/auth/link-sign-in.ts): the address the link
  // was mailed to, when the row names it (never the token). Rows written so far name nobody: the table
  // says so (components/staff/audit-table.tsx, LINK_ROWS).
  'sign_in.link_refused': { email: f('linkFor', 'email') },
  'sign_in.link_unbound': { email: f('linkFor', 'email') },
  'mfa.throttled': { kind: f('codeKind', 'term:audit.term.codeKind') },
  'request.decision_conflict': { by: f('decidedBy', 'actor') },
  'allowance.denied': { by: f('decidedBy', 'actor') },
  'allowance.closed': { by: f('decidedBy', 'actor') },
  'block.lift_requested': { by: f('liftBy', 'term:audit.term.liftBy') },
  // A credential held to a block's lift (lib/blocks/suspects.ts): the binding's address, and why.
  'block.suspect_credential': { sourceIp: f('bindingAddress', 'code'), seenAs: f('seenAs', 'code') },
  'allowance.requested': { reason: f('customerReason', 'text') },
  'allowance.granted': { reason: f('grantReason', 'text') },
  'profile.time_zone_changed': { from: f('before', 'zone'), to: f('after', 'zone') },
  'profile.locale_changed': { from: f('before', 'language'), to: f('after', 'language') },
  // An admin's reason for changing a staff login (lib/staff/users.ts), not a block's; since 2026-12-05.
  'staff_user.role_changed': {
    from: f('before', 'role'),
    to: f('after', 'role'),
    reason: f('grantReason', 'text'),
  },
  'staff_user.disabled': { reason: f('grantReason', 'text') },
  'staff_user.enabled': { reason: f('grantReason', 'text') },
  'staff_user.second_factor_reset': { reason: f('grantReason', 'text') },
  // The operator's reason for a reset, or a password set, with the CLI (lib/accounts/commands.ts);
  // since 2026-12-06.
  'user.second_factor_reset': { reason: f('grantReason', 'text') },
  // Where create-user's language came from (lib/accounts/commands.ts createUser), read together as
  // one field (FOLDS below); each key alone when a value does not fit.
  'user.created': {
    localeSource: f('languageFrom', 'term:audit.term.languageFrom'),
    localeCountry: f('country', 'country'),
    countryLanguage: f('countryLanguage', 'language'),
    localeChosen: f('languageSetByOperator', 'yesNo'),
  },
  'password.changed': { reason: f('grantReason', 'text') },
  // The block reasons that needed a person before and after an admin's change (lib/policy/change.ts).
  'policy.changed': { before: f('before', 'reasons'), after: f('after', 'reasons') },
  // Takes and take-overs of unblock and allowance requests (TAKEN, TAKEN_OVER above).
  'request.taken_over': TAKEN_OVER,
  'request.taken': TAKEN,
  'allowance.taken_over': TAKEN_OVER,
  'allowance.taken': TAKEN,
  // The agent's reason for acting on a customer login (lib/staff/customer-logins.ts), not a block's.
  'customer_user.signed_out': { reason: f('grantReason', 'text'), actedFrom: f('actedFrom', 'code') },
  'customer_user.disabled': { reason: f('grantReason', 'text'), actedFrom: f('actedFrom', 'code') },
  'customer_user.enabled': { reason: f('grantReason', 'text'), actedFrom: f('actedFrom', 'code') },
};

/** The methods a sign_in.success row may store (lib/auth/sign-in.ts, link-sign-in.ts). */
const SIGN_IN_METHODS = ['password', 'email_link', 'mfa_unlock_link'];

/**
 * Whether a sign-in's two-factor code was still due, as its `sign_in.success` row stores it (since
 * 2026-12-07): the detail's `secondFactor` key, `pending` or `none` (lib/auth/sign-in.ts
 * secondFactorAtSignIn, its only writer, with lib/auth/link-sign-in.ts). Typed from that writer: a
 * state it adds or renames fails the type check here, not a reader in silence.
 */
type SecondFactorState = ReturnType<typeof secondFactorAtSignIn>;
const SECOND_FACTOR_KEY = 'secondFactor';
const SECOND_FACTOR: Record<SecondFactorState, true> = { pending: true, none: true };
const SECOND_FACTOR_STATES: readonly string[] = Object.keys(SECOND_FACTOR);

/** `"secondFactor":"<state>"`, as lib/audit/log.ts stores it in the row's text (JSON.stringify: no spaces). */
const storedSecondFactor = (state: SecondFactorState) =>
  JSON.stringify({ [SECOND_FACTOR_KEY]: state }).slice(1, -1);

/**
 * The text a `sign_in.success` row's stored detail contains when the two-factor code was still due
 * (`"secondFactor":"pending"`): the one definition of a pending sign-in that every reader shares.
 * signInStage reads it in a row's text; an SQL reader tests the same text in the column (a
 * case-sensitive substring: SQLite `instr`, PostgreSQL `strpos`; never `LIKE`, which SQLite folds
 * case for), so a query over many rows stays in the database (lib/staff/blocks-in-force.ts).
 */
export const PENDING_SIGN_IN_TEXT = storedSecondFactor('pending');
const COMPLETE_SIGN_IN_TEXT = storedSecondFactor('none');

/**
 * Keys of one action's rows read together as one field, labelled `label` and shown where the first
 * of them is stored: `read` gives its value from the whole detail, or null when a stored value does
 * not fit (each key is then listed by its own spec, nothing hidden).
 */
type Fold = {
  keys: readonly string[];
  label: string;
  read: (detail: Record<string, unknown>) => DetailValue | null;
};

const FOLDS: Partial<Record<AuditAction, Fold>> = {
  'sign_in.success': { keys: ['method', SECOND_FACTOR_KEY], label: 'signIn', read: signInStep },
  'user.created': {
    keys: ['localeSource', 'localeCountry', 'countryLanguage', 'localeChosen'],
    label: 'languageFrom',
    read: languageFrom,
  },
};

/**
 * "Sign-in" of a sign_in.success row: its `method` and `secondFactor` (both written since
 * 2026-12-07) read as one term under `audit.term.signIn.<secondFactor>.<method>`: "Password
 * accepted, second factor pending" (the person is not in until `mfa.verified`), or "Signed in with
 * password (no second factor set up)". Null when either is missing or unknown: an older row never
 * said whether a second factor was due, and is not guessed at (its `method`, if any, is listed alone).
 */
function signInStep(d: Record<string, unknown>): DetailValue | null {
  const { method, [SECOND_FACTOR_KEY]: secondFactor } = d;
  if (typeof method !== 'string' || !SIGN_IN_METHODS.includes(method)) return null;
  if (typeof secondFactor !== 'string' || !SECOND_FACTOR_STATES.includes(secondFactor)) return null;
  return {
    kind: 'term',
    key: `audit.term.signIn.${secondFactor}.${method}`,
    code: `${method} ${secondFactor}`,
  };
}

/**
 * How far the sign-in of an `action` row got, read from its `detail` as stored (the AuditLog row's
 * text): for `sign_in.success`, `pending` (a password or link accepted with the two-factor code still
 * due, PENDING_SIGN_IN_TEXT: the person was not signed in by it; a tester read a stolen password's
 * row, its code then refused, as a sign-in), `complete` (`"secondFactor":"none"`: no second factor
 * was due), or `unrecorded` (anything else: a row written before 2026-12-07, which never said; a
 * password or link accepted, complete or not); null for any other action. The one reading of it: the
 * staff audit table (lib/staff/audit-query.ts), the profile's recent sign-ins
 * (lib/profile/recent-sign-ins.ts), and, in SQL from PENDING_SIGN_IN_TEXT, the blocks in force.
 */
export function signInStage(
  action: string,
  detail: string | null,
): 'pending' | 'complete' | 'unrecorded' | null {
  if (action !== 'sign_in.success') return null;
  if (detail?.includes(PENDING_SIGN_IN_TEXT)) return 'pending';
  return detail?.includes(COMPLETE_SIGN_IN_TEXT) ? 'complete' : 'unrecorded';
}

/**
 * "Language from" of a user.created row (LanguageFrom): `localeSource` with `localeCountry` and
 * `countryLanguage` (since 2026-12-07, with `localeChosen` still written beside it), or an older
 * row's `localeChosen` alone: true is the operator, false says only that it was not the operator
 * (the testers' ask: never invent whether it was the country or the default). Null when a value does
 * not fit or the keys disagree.
 */
function languageFrom(d: Record<string, unknown>): DetailValue | null {
  const { localeSource: source, localeCountry, countryLanguage, localeChosen } = d;
  const fits = (v: unknown, re: RegExp) => v === undefined || (typeof v === 'string' && re.test(v));
  if (!fits(localeCountry, /^[A-Z]{2}$/) || !fits(countryLanguage, /^[a-z]{2,8}$/)) return null;
  if (localeChosen !== undefined && typeof localeChosen !== 'boolean') return null;
  const country = (localeCountry as string | undefined) ?? null;
  if (source === undefined) {
    if (localeChosen === undefined || country || countryLanguage) return null;
    return { kind: 'languageFrom', source: localeChosen ? 'operator' : 'notOperator' };
  }
  if (localeChosen !== undefined && localeChosen !== (source === 'operator')) return null;
  if (source === 'operator' && !country && !countryLanguage) return { kind: 'languageFrom', source };
  if (source === 'country' && !countryLanguage) return { kind: 'languageFrom', source, country };
  if (source === 'default')
    return {
      kind: 'languageFrom',
      source,
      country,
      language: (countryLanguage as string | undefined) ?? null,
    };
  return null;
}

/**
 * How the console shows `key` of an `action` row's detail: its label (`staff.audit.field.<label>`)
 * and value kind, or null for a key the reader does not know (shown by its key, value as stored).
 */
export function detailFieldSpec(action: string, key: string): Spec | null {
  const own = ACTION_FIELDS[action as AuditAction];
  if (own && Object.hasOwn(own, key)) return own[key]!;
  return Object.hasOwn(FIELDS, key) ? FIELDS[key]! : null;
}

/**
 * A key a writer should never have stored a secret under (lib/audit/log.ts: "never a password,
 * token or secret"; no writer does today): a value under a key the reader does not know, or inside
 * an unknown object, is withheld when its key names one. A known key (`passwordReplaced`, a yes or
 * no) is read by its spec.
 */
const SECRET_KEY = /pass(word|phrase)?|secret|token|totp|otp|hash|cookie|seal|codes?$|pin$|ha1/i;

/**
 * Reads `detail` (an AuditLog row's text, as stored) of an `action` row for the audit table: a JSON
 * object gives its fields in stored order, each with its label and typed value (text values with
 * invisible formatting escaped, revealInvisible); any other text gives `{ kind: 'text' }`; null or
 * empty gives null. Never throws. A value whose shape does not fit its key's kind (an older writer)
 * is shown by its own shape; a value under an unknown key that names a secret is `withheld`. Keys an
 * action's rows keep together (FOLDS: where user.created's language came from, how far a sign-in
 * got) are one field.
 */
export function readAuditDetail(action: string, detail: string | null): AuditDetail {
  if (detail === null || detail.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return { kind: 'text', text: revealInvisible(detail) };
  }
  if (!isObject(parsed)) return { kind: 'text', text: revealInvisible(detail) };
  const stored = parsed;
  const fold = FOLDS[action as AuditAction];
  const folded = fold && fold.keys.some((k) => Object.hasOwn(stored, k)) ? fold.read(stored) : null;
  let placed = false;
  return {
    kind: 'fields',
    fields: Object.entries(stored).flatMap(([key, raw]): DetailField[] => {
      if (fold && folded && fold.keys.includes(key)) {
        if (placed) return [];
        placed = true;
        return [{ key, label: fold.label, value: folded }];
      }
      const spec = detailFieldSpec(action, key);
      if (!spec) {
        const value: DetailValue = SECRET_KEY.test(key) ? { kind: 'withheld' } : asStored(raw);
        return [{ key: revealInvisible(key), label: null, value }];
      }
      return [{ key, label: spec.label, value: typed(spec.as, raw) ?? asStored(raw) }];
    }),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `raw` read as `as`, or null when its shape does not fit (asStored then shows it as it is). */
function typed(as: As, raw: unknown): DetailValue | null {
  if (raw === null || raw === undefined) return { kind: 'none' };
  if (as === 'codes' || as === 'roles' || as === 'reasons') {
    if (!Array.isArray(raw) || !raw.every((x) => typeof x === 'string')) return null;
    const item: As = as === 'roles' ? 'role' : as === 'reasons' ? TERM.blockReason : 'code';
    return { kind: 'list', items: raw.map((x) => typed(item, x)!) };
  }
  if (as === 'count' || as === 'hours')
    return typeof raw === 'number' && Number.isFinite(raw) ? { kind: as, n: raw } : null;
  if (as === 'yesNo') return typeof raw === 'boolean' ? { kind: 'yesNo', value: raw } : null;
  if (typeof raw !== 'string') return null;
  const text = revealInvisible(raw);
  switch (as) {
    case 'time': {
      const at = new Date(raw);
      return /^\d{4}-\d{2}-\d{2}T/.test(raw) && !Number.isNaN(at.getTime()) ? { kind: 'time', at } : null;
    }
    case 'text':
    case 'code':
      return { kind: as, text };
    case 'email':
      return { kind: 'email', email: text };
    case 'country':
      return /^[A-Z]{2}$/.test(raw) ? { kind: 'country', code: raw } : null;
    case 'zone':
      return { kind: 'zone', zone: text };
    case 'language':
      return { kind: 'language', code: text };
    case 'actor':
      return { kind: 'actor', actor: text };
    case 'switchError':
      return { kind: 'switchError', stored: text };
    default: {
      // A code names its words (`labels.reason.manual`); anything else is shown as stored.
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(raw)) return { kind: 'code', text };
      const prefix = as === 'role' ? 'audit.term.role' : as.slice('term:'.length);
      return { kind: 'term', key: `${prefix}.${raw}`, code: raw };
    }
  }
}

/** A value of a key the reader does not know (or of a shape its key did not expect), by its own shape. */
function asStored(raw: unknown): DetailValue {
  if (raw === null || raw === undefined) return { kind: 'none' };
  if (typeof raw === 'string') return { kind: 'text', text: revealInvisible(raw) };
  if (typeof raw === 'number') return { kind: 'count', n: raw };
  if (typeof raw === 'boolean') return { kind: 'yesNo', value: raw };
  const hidden = JSON.stringify(raw, (k, v: unknown) => (k && SECRET_KEY.test(k) ? '…' : v));
  return { kind: 'json', text: revealInvisible(hidden) };
}
