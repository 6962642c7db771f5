import { type ReactNode, useId } from 'react';

/** Every body row ruled below; every cell padded, the last one of a row with no gap on its right. */
const BODY = '[&>tr]:border-b [&>tr]:border-slate-100 [&>tr>td]:py-2 [&>tr>td:not(:last-child)]:pr-3';

/**
 * A table that may be wider than the screen: a caption for screen readers, one column header per entry
 * of `headers` (scope="col"), then the rows the caller renders, in a box that scrolls sideways when
 * the table does not fit (a phone). The box is always a focusable, named region (the GOV.UK and USWDS
 * pattern): a keyboard user reaches it with Tab and scrolls it with the arrow keys (WCAG 2.1.1; axe
 * scrollable-region-focusable), a screen reader names it, and the focus ring is the portal's own
 * (`:focus-visible` in app/globals.css). The region is named by the table's caption: a caption
 * must tell the page's tables apart (two regions of one name are one too many: axe landmark-unique),
 * so it says more than a heading above it (whose account, in what order).
 * `minWidth`: a Tailwind class such as `min-w-[40rem]`, for a table that should scroll rather than
 * squeeze its columns.
 *
 * The look of the body's rows and cells (a rule under each row, the cells' padding) is set once here
 * on the `<tbody>`, not on each `<tr>` and `<td>`: a page of the audit log has 50 rows of 7 cells, and
 * every class on a cell is sent twice (the HTML and the RSC payload) and rendered three times (Flight,
 * its reading for SSR, the HTML). `bodyClassName` adds a table's own look the same way (Tailwind
 * arbitrary variants such as `[&_a]:underline`).
 */
export function DataTable({
  caption,
  headers,
  minWidth,
  note,
  bodyClassName,
  children,
}: {
  caption: string;
  headers: readonly ReactNode[];
  minWidth?: string;
  /** A line under the table, inside the scrolling box (e.g. where the data comes from). */
  note?: ReactNode;
  /** Classes added to the `<tbody>`, beside the rows' and cells' own look. */
  bodyClassName?: string;
  children: ReactNode;
}) {
  const captionId = useId();
  return (
    <div className="overflow-x-auto" role="region" tabIndex={0} aria-labelledby={captionId}>
      <table className={['w-full', minWidth, 'text-left text-sm'].filter(Boolean).join(' ')}>
        <caption id={captionId} className="sr-only">
          {caption}
        </caption>
        <thead>
          <tr className="border-b border-slate-300 text-slate-700">
            {headers.map((h, i) => (
              <th key={i} scope="col" className="py-2 pr-3">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={[BODY, bodyClassName].filter(Boolean).join(' ')}>{children}</tbody>
      </table>
      {note}
    </div>
  );
}
