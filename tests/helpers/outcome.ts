import type { Outcome } from '@/lib/server/outcome';

/** What an Outcome says, for short assertions: 'ok', 'not_found', or the catalogue key of its refusal. */
export const said = (r: Outcome<unknown>): string =>
  r.ok ? 'ok' : r.code === 'not_found' ? 'not_found' : r.note.key;

/** The data of a successful Outcome; throws with the refusal's key otherwise. */
export function dataOf<T>(r: Outcome<T>): T {
  if (!r.ok || r.data === undefined) throw new Error(`expected success with data, got ${said(r)}`);
  return r.data;
}
