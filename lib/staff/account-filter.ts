import { accountNumberAsTyped, accountNumberInField } from '@/lib/accounts/identifiers';
import { withoutControlCharacters } from '@/lib/server/control-characters';

/**
 * An account filter carried by a link or typed into a field that holds nothing else (the queue's
 * `?account=`, the audit log's account filter), read as the staff search box reads what is typed
 * (withoutControlCharacters: an invisible formatting character dropped, a control character a space;
 * a number pasted from iOS Contacts comes wrapped in U+202D…U+202C), trimmed, then as a number in a
 * field (accountNumberInField: "ACC-1001", "acc 1001", "1001" → "ACC-1001"), or as staff say any
 * account number (accountNumberAsTyped with anyNumber: "acc demo", "ACC_DEMO", full-width
 * "ＡＣＣ－ＤＥＭＯ" → "ACC-DEMO": numbers need no digit, and the account page links here with its own).
 * Returns null when nothing
 * is left (no filter), else `{ typed, number }`: `typed` the cleaned text, to say back; `number` the
 * account number in its stored form, or null when `typed` is not one (the page says so). Pure.
 */
export function readAccountFilter(raw: string): { typed: string; number: string | null } | null {
  const typed = withoutControlCharacters(raw).trim();
  if (!typed) return null;
  return { typed, number: accountNumberInField(typed) ?? accountNumberAsTyped(typed, { anyNumber: true }) };
}
