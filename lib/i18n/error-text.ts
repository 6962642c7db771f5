// The root error boundary's words (app/error.tsx), translated on the server by app/layout.tsx and
// handed down by components/i18n/error-text.tsx. A plain module: server and client both import it.

/** The error boundary's words (catalogue namespace `errors`). */
export type ErrorText = {
  title: string;
  body: string;
  retry: string;
  /** "Reference: …" with DIGEST_SLOT where the error's digest goes. */
  reference: string;
  /** The title and words for a page the database could not serve (DATABASE_UNAVAILABLE_DIGEST). */
  unavailableTitle: string;
  unavailableBody: string;
};

/**
 * The digest of a page error that the database's unavailability caused (lib/server/db/unavailable.ts
 * sets it; Next.js keeps an error's own digest). The boundary then says so, instead of "something
 * went wrong" and a reference, and serve.mjs answers 503.
 */
export const DATABASE_UNAVAILABLE_DIGEST = 'TOLLGATE_DATABASE_UNAVAILABLE';

/** Stands for the digest in ErrorText.reference; the boundary puts the real one in its place. */
export const DIGEST_SLOT = '\u2063digest\u2063';
