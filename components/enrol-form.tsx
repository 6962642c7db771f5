'use client';
import { Link } from '@/components/ui/link';
import { useTranslations } from 'next-intl';
import { RecoveryCodeList } from '@/components/recovery-code-list';
import type { FormAction } from '@/components/ui/action-form';
import { CodeForm } from '@/components/ui/code-form';
import { buttonClass } from '@/components/ui/button-class';

/**
 * Confirms the authenticator with its first code and the code mailed to the login (EnrolProofForm
 * sends it), then shows the recovery codes once. `on`: the
 * second factor is on already; before any answer the form then only says so, and offers `moveHref`
 * ("Move to a new phone", app/security/two-factor/move) when given. The enrolment's new
 * session cookie makes Next render the page again with `on` (app/security/two-factor/page.tsx): this
 * form keeps its state through that, so the codes stay on screen.
 */
export function EnrolForm({
  action,
  next,
  on = false,
  moveHref,
}: {
  action: FormAction<{ recoveryCodes: string[] }>;
  next: string;
  on?: boolean;
  moveHref?: string;
}) {
  const t = useTranslations('mfa');
  const continueLink = (
    <Link href={next} className={buttonClass('primary', 'self-start')}>
      {t('setup.continue')}
    </Link>
  );
  return (
    <CodeForm
      action={action}
      next={next}
      label={on ? t('code') : t('setup.appCode')}
      submit={t('verify')}
      messageId="enrol-message"
      mailCode={{ label: t('setup.mailCode') }}
      done={(state) => (
        <RecoveryCodeList message={state.message} codes={state.data.recoveryCodes}>
          {continueLink}
        </RecoveryCodeList>
      )}
      idle={
        on ? (
          <>
            <div className="flex flex-col gap-3" role="status">
              <p className="font-semibold text-emerald-900">{t('setup.on')}</p>
              {continueLink}
            </div>
            {moveHref ? (
              <>
                <p>{t('move.offer')}</p>
                <Link href={moveHref} className={buttonClass('secondary', 'self-start')}>
                  {t('move.link')}
                </Link>
              </>
            ) : null}
          </>
        ) : undefined
      }
    />
  );
}
