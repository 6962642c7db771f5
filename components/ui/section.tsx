import type { ReactNode } from 'react';

/**
 * A page section named by its own heading (`aria-labelledby` → the h2's `id`), so it is a region
 * landmark a screen reader lists. `gap`: Tailwind spacing between the heading and what follows.
 */
export function Section({
  id,
  title,
  gap = 3,
  size = 'xl',
  children,
}: {
  id: string;
  title: ReactNode;
  gap?: 1 | 2 | 3;
  size?: 'lg' | 'xl';
  children?: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className={`flex flex-col ${{ 1: 'gap-1', 2: 'gap-2', 3: 'gap-3' }[gap]}`}>
      <h2 id={id} className={size === 'lg' ? 'text-lg font-semibold' : 'text-xl font-semibold'}>
        {title}
      </h2>
      {children}
    </section>
  );
}
