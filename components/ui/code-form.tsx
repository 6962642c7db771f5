'use client';
import type { ReactNode } from 'react';
import { ActionForm, type FormAction } from '@/components/ui/action-form';
import { echoed } from '@/components/ui/echoed';
import { Field } from '@/components/ui/field';
import { useFocusOnArrival } from '@/components/ui/focus-on-arrival';
import type { SubmitVariant } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/server/safe-action';

/**
 * One authenticator (or recovery) code and a submit button: verifying a session, confirming
 * enrolment, asking for new recovery codes. The code's own error is shown under the field, so the
 * message region shows nothing then (it would say the same twice): the submit button moves the focus
 * to the field, whose description a screen reader reads. Sent from the field itself (Enter: the code
 * field of a sign-in has the focus on arrival), the focus does not move, and the region says the
 * field's error to screen readers instead (ActionForm, components/ui/answer-at-field.ts): a wrong, a
 * used or a locked code is heard once either way. `done` replaces the form once the
 * action succeeded with data (the recovery codes, shown once); `idle`, when given, replaces it before
 * any answer (the thing is done already). `next`: where to go afterwards. `sendTimeZone`: the form
 * also carries the browser's zone (the second factor of a sign-in: components/ui/time-zone-field.tsx).
 * `focusOnArrival`: the code field has the focus when the form appears, for a page that is only this
 * form (the second factor of a sign-in: the person types the code at once). `mailCode`: the form also
 * asks for a code mailed to the login (field `mailCode`, before the authenticator's; turning on
 * two-factor authentication: lib/auth/mfa/enrol-proof.ts). `lead`: shown before the form, and gone
 * with it once `done` replaces it (ActionForm).
 */
export function CodeForm<T = unknown>({
  action,
  next,
  label,
  submit,
  id = 'code',
  messageId = 'code-message',
  className = 'flex flex-col gap-4',
  variant,
  done,
  idle,
  lead,
  sendTimeZone = false,
  focusOnArrival = false,
  mailCode,
}: {
  action: FormAction<T>;
  next?: string;
  label: string;
  submit: string;
  id?: string;
  messageId?: string;
  className?: string;
  variant?: SubmitVariant;
  done?: (state: ActionState<T> & { data: T }) => ReactNode;
  idle?: ReactNode;
  lead?: ReactNode;
  sendTimeZone?: boolean;
  focusOnArrival?: boolean;
  mailCode?: { label: string };
}) {
  const field = useFocusOnArrival<HTMLInputElement>(focusOnArrival);
  return (
    <ActionForm
      action={action}
      hiddenFields={next === undefined ? {} : { next }}
      sendTimeZone={sendTimeZone}
      className={className}
      messageId={messageId}
      submit={submit}
      variant={variant}
      wide
      // Said at the field (or, when the focus was on it already, by the region to screen readers only).
      messageOf={(s) => (s?.fieldErrors?.code || s?.fieldErrors?.mailCode ? undefined : s?.message)}
      done={done}
      idle={idle}
      lead={lead}
    >
      {({ state }) => (
        <>
          {mailCode ? (
            <Field
              name="mailCode"
              id={`${id}-mail`}
              label={mailCode.label}
              inputMode="numeric"
              autoComplete="one-time-code"
              defaultValue={state?.ok ? undefined : echoed(state, 'mailCode')}
              required
              errors={state?.fieldErrors?.mailCode}
            />
          ) : null}
          <Field
            ref={field}
            name="code"
            id={id}
            label={label}
            inputMode="numeric"
            // Beside the emailed code, the browser's offer of a code from Mail goes to that field.
            autoComplete={mailCode ? 'off' : 'one-time-code'}
            required
            errors={state?.fieldErrors?.code}
          />
        </>
      )}
    </ActionForm>
  );
}
