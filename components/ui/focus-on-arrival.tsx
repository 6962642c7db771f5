'use client';
import { type ReactNode, useEffect, useRef } from 'react';

/**
 * The notice of a done thing (green, with a visible focus ring) that takes the keyboard focus when it
 * first appears (tabindex -1: focusable by script, not a tab stop), for the outcome a server action
 * redirects to. The form that was submitted is gone
 * from the page, so without this the focus falls to the document and the next Tab starts from wherever
 * the button used to be (WCAG 2.2 SC 2.4.3 Focus Order). Focus moves once, on mount: a refresh of the
 * page that keeps the paragraph does not pull the focus back; a caller whose page can show a second
 * notice in its place keys it by the notice.
 */
export function FocusOnArrival({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <p
      ref={ref}
      tabIndex={-1}
      className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-emerald-950 focus:outline-2 focus:outline-offset-1 focus:outline-blue-700"
    >
      {children}
    </p>
  );
}
