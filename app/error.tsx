'use client';
import { useErrorText } from '@/components/i18n/error-text';
import { DATABASE_UNAVAILABLE_DIGEST, DIGEST_SLOT } from '@/lib/i18n/error-text';
import { buttonClass } from '@/components/ui/button-class';

/**
 * Never shows internals: only the digest that the server log carries next to the real error, or, for
 * a page the database could not serve (DATABASE_UNAVAILABLE_DIGEST), words that say so and no
 * reference. "Try again" is Next's `retry`: it fetches the page from the server again (`reset` alone
 * would render the same failed answer). Its words come from app/layout.tsx (ErrorTextProvider), not
 * next-intl's client provider: see error-text.tsx.
 */
export default function ErrorPage({
  error,
  retry,
}: {
  error: Error & { digest?: string };
  retry: () => void;
}) {
  const t = useErrorText();
  const unavailable = error.digest === DATABASE_UNAVAILABLE_DIGEST;
  return (
    <div role="alert" className="flex flex-col gap-3">
      <h1 className="text-2xl font-bold">{unavailable ? t.unavailableTitle : t.title}</h1>
      <p>{unavailable ? t.unavailableBody : t.body}</p>
      {error.digest && !unavailable ? (
        <p className="text-sm text-slate-600">{t.reference.replace(DIGEST_SLOT, error.digest)}</p>
      ) : null}
      <button type="button" onClick={retry} className={buttonClass('primary', 'self-start')}>
        {t.retry}
      </button>
    </div>
  );
}
