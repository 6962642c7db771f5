import { Link } from '@/components/ui/link';
import type { ReactNode } from 'react';

/**
 * The head of a page: an optional "back" link above the page's one h1, then whatever the page
 * states under it (a live status, a short intro).
 */
export function PageHead({
  back,
  title,
  children,
}: {
  back?: { href: string; label: string };
  title: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-2">
      {back ? (
        <Link href={back.href} className="text-sm text-blue-800 underline">
          {back.label}
        </Link>
      ) : null}
      <h1 className="text-2xl font-bold">{title}</h1>
      {children}
    </div>
  );
}
