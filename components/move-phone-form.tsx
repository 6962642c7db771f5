'use client';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from '@/components/ui/link';
import { useTranslations } from 'next-intl';
import { RecoveryCodeList } from '@/components/recovery-code-list';
import { ActionForm, type FormAction } from '@/components/ui/action-form';
import { buttonClass } from '@/components/ui/button-class';
import { echoed } from '@/components/ui/echoed';
import { Field } from '@/components/ui/field';

/**
 * "Move to a new phone" (lib/auth/mfa/move.ts): the code mailed to the login (the page's
 * EnrolProofForm sends it) and the first code of the app on the new phone; then the new recovery
 * codes, shown once, and "Continue" to `next`. `shown`: which QR code the page shows (movePage
 * `shown`, sent back in a hidden field), so a page left open in a second tab is told it is out of
 * date rather than checked against a secret it does not show. `steps`: the page's set-up steps (the
 * mailed code's form, the QR code), shown before the form and gone with it once the codes replace
 * it: the move's new session cookie makes Next render the page again, with the next move's QR code,
 * which must not be scanned. Gone too once an answer says the page is out of date (on the `shown`
 * field): its QR code may be the secret now in force. Decided in React (ActionForm `lead`), so it
 * holds in a browser without CSS `:has()` and without JavaScript, where the page comes back from the
 * form's post with the answer in it (and, after an out-of-date answer, this session's own QR code).
 * The fields are CodeForm's (components/ui/code-form.tsx), which has no hidden field besides `next`.
 */
export function MovePhoneForm({
  action,
  next,
  shown,
  steps,
}: {
  action: FormAction<{ recoveryCodes: string[] }>;
  next: string;
  shown: string;
  steps: ReactNode;
}) {
  const t = useTranslations('mfa');
  const [outOfDate, setOutOfDate] = useState(false);
  return (
    <ActionForm
      action={action}
      hiddenFields={{ next, shown }}
      className="flex flex-col gap-4"
      messageId="move-message"
      submit={t('move.submit')}
      wide
      // A code's refusal is said at its field (or by the region to screen readers only, when the focus
      // was on that field already: ActionForm); the region says the rest (an out-of-date page among them).
      messageOf={(s) => (s?.fieldErrors?.code || s?.fieldErrors?.mailCode ? undefined : s?.message)}
      // null, not undefined: the form keeps its place in the tree, and so its answer.
      lead={outOfDate ? null : steps}
      done={(state) => (
        <RecoveryCodeList message={state.message} codes={state.data.recoveryCodes}>
          <Link href={next} className={buttonClass('primary', 'self-start')}>
            {t('setup.continue')}
          </Link>
        </RecoveryCodeList>
      )}
    >
      {({ state }) => (
        <>
          <WhenTrue value={!!state?.fieldErrors?.shown} then={setOutOfDate} />
          <Field
            name="mailCode"
            id="move-code-mail"
            label={t('setup.mailCode')}
            inputMode="numeric"
            autoComplete="one-time-code"
            defaultValue={state?.ok ? undefined : echoed(state, 'mailCode')}
            required
            errors={state?.fieldErrors?.mailCode}
          />
          <Field
            name="code"
            id="move-code"
            label={t('move.appCode')}
            inputMode="numeric"
            // Beside the emailed code, the browser's offer of a code from Mail goes to that field.
            autoComplete="off"
            required
            errors={state?.fieldErrors?.code}
          />
        </>
      )}
    </ActionForm>
  );
}

/** Calls `then(true)` after a render in which `value` is true (state is not set while rendering). */
function WhenTrue({ value, then }: { value: boolean; then: (v: true) => void }) {
  useEffect(() => {
    if (value) then(true);
  }, [value, then]);
  return null;
}
