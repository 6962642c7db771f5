'use client';
import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A paragraph that takes the keyboard focus when it first appears (tabindex -1: focusable by script,
 * not a tab stop), for the outcome a server action redirects to. The form that was submitted is gone
 * from the page, so without this the focus falls to the document and the next Tab starts from wherever
 * the button used to be (WCAG 2.2 SC 2.4.3 Focus Order). Focus moves once, on mount: a refresh of the
 * page that keeps the paragraph does not pull the focus back.
 */
export function FocusOnArrival({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <p ref={ref} tabIndex={-1} className={className}>
      {children}
    </p>
  );
}
