'use client';
import {
  useActionState,
  useEffect,
  useEffectEvent,
  useRef,
  useState,
  type FormEvent,
  type FormHTMLAttributes,
  type ReactNode,
} from 'react';
import { usePageWaiting } from '@/components/auto-refresh';
import { useAnswerAtField } from '@/components/ui/answer-at-field';
import { followAnswer } from '@/components/ui/answer-wait';
import { echoed } from '@/components/ui/echoed';
import { focusHeadingBefore } from '@/components/ui/focus-on-arrival';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton, type SubmitVariant } from '@/components/ui/submit-button';
import { putBrowserTimeZone, TimeZoneField } from '@/components/ui/time-zone-field';
import type { ActionState } from '@/lib/server/safe-action';
import { IDEMPOTENCY_FIELD, PAGE_LANGUAGE_FIELD } from '@/lib/server/outcome';
import { awaitsSwitch } from '@/lib/switch/awaits-switch';

/** Fills the form's PAGE_LANGUAGE_FIELD with the page's language (`<html lang>`) as it is sent. */
function putPageLanguage(e: FormEvent<HTMLFormElement>): void {
  const field = e.currentTarget.elements.namedItem(PAGE_LANGUAGE_FIELD);
  if (field instanceof HTMLInputElement) field.value = document.documentElement.lang;
}

/** A server action as useActionState takes it (lib/server/safe-action.ts userAction builds them). */
export type FormAction<T = unknown> = (
  prev: ActionState<T> | undefined,
  form: FormData,
) => Promise<ActionState<T>>;

/** What a form's fields read from the action's last answer. */
export type FormKit<T = unknown> = {
  state: ActionState<T> | undefined;
  /** `name`, the echoed `defaultValue` and the `errors` of one field, to spread on a Field. */
  field: (name: string) => { name: string; defaultValue?: string; errors?: string[] };
};

type Props<T> = Omit<FormHTMLAttributes<HTMLFormElement>, 'action' | 'children'> & {
  action: FormAction<T>;
  /** Hidden inputs, name → value (ids of the thing acted on, never a secret). */
  hiddenFields?: Record<string, string>;
  /**
   * The form's idempotency key (a UUID the page made when it rendered: newIdempotencyKey in
   * lib/server/idempotency.ts), for an action that applies once per render: a resend with it is
   * answered with what the first did. After any answer the action's `nextKey` takes its place.
   */
  idempotencyKey?: string;
  /** Sends the browser's time zone (field `tz`, read on submit): the sign-in forms (time-zone-field.tsx). */
  sendTimeZone?: boolean;
  /** id of the aria-live message region (tests and aria-describedby name it). */
  messageId: string;
  /** The submit button's text, its text while pending, its style and (when the text is shared) its name. */
  submit: ReactNode;
  pendingText?: string;
  variant?: SubmitVariant;
  submitName?: string;
  /**
   * The thing can no longer be acted on (another agent decided it, and the page was refreshed with
   * that): the fields and the button are gone, and a message the action gave that is not about the
   * fields (say the refusal that named who decided first) stays in its live region, the same element
   * as before, so a screen reader still reads it when it arrives together with the refreshed page.
   * With no such message nothing is rendered. When the form closes with its answer under the keyboard
   * focus (it was sent from inside the form, and its button is gone), the focus goes to the last
   * heading before the form (focusHeadingBefore), outside the live region: the answer is read once.
   */
  closed?: boolean;
  /**
   * Called once with each answer the action gives (not as the form is sent): `stays` says whether the
   * form, closed, shows it (a message that is not about the fields, as `closed` above). A page that
   * hides what surrounds a closed form with nothing to show (a section's heading, a list's entry)
   * learns from it whether to keep that. Called again with false when an "on its way to the switch"
   * answer goes (see ActionForm). `state` is the answer itself (a form clearing a field it controls
   * once the action succeeded: the new portal password).
   */
  onAnswer?: (stays: boolean, state: ActionState<T> | undefined) => void;
  /** id of the element that describes the submit button (aria-describedby): what it acts on. */
  submitDescribedBy?: string;
  /** Button before the message, for the one-button forms laid out in a row. */
  buttonFirst?: boolean;
  /** The button takes the form's width (sign-in and code forms) instead of its own. */
  wide?: boolean;
  /** The message to show; by default the action's message. */
  messageOf?: (state: ActionState<T> | undefined) => string | undefined;
  /** Shown instead of the form once the action succeeded with data (e.g. recovery codes shown once). */
  done?: (state: ActionState<T> & { data: T }) => ReactNode;
  /** Shown instead of the form while it has no answer yet (the thing is done already: enrolment). */
  idle?: ReactNode;
  /**
   * Shown before the form (outside it: it may hold forms of its own) for as long as the form is, and
   * gone with it once `done` replaces it: the steps that lead to the form (moving the second factor
   * to a new phone: the mailed code and the QR code, which after the move would be the next one's).
   * Decided here rather than in CSS (`:has()` is unknown to Firefox before 121, ESR 115 among them),
   * and in the server's render too, so it holds without JavaScript.
   */
  lead?: ReactNode;
  children?: (kit: FormKit<T>) => ReactNode;
};

/**
 * The one frame of an action form (React 19 useActionState + useFormStatus in SubmitButton): the
 * form with noValidate (the server's messages are the ones shown), its hidden inputs, the fields
 * the children render from the last state, the aria-live message region and the submit button.
 * The form's action is the server action itself, so the form posts without JavaScript too, and the
 * answer comes back as the page. Every refusal is heard once: in the region, or at the field in error
 * the submit button moves the focus to; when the focus was on that field already, the region says
 * the field's error to screen readers (components/ui/answer-at-field.ts), a message `messageOf` left
 * out included.
 *
 * An answer that is news only until the switch answers (a success whose data is AWAITS_SWITCH,
 * lib/switch/awaits-switch.ts: "On its way to the switch … this page shows when") goes once the page,
 * having waited for the switch since the answer came (an AutoRefresh ran), waits no more: the page
 * then shows the switch's confirmation or refusal itself (components/ui/answer-wait.ts followAnswer).
 * Its words stayed before, since a page's refresh keeps the form's state: "On its way" beside "In
 * force". A closed form left with nothing to show renders nothing; if the keyboard focus was on the
 * heading it had been handed and the page hides that heading with the form, it goes to the heading
 * before that one, not to the document.
 */
export function ActionForm<T = unknown>({
  action,
  hiddenFields = {},
  idempotencyKey,
  sendTimeZone = false,
  messageId,
  submit,
  pendingText,
  variant,
  submitName,
  closed = false,
  onAnswer,
  submitDescribedBy,
  buttonFirst = false,
  wide = false,
  messageOf = (s) => s?.message,
  done,
  idle,
  lead,
  children,
  ...form
}: Props<T>) {
  const [state, formAction] = useActionState(action, undefined);
  // The key the last submission carried (read as it is sent; the action itself stays the server's, so
  // the form posts without JavaScript too): after an answer without a new key (one from the key's
  // receipt, a refusal before the key was read, a failure) the form keeps it, not the render's first
  // key, whose resend was answered with the first submission's outcome (review, session 33).
  const [sentKey, setSentKey] = useState<string | null>(null);
  // An "on its way to the switch" answer, followed until its page shows the switch's answer.
  const waiting = usePageWaiting();
  const [wait, setWait] = useState({ answer: state, seen: false, over: false });
  const followed = followAnswer(wait, state, !!state?.ok && awaitsSwitch(state.data), waiting);
  if (followed !== wait) setWait(followed);
  const gone = followed.answer === state && followed.over;
  const message = gone ? undefined : messageOf(state);
  const formRef = useRef<HTMLFormElement>(null);
  // Whether the last submission was sent with the focus inside the form (its button, or a field).
  const sentFromInside = useRef(false);
  // The heading a closing form handed the focus to (focusHeadingBefore), while it may still have it.
  const handedTo = useRef<HTMLElement | null>(null);
  // What a closed form still shows: a message that is not about the fields.
  const stays = !!message && !state?.fieldErrors;
  const closedAnswer = closed && stays;
  const answered = useEffectEvent(() => onAnswer?.(stays, state));
  // A refusal at the field the focus was already on, for the live region to say (answer-at-field.ts).
  const atField = useAnswerAtField(state);
  useEffect(() => {
    if (state !== undefined) answered();
  }, [state, gone]);
  useEffect(() => {
    if (!closedAnswer || !sentFromInside.current) return;
    sentFromInside.current = false;
    // Only the focus the closing took away: not where the user has gone meanwhile.
    const active = document.activeElement;
    if (formRef.current && (!active || active === document.body))
      handedTo.current = focusHeadingBefore(formRef.current);
  }, [closedAnswer]);
  useEffect(() => {
    const heading = handedTo.current;
    if (!gone || !heading) return;
    handedTo.current = null;
    // The page draws what the answer's going changed (onAnswer above: a section hidden) within a
    // few frames; the focus moves only if it is still on that heading, or lost with it.
    let frames = 10;
    let frame = requestAnimationFrame(function check() {
      const active = document.activeElement;
      if (active && active !== document.body && active !== heading) return;
      if (heading.getClientRects().length === 0) {
        focusHeadingBefore(heading);
        return;
      }
      if (--frames > 0) frame = requestAnimationFrame(check);
    });
    return () => cancelAnimationFrame(frame);
  }, [gone]);
  if (closed) {
    if (!closedAnswer) return null;
    // The same element tree as the open form (the slots below stay, empty), so React keeps the
    // message region's element and only its words change.
    return (
      <form ref={formRef} action={formAction} noValidate>
        {null}
        {null}
        {null}
        {null}
        <FormMessage id={messageId} message={message} ok={state?.ok} signIn={state?.signIn} />
        {null}
      </form>
    );
  }
  if (done && state?.ok && state.data !== undefined) return done(state as ActionState<T> & { data: T });
  if (idle !== undefined && state === undefined) return idle;
  const kit: FormKit<T> = {
    state,
    field: (name) => ({
      name,
      defaultValue: state?.ok ? undefined : echoed(state, name),
      errors: state?.fieldErrors?.[name],
    }),
  };
  const button = (
    <SubmitButton
      variant={variant}
      pendingText={pendingText}
      aria-label={submitName}
      aria-describedby={submitDescribedBy}
    >
      {submit}
    </SubmitButton>
  );
  const region = (
    <FormMessage
      id={messageId}
      message={message}
      ok={state?.ok}
      signIn={state?.signIn}
      heard={gone ? undefined : atField.heard}
    />
  );
  const { onSubmit } = form;
  const formElement = (
    <form
      ref={formRef}
      action={formAction}
      noValidate
      {...form}
      onSubmit={(e) => {
        sentFromInside.current = e.currentTarget.contains(document.activeElement);
        atField.sent(e.currentTarget);
        const key = e.currentTarget.elements.namedItem(IDEMPOTENCY_FIELD);
        if (key instanceof HTMLInputElement) setSentKey(key.value);
        if (sendTimeZone) putBrowserTimeZone(e);
        putPageLanguage(e);
        onSubmit?.(e);
      }}
    >
      {/* One slot, as in the closed form's tree above, so the message region keeps its element. */}
      {Object.entries({
        ...hiddenFields,
        ...(idempotencyKey ? { [IDEMPOTENCY_FIELD]: state?.nextKey ?? sentKey ?? idempotencyKey } : {}),
        // Filled as the form is sent (putPageLanguage).
        [PAGE_LANGUAGE_FIELD]: '',
      }).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {sendTimeZone ? <TimeZoneField /> : null}
      {children?.(kit)}
      {buttonFirst ? button : null}
      {region}
      {buttonFirst ? null : wide ? button : <div>{button}</div>}
    </form>
  );
  // A form given no `lead` keeps the one element tree the closed form above shares.
  if (lead === undefined) return formElement;
  return (
    <>
      {lead}
      {formElement}
    </>
  );
}
