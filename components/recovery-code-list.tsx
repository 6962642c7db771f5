import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';

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
      <p className="font-semibold text-emerald-900">{message}</p>
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
