import type { z } from 'zod';
import type { Note } from '@/lib/i18n/note';

// What a form is told of a field zod refused, as a note (catalogue key and values), never zod's English
// words: one mapping for the action wrapper's schemas (lib/server/safe-action.ts issueMessage) and the
// domain's whole-form checks (lib/requests/fields.ts checkForm). Apart from lib/server/outcome.ts,
// which client forms import, so that its catalogue keys are no part of what the browser is sent.

/**
 * Issue codes for a value of the wrong shape: a field not sent at all, sent twice (an array), or a
 * choice the form does not offer. A browser posting the page's own form never sends one; zod's
 * default words for them are English ("Invalid input: expected string, received undefined").
 */
const NOT_AS_SENT = new Set([
  'invalid_type',
  'invalid_value',
  'invalid_union',
  'invalid_key',
  'invalid_element',
]);

/**
 * The note (catalogue key and values) for one zod issue of a form field, the one mapping of the
 * action wrapper (lib/server/safe-action.ts issueMessage) and the domain's whole-form checks
 * (lib/requests/fields.ts checkForm): the note a rule recorded in the issue's `params.note`; the
 * catalogue key the schema names (`outcome.field.*`); `outcome.field.tooLong` with `max` for a
 * string over its `.max(n)` that names no key, where zod's default is English whatever the reader's
 * language; `outcome.field.notSent` for a value of the wrong shape (NOT_AS_SENT: missing, repeated,
 * not one of the choices; break-19). Null for any other issue whose message is no key.
 */
export function issueNote(issue: z.core.$ZodIssue): Note | null {
  const noted = (issue as { params?: { note?: Note } }).params?.note;
  if (noted) return noted;
  if (issue.message.startsWith('outcome.field.')) return { key: issue.message };
  if (issue.code === 'too_big' && issue.origin === 'string')
    return { key: 'outcome.field.tooLong', values: { max: Number(issue.maximum) } };
  if (NOT_AS_SENT.has(issue.code)) return { key: 'outcome.field.notSent' };
  return null;
}
