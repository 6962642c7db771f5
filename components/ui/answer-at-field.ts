'use client';
import { useState } from 'react';
import type { ActionState } from '@/lib/server/safe-action';

/**
 * Where the keyboard focus was as a form was sent: `at`, its index among `names` (the form's
 * controls a person fills, in document order, by their `name`; -1 when it was on none of them: the
 * submit button, or outside the form), and `before`, the answer the form had then.
 */
export type Sent = { at: number; names: (string | null)[]; before: unknown };

/** The controls of `form` a field error can be about: not its buttons, hidden inputs or fieldsets. */
function fillable(form: HTMLFormElement): Element[] {
  return [...form.elements].filter(
    (e) =>
      (e instanceof HTMLInputElement && e.type !== 'hidden' && e.type !== 'submit' && e.type !== 'button') ||
      e instanceof HTMLTextAreaElement ||
      e instanceof HTMLSelectElement,
  );
}

/**
 * What a form's live region says about a refusal at a field the keyboard focus was already on.
 *
 * After an answer that marks fields invalid, SubmitButton (components/ui/submit-button.tsx) moves the
 * focus to the first of them, and a screen reader reads that field with its description, the error
 * under it (`${id}-error`): the refusal is heard there, which is why some forms leave it out of their
 * message region (CodeForm, the SIP password reset: it would be read twice). A form sent from that very
 * field (Enter in the second factor's code field, which has the focus when the page opens) keeps the
 * focus where it was, and screen readers do not read a description that changed on the focused field:
 * "That code is not correct" went unheard (accessibility test, finding 3). For that answer `heard` is
 * the field's errors (`state.fieldErrors[name]`, joined), for the live region to say once (FormMessage
 * `heard`, for screen readers only: the words are on the page already, under the field); for any other
 * answer, or before one, it is undefined, and nothing is said twice.
 *
 * `state` is the action's last answer (useActionState). `sent(form)` is called from the form's submit
 * handler with the form's element: it notes which control has the focus, and the controls' order, in
 * which the first one the answer refuses is the one SubmitButton focuses. Until that submission's answer
 * `heard` is undefined, so the same words for the next answer (the same wrong code again) are new words
 * in the region, and are read again.
 */
export function useAnswerAtField(state: ActionState<unknown> | undefined): {
  sent: (form: HTMLFormElement) => void;
  heard: string | undefined;
} {
  const [from, setFrom] = useState<Sent | null>(null);
  return {
    sent: (form) => {
      const controls = fillable(form);
      setFrom({
        at: controls.findIndex((c) => c === document.activeElement),
        names: controls.map((c) => c.getAttribute('name')),
        before: state,
      });
    },
    heard: heardAtField(from, state),
  };
}

/**
 * useAnswerAtField's words for `state`, given where the focus was as the form was sent (`from`, null
 * before any sending): the errors of the field that had the focus, when `state` is that sending's
 * answer and the field is the first of the form it refuses (the one SubmitButton would focus);
 * otherwise undefined.
 */
export function heardAtField(from: Sent | null, state: ActionState<unknown> | undefined): string | undefined {
  const errors = state?.fieldErrors;
  if (!from || from.at < 0 || state === from.before || !errors) return undefined;
  const first = from.names.findIndex((n) => n !== null && !!errors[n]?.length);
  return first === from.at ? errors[from.names[first]!]!.join(' ') : undefined;
}
