import type { ReactNode } from 'react';

/**
 * A list of items, or one line saying there are none (`empty`). `children` renders one item's
 * content inside its <li> (keyed by the item's id); classes go to the <ul>, each <li> and the
 * empty line.
 */
export function ListOr<T extends { id: string }>({
  items,
  empty,
  className,
  itemClassName,
  emptyClassName,
  children,
}: {
  items: readonly T[];
  empty: ReactNode;
  className?: string;
  itemClassName?: string;
  emptyClassName?: string;
  children: (item: T) => ReactNode;
}) {
  if (items.length === 0) return <p className={emptyClassName}>{empty}</p>;
  return (
    <ul className={className}>
      {items.map((item) => (
        <li key={item.id} className={itemClassName}>
          {children(item)}
        </li>
      ))}
    </ul>
  );
}
