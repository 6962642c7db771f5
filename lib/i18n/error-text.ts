// The root error boundary's words (app/error.tsx), translated on the server by app/layout.tsx and
// handed down by components/i18n/error-text.tsx. A plain module: server and client both import it.

/** The error boundary's words (catalogue namespace `errors`). */
export type ErrorText = {
  title: string;
  body: string;
  retry: string;
  /** "Reference: …" with DIGEST_SLOT where the error's digest goes. */
  reference: string;
};

/** Stands for the digest in ErrorText.reference; the boundary puts the real one in its place. */
export const DIGEST_SLOT = '\u2063digest\u2063';
