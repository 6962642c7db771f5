'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, type FormAction } from '@/components/ui/action-form';

/**
 * "Email me a code" on the two-factor set-up page (lib/auth/mfa/enrol-proof.ts): mails the code the
 * enrolment form asks for beside the authenticator's, and says so (or why not) in its live region.
 * Pressed again, it sends a new code that replaces the last.
 */
export function EnrolProofForm({ action }: { action: FormAction<undefined> }) {
  const t = useTranslations('mfa');
  return (
    <ActionForm
      action={action}
      className="flex flex-col gap-2"
      messageId="enrol-proof-message"
      submit={t('setup.sendCode')}
      variant="secondary"
      buttonFirst
    />
  );
}
