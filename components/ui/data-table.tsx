import { Children, cloneElement, isValidElement, type ReactElement, type ReactNode, useId } from 'react';

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
 * `stack`: below Tailwind's md breakpoint (a phone), each body row is shown as a card of "header:
 * value" lines instead (the `table-stack` rules in app/globals.css), so that every column is seen
 * without scrolling sideways; from md up the table is as without it. The customer's tables stack:
 * where the calls went is the point of the block page, and on a phone only the first two columns
 * were in view, with nothing to say the rest scrolled. The card shows each cell's column header as its
 * label, from `headers` (a header that is not plain text gives no label); the table stays a table for
 * a screen reader and for the e2e specs (rows, cells, column headers), and every part of it carries
 * its role explicitly, because WebKit drops a table's semantics once its display is changed. So with
 * `stack` the children must be `<tr>` elements whose cells are `<td>` elements, one per header, written
 * in the caller's own JSX (not a component that renders them): DataTable adds `role` and the label
 * (`data-label`) to each. A cell's class can move it in the card (`max-md:-order-1`: first).
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
  stack = false,
  children,
}: {
  caption: string;
  headers: readonly ReactNode[];
  minWidth?: string;
  /** A line under the table, inside the scrolling box (e.g. where the data comes from). */
  note?: ReactNode;
  /** Classes added to the `<tbody>`, beside the rows' and cells' own look. */
  bodyClassName?: string;
  /** Each row a card of labelled cells on a phone (see above). */
  stack?: boolean;
  children: ReactNode;
}) {
  const captionId = useId();
  // Explicit roles only where the display changes (`stack`); elsewhere the elements' own suffice.
  const role = (r: string) => (stack ? r : undefined);
  return (
    <div className="overflow-x-auto" role="region" tabIndex={0} aria-labelledby={captionId}>
      <table
        role={role('table')}
        className={['w-full', minWidth, 'text-left text-sm', stack && 'table-stack']
          .filter(Boolean)
          .join(' ')}
      >
        <caption id={captionId} className="sr-only">
          {caption}
        </caption>
        <thead role={role('rowgroup')}>
          <tr role={role('row')} className="border-b border-slate-300 text-slate-700">
            {headers.map((h, i) => (
              <th key={i} role={role('columnheader')} scope="col" className="py-2 pr-3">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role={role('rowgroup')} className={[BODY, bodyClassName].filter(Boolean).join(' ')}>
          {stack ? stackedRows(children, headers) : children}
        </tbody>
      </table>
      {note}
    </div>
  );
}

/** A `<tr>` or `<td>` as the caller wrote it. */
type Host = ReactElement<{ children?: ReactNode; [attribute: string]: unknown }>;

/**
 * The body rows of a `stack` table with their roles, each cell labelled by its column's header
 * (`data-label`, which the card shows: app/globals.css `table-stack`). Anything that is not a `<tr>`
 * of `<td>`s is left as it is.
 */
function stackedRows(rows: ReactNode, headers: readonly ReactNode[]): ReactNode {
  return Children.map(rows, (row) => {
    if (!isValidElement(row) || row.type !== 'tr') return row;
    let column = 0;
    const cells = Children.map((row as Host).props.children, (cell) => {
      if (!isValidElement(cell) || cell.type !== 'td') return cell;
      const header = headers[column++];
      return cloneElement(cell as Host, {
        role: 'cell',
        'data-label': typeof header === 'string' ? header : undefined,
      });
    });
    return cloneElement(row as Host, { role: 'row' }, cells);
  });
}
