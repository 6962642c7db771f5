'use client';
import type { ReactNode } from 'react';
import { Link } from '@/components/ui/link';
import { useTranslations } from 'next-intl';
import { RecoveryCodeList } from '@/components/recovery-code-list';
import type { FormAction } from '@/components/ui/action-form';
import { buttonClass } from '@/components/ui/button-class';
import { CodeForm } from '@/components/ui/code-form';

/**
 * "Move to a new phone" (lib/auth/mfa/move.ts): the code mailed to the login (the page's
 * EnrolProofForm sends it) and the first code of the app on the new phone; then the new recovery
 * codes, shown once, and "Continue" to `next`. `steps`: the page's set-up steps (the mailed code's
 * form, the QR code), shown before the form and gone with it once the codes replace it: the move's
 * new session cookie makes Next render the page again, with the next move's QR code, which must not
 * be scanned. Decided in React (ActionForm `lead`), so it holds in a browser without CSS `:has()`
 * and without JavaScript, where the page comes back from the form's post with the answer in it.
 */
export function MovePhoneForm({
  action,
  next,
  steps,
}: {
  action: FormAction<{ recoveryCodes: string[] }>;
  next: string;
  steps: ReactNode;
}) {
  const t = useTranslations('mfa');
  return (
    <CodeForm
      action={action}
      next={next}
      label={t('move.appCode')}
      submit={t('move.submit')}
      id="move-code"
      messageId="move-message"
      mailCode={{ label: t('setup.mailCode') }}
      lead={steps}
      done={(state) => (
        <RecoveryCodeList message={state.message} codes={state.data.recoveryCodes}>
          <Link href={next} className={buttonClass('primary', 'self-start')}>
            {t('setup.continue')}
          </Link>
        </RecoveryCodeList>
      )}
    />
  );
}
