'use client';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { RecoveryCodeList } from '@/components/recovery-code-list';
import type { FormAction } from '@/components/ui/action-form';
import { CodeForm } from '@/components/ui/code-form';
import { buttonClass } from '@/components/ui/button-class';

/** Confirms the authenticator with its first code, then shows the recovery codes once. */
export function EnrolForm({
  action,
  next,
}: {
  action: FormAction<{ recoveryCodes: string[] }>;
  next: string;
}) {
  const t = useTranslations('mfa');
  return (
    <CodeForm
      action={action}
      next={next}
      label={t('code')}
      submit={t('verify')}
      messageId="enrol-message"
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
