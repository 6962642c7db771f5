import type { ReactNode } from 'react';

/**
 * Values a customer may skip and support may ask for (a registration's Contact URI, where the
 * countries of internet addresses come from), folded under `summary` (app.technicalDetails, "Technical
 * details"): a native <details>, so it opens with Enter or Space and screen readers announce it as
 * collapsed or expanded, with nothing to load. Closed by default; `className` goes to the <details>.
 * No hooks: server and client components alike.
 */
export function TechnicalDetails({
  summary,
  children,
  className = '',
}: {
  summary: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <details className={`text-sm ${className}`}>
      <summary className="w-fit cursor-pointer py-3 text-slate-700 underline">{summary}</summary>
      {children}
    </details>
  );
}
