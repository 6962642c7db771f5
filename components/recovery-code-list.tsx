import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { FocusOnArrival } from '@/components/ui/focus-on-arrival';

/**
 * Recovery codes, shown once right after they were made (set-up, or "New recovery codes"), under the
 * action's message, as a status region; `children` follow the list (e.g. a "Continue" link).
 */
export function RecoveryCodeList({
  message,
  codes,
  children,
}: {
  message?: string;
  codes: string[];
  children?: ReactNode;
}) {
  const t = useTranslations('mfa.recovery');
  return (
    <div className="flex flex-col gap-3" role="status">
      {/* Takes the focus: the form and its button are gone, and a status region inserted with its
          text already in it is not announced by NVDA or JAWS (review, session 34). */}
      <FocusOnArrival look="title">{message}</FocusOnArrival>
      <p>{t('store')}</p>
      <ul
        aria-label={t('list')}
        className="grid grid-cols-2 gap-1 rounded-md border border-slate-300 bg-white p-3 font-mono"
      >
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      {children}
    </div>
  );
}
