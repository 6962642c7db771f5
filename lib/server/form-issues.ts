import { z } from 'zod';
import type { Note } from '@/lib/i18n/note';

// What a form is told of a field zod refused, as a note (catalogue key and values), never zod's English
// words: one mapping for the action wrapper's schemas (lib/server/safe-action.ts issueMessage) and the
// domain's whole-form checks (lib/requests/fields.ts checkForm). Apart from lib/server/outcome.ts,
// which client forms import, so that its catalogue keys are no part of what the browser is sent.
// With it, the fields every form writes the same way: a hidden id or value the page itself fills in
// (postedId, hiddenText) and a field posted several times (postedList).

/** The catalogue key for a field that did not arrive as the page's own form sends it. */
export const NOT_SENT = 'outcome.field.notSent';

/**
 * The note (catalogue key and values) for one zod issue of a form field, the one mapping of the
 * action wrapper (lib/server/safe-action.ts issueMessage) and the domain's whole-form checks
 * (lib/requests/fields.ts checkForm). In order: the note a rule recorded in the issue's
 * `params.note`; the catalogue key the schema names (`outcome.field.*`); `outcome.field.tooLong` with
 * `max` for a string over its `.max(n)` that names no key (a field the person types: a hidden one
 * names NOT_SENT, see hiddenText); and for every other issue, `outcome.field.notSent` (NOT_SENT).
 * A field the person fills in names its own key for each rule they can break (`.min(5,
 * 'outcome.field.staffNote')`); what is left is what the page's own form never sends: a field
 * missing, sent twice, not one of the choices, an empty or overlong hidden id, a list longer than
 * the page offers (break-19; tester, 2026-12). Zod's own message, English whatever the reader's
 * language ("Too small: expected string to have >=1 characters"), is never the answer.
 */
export function issueNote(issue: z.core.$ZodIssue): Note {
  const noted = (issue as { params?: { note?: Note } }).params?.note;
  if (noted) return noted;
  if (issue.message.startsWith('outcome.field.')) return { key: issue.message };
  if (issue.code === 'too_big' && issue.origin === 'string')
    return { key: 'outcome.field.tooLong', values: { max: Number(issue.maximum) } };
  return { key: NOT_SENT };
}

/**
 * A value the page itself puts in a hidden field (a filter the page was opened with, the QR code it
 * showed), as posted: a string of at most `max` characters, possibly empty. Anything else (absent,
 * sent twice, longer) is NOT_SENT: "Use at most 40 characters" would be about a field nobody sees.
 */
export const hiddenText = (max: number) => z.string().max(max, NOT_SENT);

/**
 * A value the page itself puts in a hidden field that must be there (the account number of the page
 * a staff form is on): 1 to `max` characters, anything else NOT_SENT.
 */
export const hiddenValue = (max: number) => z.string().min(1, NOT_SENT).max(max, NOT_SENT);

/**
 * The id of a row a form acts on (a request, a block, a login, a SIP credential…), posted in a hidden
 * field or as a checkbox's value: 1 to 64 characters, anything else NOT_SENT. The one way a form's id
 * is written.
 */
export const postedId = hiddenValue(64);

/**
 * A field a form may post several times (a checkbox group, named `name[]`: lib/server/safe-action.ts
 * formToObject makes it an array): one value or several, read as an array of the distinct values in
 * the order first posted, so that a value posted twice (`callIds[]=a&callIds[]=a`) is kept once.
 * `notSent`: the key for anything else (a field absent when the schema requires it, a file), NOT_SENT
 * unless the form has words of its own for it. Pipe the result into the array's own rules
 * (`.pipe(z.array(postedId).max(50))`).
 */
export const postedList = (notSent: string = NOT_SENT) =>
  z
    .union([z.string(), z.array(z.string())], notSent)
    .transform((v) => [...new Set(Array.isArray(v) ? v : [v])]);
