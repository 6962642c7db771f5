import type { Note } from '@/lib/i18n/note';

// One result type for domain functions that a form calls (model: Documenso's AppError codes). The
// domain says what happened as a code and a Note (catalogue key + values), never in English; the
// action wrapper (lib/server/safe-action.ts) turns it into form state in the caller's language.
// No 'server-only' and no catalogue here, so unit tests and the domain can import it freely.

/** Why a domain refused: the caller decides nothing from the words, only from the code. */
export type FailCode =
  /** No such thing among the caller's own: the action answers 404 (like another account's id). */
  | 'not_found'
  /** The input breaks a rule the schema cannot check (a call not of this block, a weak password). */
  | 'invalid'
  /** A rule of the domain says no (a support-placed block cannot be asked away). */
  | 'refused'
  /** Someone else got there first (already decided, already open, already resolved). */
  | 'conflict'
  /** A rate limit: try again later. */
  | 'throttled'
  /** A dependency (the switch) did not confirm; nothing is treated as done. */
  | 'unavailable';

/**
 * `{ ok: true, data?, note? }` on success (note: what to tell the user, if anything);
 * `{ ok: false, code: 'not_found' }` for ids outside the caller's reach (no words: it becomes a 404);
 * `{ ok: false, code, note, fieldErrors? }` otherwise, fieldErrors keyed by form field name.
 */
export type Outcome<T = undefined> =
  | { ok: true; data?: T; note?: Note }
  | { ok: false; code: 'not_found' }
  | { ok: false; code: Exclude<FailCode, 'not_found'>; note: Note; fieldErrors?: Record<string, Note[]> };

/** A successful Outcome. */
export const succeed = <T = undefined>(data?: T, note?: Note): Outcome<T> => ({
  ok: true,
  ...(data === undefined ? {} : { data }),
  ...(note ? { note } : {}),
});

/** A refusal with a code and a note (`key` a full catalogue path, `values` its ICU arguments). */
export const fail = <T = never>(
  code: Exclude<FailCode, 'not_found'>,
  key: string,
  values?: Note['values'],
  fieldErrors?: Record<string, Note[]>,
): Outcome<T> => ({
  ok: false,
  code,
  note: values ? { key, values } : { key },
  ...(fieldErrors ? { fieldErrors } : {}),
});

/** The not_found Outcome (becomes a 404). */
export const missing = <T = never>(): Outcome<T> => ({ ok: false, code: 'not_found' });

/**
 * The hidden field that carries a form's idempotency key (lib/server/idempotency.ts): here, without
 * server-only, because the forms that send it (components/ui/action-form.tsx) run in the browser too.
 */
export const IDEMPOTENCY_FIELD = 'idempotencyKey';

/**
 * The hidden field every ActionForm posts with the language of the page it was on (`<html lang>`, a
 * formatting tag such as `es-MX`, set as it is sent): the answer to a post whose session has ended
 * (or that failed before its reader was known) is written in the language the page shows, not the one
 * this browser's cookie or Accept-Language would pick for a signed-out visitor (a user who chose
 * English in a Spanish browser). Only picks between LOCALES: anything else is ignored.
 */
export const PAGE_LANGUAGE_FIELD = 'pageLanguage';

/** The form state an action returns; defined here so lib/server/outcome.ts has no server-only import. */
export type FormState<T = unknown> = {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  data?: T;
  values?: Record<string, string | string[]>;
  /**
   * The session ended before the form was read: the words of a link that opens the sign-in page in a
   * new tab (components/ui/form-message.tsx), so what was typed stays in this one to send again.
   */
  signIn?: string;
  /**
   * A form that applies once per render (lib/server/idempotency.ts) was answered (applied or not, but
   * not from a receipt): the idempotency key its next submission carries, so that one is a new change
   * (a resend of a lost answer keeps the old).
   */
  nextKey?: string;
};

/** True for an Outcome, false for a hand-built form state (`message` in words): the wrapper accepts both while domains move over. */
export function isOutcome<T>(r: Outcome<T> | FormState<T>): r is Outcome<T> {
  return typeof r.ok === 'boolean' && !('message' in r) && ('code' in r || 'note' in r || r.ok === true);
}
