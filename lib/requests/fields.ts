import type { CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Note } from '@/lib/i18n/note';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { issueNote, postedId } from '@/lib/server/form-issues';

// A customer's request form (misdial, firewall, destination allowance) is told every problem of its
// fields at once. Some rules need the block's account (a number in the account's country, a call of
// the block, a callback number that is not one of the block's destinations), so they cannot run in
// the action wrapper's schema, which runs before anything is read. They used to run after it, and
// only once it passed: a form sent empty was told of the number, the story and the callback phone,
// and only once those were mended of the calls to choose (tester, 2026-12-06). Now the wrapper checks
// the block's id alone (postedForm), and the domain checks every field in one schema, the rules that
// need the block included (checkForm).

/**
 * What the action wrapper checks of a customer's request form: the block's id (as the strict schemas
 * do), every other field passed on as posted for the domain's checkForm. The block's id must be
 * read first: the rules of the other fields depend on its account.
 */
export const postedForm = z.looseObject({ blockId: postedId });

/** A customer's request form as posted (postedForm's output): the block's id, and the fields unchecked. */
export type PostedForm = z.output<typeof postedForm>;

/**
 * The callback phone field as far as it can be checked alone: present (`outcome.field.callbackPhone`)
 * and at most 40 characters. callbackPhoneFor adds what needs the account.
 */
export const CALLBACK_PHONE = z.string().trim().min(1, 'outcome.field.callbackPhone').max(40);

/**
 * Records `note` as the problem of the value a transform or refinement checks (`ctx`), for
 * checkForm (lib/server/form-issues.ts issueNote) to give back as it is (its key and values: an example
 * number, a country's name). Returns z.NEVER, the value of a transform that failed.
 */
export function noteIssue(ctx: z.RefinementCtx, note: Note): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: note.key, params: { note } });
  return z.NEVER;
}

/**
 * The callback phone field of a request about a block of an account in `country`: CALLBACK_PHONE,
 * then lib/phone/callback.ts checkCallbackNumber against the block's trigger call destinations
 * (`destinations`, as the switch wrote them), its refusal's note in `locale` (BCP 47) as the
 * field's problem. Gives the number as Tollgate stores it (E.164, `;ext=…` with an extension).
 */
export function callbackPhoneFor(country: CountryCode, destinations: string[], locale: string) {
  return CALLBACK_PHONE.transform((typed, ctx) => {
    const callback = checkCallbackNumber(typed, country, destinations, locale);
    return callback.ok ? callback.stored : noteIssue(ctx, callback.note);
  });
}

/**
 * Checks a posted form (`posted`) against `schema`, every field at once: `{ ok: true, data }` (the
 * schema's output), or `{ ok: false, fieldErrors }`, the notes of every field's problems keyed by
 * the field's name (the form's `name`, e.g. `callIds[]`), as lib/server/outcome.ts fail takes them.
 * A field's rules run in order and stop at its first problem; every field is checked.
 */
export function checkForm<S extends z.ZodType>(
  schema: S,
  posted: unknown,
): { ok: true; data: z.output<S> } | { ok: false; fieldErrors: Record<string, Note[]> } {
  const parsed = schema.safeParse(posted);
  if (parsed.success) return { ok: true, data: parsed.data };
  const fieldErrors: Record<string, Note[]> = {};
  for (const issue of parsed.error.issues)
    (fieldErrors[String(issue.path[0] ?? 'form')] ??= []).push(issueNote(issue));
  return { ok: false, fieldErrors };
}
