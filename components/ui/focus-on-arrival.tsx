'use client';
import { type ReactNode, type RefObject, useEffect, useRef } from 'react';

/**
 * A ref that puts the keyboard focus on its element when the element first appears (`on`: whether to,
 * default yes; callers pass a constant, or one that turns true once, when the focus then moves: FocusOnArrival
 * `focus`): the one way the portal moves focus on arrival, for a notice (FocusOnArrival) or for the
 * field a page is for (the second factor's code, components/ui/code-form.tsx). Focus moves once, on
 * mount: a refresh of the page that keeps the element does not pull the focus back. By script rather
 * than React's `autoFocus`, which only applies to form controls: one behaviour for every kind of element.
 */
export function useFocusOnArrival<T extends HTMLElement>(on = true): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (on) ref.current?.focus();
  }, [on]);
  return ref;
}

/**
 * Puts the keyboard focus on the last heading (h1–h6) before `node` in document order: for a form
 * that closed under the focus (its button is gone, components/ui/action-form.tsx `closed`), whose
 * answer stays in its live region. The heading names what was acted on, and is not in that live
 * region, so the answer is read once (by the region) and the next Tab goes on from here instead of
 * from the top of the page (WCAG 2.2 SC 2.4.3 Focus Order). A heading that is not focusable gets
 * tabindex -1 (focusable by script, not a tab stop) until it loses the focus. Returns the heading
 * focused, or null when no rendered heading comes before `node`.
 */
export function focusHeadingBefore(node: Node): HTMLElement | null {
  let heading: HTMLElement | null = null;
  for (const h of document.querySelectorAll<HTMLElement>('h1, h2, h3, h4, h5, h6')) {
    if (!(h.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING)) break;
    // A heading not rendered (display: none) cannot take the focus.
    if (h.getClientRects().length > 0) heading = h;
  }
  if (!heading) return null;
  if (!heading.hasAttribute('tabindex')) {
    const target = heading;
    target.setAttribute('tabindex', '-1');
    target.addEventListener('blur', () => target.removeAttribute('tabindex'), { once: true });
  }
  heading.focus();
  return heading;
}

/** How a FocusOnArrival paragraph looks: a boxed notice, or the title of what replaced a form. */
const LOOK = {
  notice: 'rounded-md border border-emerald-300 bg-emerald-50 p-3 text-emerald-950',
  title: 'text-lg font-semibold text-emerald-900',
  /** What a page shows in answer to a request, neither done nor wrong: a search's "3 accounts match". */
  answer: 'font-medium',
} as const;

/**
 * The notice of a done thing (green, with a visible focus ring) that takes the keyboard focus when it
 * first appears (tabindex -1: focusable by script, not a tab stop), for the outcome a server action
 * redirects to, or (`look="title"`) the title of what replaced a form ("Password updated"). The form
 * that was submitted is gone
 * from the page, so without this the focus falls to the document and the next Tab starts from wherever
 * the button used to be (WCAG 2.2 SC 2.4.3 Focus Order). A caller whose page can show a second notice in
 * its place keys it by the notice. `focus` false: not yet (a caller that decides in the browser whether
 * the notice is news, components/staff/decision-notice.tsx); it takes the focus when `focus` turns true.
 */
export function FocusOnArrival({
  children,
  look = 'notice',
  focus = true,
}: {
  children: ReactNode;
  look?: keyof typeof LOOK;
  focus?: boolean;
}) {
  const ref = useFocusOnArrival<HTMLParagraphElement>(focus);
  return (
    <p
      ref={ref}
      tabIndex={-1}
      className={`${LOOK[look]} focus:outline-2 focus:outline-offset-1 focus:outline-blue-700`}
    >
      {children}
    </p>
  );
}
