'use client';
import { useTranslations } from 'next-intl';

/** Never shows internals: only the digest that the server log carries next to the real error. */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const t = useTranslations('errors');
  return (
    <div role="alert" className="flex flex-col gap-3">
      <h1 className="text-2xl font-bold">{t('errorTitle')}</h1>
      <p>{t('error')}</p>
      {error.digest ? (
        <p className="text-sm text-slate-600">{t('reference', { digest: error.digest })}</p>
      ) : null}
      <button
        type="button"
        onClick={reset}
        className="self-start rounded-md bg-blue-800 px-4 py-2 font-semibold text-white"
      >
        {t('retry')}
      </button>
    </div>
  );
}
