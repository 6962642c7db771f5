import { notFound } from 'next/navigation';
import type { Translate } from '@/lib/i18n/note';
import { noteText } from '@/lib/i18n/note';
import type { FormState, Outcome } from '@/lib/server/outcome';

// Apart from lib/server/outcome.ts because next/navigation loads React's client context: the domain
// (and the operator CLI and e2e factories that run it under tsx) imports only the pure Outcome module.

/**
 * The one mapping from Outcome to form state: notes become words with `t` (the caller's language),
 * not_found calls next/navigation's notFound() (throws; Next answers 404). A refusal keeps `ok: false`
 * so the form shows its message in the aria-live region; the code itself is not sent to the browser.
 */
export function outcomeToState<T>(r: Outcome<T>, t: Translate): FormState<T> {
  if (r.ok)
    return {
      ok: true,
      ...(r.note ? { message: noteText(t, r.note) } : {}),
      ...(r.data === undefined ? {} : { data: r.data }),
    };
  if (r.code === 'not_found') notFound();
  const state: FormState<T> = { ok: false, message: noteText(t, r.note) };
  if (r.fieldErrors)
    state.fieldErrors = Object.fromEntries(
      Object.entries(r.fieldErrors).map(([k, notes]) => [k, notes.map((n) => noteText(t, n))]),
    );
  return state;
}
