import 'server-only';
import { DATABASE_UNAVAILABLE_DIGEST } from '@/lib/i18n/error-text';
import { isDatabaseUnavailable } from '@/lib/server/db/errors';

// A page whose database cannot be used says so, and its answer is a 503 (RFC 9110 §15.6.4) with
// Retry-After, not a 500: the fault is an outage that passes, not a bug (docs/operations.md, "When
// the database stops answering").

/** What scripts/serve.mjs keeps per request, in an AsyncLocalStorage it puts on globalThis. */
type RequestFacts = { databaseUnavailable?: boolean };
const FACTS = Symbol.for('tollgate.requestFacts');

/**
 * Returns `e`. When it says the database could not be used (isDatabaseUnavailable), first sets its
 * `digest` to DATABASE_UNAVAILABLE_DIGEST, which Next.js keeps and hands the error boundary
 * (app/error.tsx), and notes it for this request, so that scripts/serve.mjs answers 503 with
 * Retry-After instead of 500 (nothing is noted under `next start` or in tests: no serve.mjs).
 * Usage: `catch (e) { throw markDatabaseUnavailable(e); }`, only where nothing of the request has been
 * done yet (userAction then tells the form "nothing changed"). The note stays for the request even if
 * a caller swallows the error (the header's, the language's): a page that then fails for another
 * reason in that same request also goes out as 503.
 */
export function markDatabaseUnavailable(e: unknown): unknown {
  if (!isDatabaseUnavailable(e) || typeof e !== 'object' || e === null) return e;
  Object.assign(e, { digest: DATABASE_UNAVAILABLE_DIGEST });
  const facts = (globalThis as { [FACTS]?: { getStore(): RequestFacts | undefined } })[FACTS]?.getStore();
  if (facts) facts.databaseUnavailable = true;
  return e;
}

/**
 * Whether `e` was marked by markDatabaseUnavailable: the database could not be used at a statement
 * before which the request had changed nothing, so a form can say that sending it changed nothing.
 */
export function markedUnavailable(e: unknown): boolean {
  return (e as { digest?: unknown } | null)?.digest === DATABASE_UNAVAILABLE_DIGEST;
}

/**
 * Runs `first`, a request's first database work (reads, or the one write that starts it, such as a
 * rate limit's count), and returns what it returns; an outage it meets is thrown marked
 * (markDatabaseUnavailable), anything else as it was. Only for work before which nothing was changed.
 */
export async function firstStatement<T>(first: () => Promise<T>): Promise<T> {
  try {
    return await first();
  } catch (e) {
    throw markDatabaseUnavailable(e);
  }
}
