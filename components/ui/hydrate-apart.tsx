import { Suspense, type ReactNode } from 'react';

/**
 * A page's content, unchanged, in a Suspense boundary of its own so that the browser hydrates it
 * apart from the root: React hydrates the root (layout, header) in one task at page load, and leaves
 * a boundary that arrived complete in the HTML to a later pass at its lowest priority, which it runs
 * in slices of about 5 ms instead of one long task (issue 14 goal 6: Lighthouse's mobile total
 * blocking time, where those tasks count four times over). A click or key press inside it before that
 * pass hydrates it at once and is replayed, as React does for any boundary.
 *
 * Use it around what a page renders after its own checks and reads: `notFound()`, `redirect()` and
 * data reads stay above it, so the status code and the first bytes of the page are what they were.
 * It shows no fallback: whatever inside suspends on the server (a streamed list with its own
 * boundary) streams as before.
 */
export function HydrateApart({ children }: { children: ReactNode }) {
  return <Suspense>{children}</Suspense>;
}
