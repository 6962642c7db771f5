import { getLocale, getTranslations } from 'next-intl/server';
import { LiftPolicyForm, type LiftPolicyWords } from '@/components/staff/lift-policy-form';
import { displayEmail } from '@/lib/auth/email-address';
import { requireStaff } from '@/lib/auth/session';
import { intlTag } from '@/lib/i18n/locales';
import { pageTitle } from '@/lib/i18n/page-title';
import { liftPolicyForAdmin } from '@/lib/policy/change';
import { SETTABLE_REASONS } from '@/lib/policy/settings';
import { newIdempotencyKey } from '@/lib/server/idempotency';
import { formatWhen } from '@/lib/time/format';

export const generateMetadata = () => pageTitle('staff.policy.title');

/**
 * The admins' lift policy (docs/staff-console.md "Lift policy"): which block reasons need a person
 * before international calling comes back. Admins only: an agent gets a 404, as on /staff/users, and
 * the action checks again (lib/policy/actions.ts). The page says what a change does to blocks in force.
 */
export default async function StaffPolicyPage() {
  const user = await requireStaff(['admin']);
  const [policy, t, reason, locale] = await Promise.all([
    liftPolicyForAdmin(user),
    getTranslations('staff.policy'),
    getTranslations('staff.labels.reason'),
    getLocale(),
  ]);
  const at = policy.updatedAt
    ? formatWhen(policy.updatedAt, user.timeZone, { locale: intlTag(locale) })
    : null;
  const words: LiftPolicyWords = {
    legend: t('legend'),
    reasons: Object.fromEntries(
      [...SETTABLE_REASONS, 'manual' as const].map((r) => [r, { label: reason(r), hint: t(`hint.${r}`) }]),
    ) as LiftPolicyWords['reasons'],
    reason: t('reason'),
    reasonHint: t('reasonHint'),
    save: t('save'),
    saving: t('saving'),
  };
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p className="max-w-3xl">{t('intro')}</p>
      <p className="max-w-3xl">{t('effect')}</p>
      <p className="text-sm text-slate-700">
        {at === null
          ? t('neverChanged')
          : policy.updatedBy
            ? t('lastChanged', { at, email: displayEmail(policy.updatedBy) })
            : t('lastChangedAt', { at })}
      </p>
      <LiftPolicyForm
        reasons={policy.reasons}
        version={policy.version}
        idempotencyKey={newIdempotencyKey()}
        words={words}
      />
    </div>
  );
}
