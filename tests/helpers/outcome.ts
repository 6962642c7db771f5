import type { Locale } from '@/lib/i18n/locales';
import { noteText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import type { Outcome } from '@/lib/server/outcome';

/** What an Outcome says, for short assertions: 'ok', 'not_found', or the catalogue key of its refusal. */
export const said = (r: Outcome<unknown>): string =>
  r.ok ? 'ok' : r.code === 'not_found' ? 'not_found' : r.note.key;

/** The data of a successful Outcome; throws with the refusal's key otherwise. */
export function dataOf<T>(r: Outcome<T>): T {
  if (!r.ok || r.data === undefined) throw new Error(`expected success with data, got ${said(r)}`);
  return r.data;
}

/**
 * A domain's Outcome in words, as the action wrapper words it for a reader of `locale` (English by
 * default): `{ ok, code?, message?, fieldErrors?, data? }`. Tests assert on what a person reads.
 */
export function inWords<T>(r: Outcome<T>, locale: Locale = 'en') {
  const t = translate(locale);
  if (r.ok) return { ok: true, data: r.data, message: r.note ? noteText(t, r.note) : undefined };
  if (r.code === 'not_found') return { ok: false, code: r.code };
  return {
    ok: false,
    code: r.code,
    message: noteText(t, r.note),
    fieldErrors: r.fieldErrors
      ? Object.fromEntries(Object.entries(r.fieldErrors).map(([k, ns]) => [k, ns.map((n) => noteText(t, n))]))
      : undefined,
  };
}
