import crypto from 'node:crypto';
import { vi } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';

// The edge of a test that posts forms to real server actions (lib/<domain>/actions.ts through
// lib/server/safe-action.ts): Next's session and request headers exist only inside a request, so the
// signed-in user and the request's address are set here; everything behind them runs for real.
// Import this module before the actions (they are loaded with `await import(...)` after it).

/** The user the session reports (null: signed out); a test sets `session.user` before posting. */
export const session = { user: null as CurrentUser | null };

/** The address and user agent every action sees: what its audit rows record. */
export const EDGE_META = { ip: '192.0.2.80', userAgent: 'vitest' } as const;

vi.mock('@/lib/auth/session', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  currentUser: async () => session.user,
}));
vi.mock('@/lib/server/request-meta', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  requestMeta: async () => ({ ...EDGE_META }),
}));

/**
 * For `.catch(…)` on an action that ends in a redirect: swallows the error Next throws for it
 * (`NEXT_REDIRECT` in its digest) and rethrows anything else.
 */
export function ignoreRedirect(e: unknown): void {
  if (!String((e as { digest?: string }).digest ?? e).includes('NEXT_REDIRECT')) throw e;
}

/**
 * A form as one render of a page posts it, with that render's idempotency key (lib/server/idempotency.ts:
 * a new UUID, as the page makes one): for the actions that apply once per render.
 */
export function rendered(fields: Record<string, string | string[]>): FormData {
  return form({ ...fields, idempotencyKey: crypto.randomUUID() });
}

/** A posted form: each field once, or once per value of an array (checkbox groups such as `callIds[]`). */
export function form(fields: Record<string, string | string[]>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) f.append(k, x);
  return f;
}
