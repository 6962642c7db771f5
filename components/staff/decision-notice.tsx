'use client';
import { useState, type ReactNode } from 'react';
import { FocusOnArrival } from '@/components/ui/focus-on-arrival';
import type { DecisionBanner } from '@/lib/requests/decision-banner';

/**
 * The staff request page's notice after a decision (`kind`: lib/requests/decision-banner.ts;
 * `children`: its sentence). It takes the keyboard focus as it appears, and is read then, once: the page
 * puts it in no live region, which would read it a second time. The redirect after each decision made
 * on the page (again, after `liftUndone`) brings its notice anew, and it takes the focus the same way.
 *
 * A notice that changes while it is shown is said too, once, without taking the focus back: the
 * page's auto-refresh turns `approved` into `liftUndone` when the switch refuses the lift, while the
 * agent may be anywhere on the page. The new sentence goes, in place of the first, into a live region
 * inside the notice, there and empty since the notice arrived (a region added with its words is not
 * reliably read).
 */
export function DecisionNotice({ kind, children }: { kind: DecisionBanner; children: ReactNode }) {
  const [arrived] = useState(kind);
  const later = kind !== arrived;
  return (
    <FocusOnArrival>
      {later ? null : children}
      <span aria-live="polite">{later ? children : null}</span>
    </FocusOnArrival>
  );
}
