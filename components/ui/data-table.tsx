import type { ReactNode } from 'react';

/**
 * A wide table that scrolls sideways on a narrow screen: a caption for screen readers, one column
 * header per entry of `headers` (scope="col"), then the rows the caller renders. With `region`, the
 * scrolling box is a focusable named region, so a keyboard user can scroll it (axe
 * scrollable-region-focusable). `minWidth`: a Tailwind class such as `min-w-[40rem]`.
 */
export function DataTable({
  caption,
  headers,
  minWidth,
  region,
  note,
  children,
}: {
  caption: string;
  headers: readonly ReactNode[];
  minWidth: string;
  region?: string;
  /** A line under the table, inside the scrolling box (e.g. where the data comes from). */
  note?: ReactNode;
  children: ReactNode;
}) {
  const box = region ? { tabIndex: 0, role: 'region', 'aria-label': region } : {};
  return (
    <div className="overflow-x-auto" {...box}>
      <table className={`w-full ${minWidth} text-left text-sm`}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-300 text-slate-700">
            {headers.map((h, i) => (
              <th key={i} scope="col" className="py-2 pr-3">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
      {note}
    </div>
  );
}
