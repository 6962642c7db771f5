import { Link } from '@/components/ui/link';
import type { ReactNode } from 'react';
import { PAGE_LINK } from '@/components/ui/button-class';

/**
 * The head of a page: an optional "back" link above the page's one h1 (a PAGE_LINK: 44 px tall on a
 * phone), then whatever the page states under it (a live status, a short intro).
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
        <Link href={back.href} className={`${PAGE_LINK} self-start text-sm`}>
          {back.label}
        </Link>
      ) : null}
      <h1 className="text-2xl font-bold">{title}</h1>
      {children}
    </div>
  );
}
