'use client';
import { useErrorText } from '@/components/i18n/error-text';
import { DIGEST_SLOT } from '@/lib/i18n/error-text';
import { buttonClass } from '@/components/ui/button-class';

/**
 * Never shows internals: only the digest that the server log carries next to the real error. Its words
 * come from app/layout.tsx (ErrorTextProvider), not next-intl's client provider: see error-text.tsx.
 */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const t = useErrorText();
  return (
    <div role="alert" className="flex flex-col gap-3">
      <h1 className="text-2xl font-bold">{t.title}</h1>
      <p>{t.body}</p>
      {error.digest ? (
        <p className="text-sm text-slate-600">{t.reference.replace(DIGEST_SLOT, error.digest)}</p>
      ) : null}
      <button type="button" onClick={reset} className={buttonClass('primary', 'self-start')}>
        {t.retry}
      </button>
    </div>
  );
}
