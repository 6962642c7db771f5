import { storeNote } from '@/lib/i18n/stored';

// The callback a denial records (since 2026-12-08): the block page and the request mail tell the
// customer "Support will call you back before deciding", so a denial says what became of that call,
// in the one form an agent can truthfully give: they spoke with the account holder (`spoke`), or they
// called and could not reach them (`unreached`). Kept in UnblockRequest.decisionNote, which a denial
// left empty before, as a stored note (lib/i18n/stored.ts), so each reader reads it in their own
// language; no time is recorded, so no page or mail says when the call was. Older denials have no
// such note: denialCallback answers null and nothing is said of a call. Pure, with no database or
// session import: the mail templates (run by the tsx mail worker) read it too.

/** The callback choices of a denial, as the form posts them (field `callback`). */
export const DENIAL_CALLBACKS = ['spoke', 'unreached'] as const;
export type DenialCallback = (typeof DENIAL_CALLBACKS)[number];

const NOTES: Record<DenialCallback, string> = {
  spoke: storeNote('history.deniedAfterCall'),
  unreached: storeNote('history.deniedUnreached'),
};

/** UnblockRequest.decisionNote of a denial whose callback went as `callback` says. */
export const denialCallbackNote = (callback: DenialCallback): string => NOTES[callback];

/**
 * The callback a request's denial recorded: `spoke` or `unreached` for a `denied` request whose
 * decisionNote is one of the notes above, else null (a denial made before the choice existed, or a
 * request that is not denied: an approval's decisionNote is the agent's own note, which the customer
 * never reads, so only these exact notes are ever taken).
 */
export function denialCallback(r: { status: string; decisionNote: string | null }): DenialCallback | null {
  if (r.status !== 'denied' || !r.decisionNote) return null;
  return DENIAL_CALLBACKS.find((c) => NOTES[c] === r.decisionNote) ?? null;
}
