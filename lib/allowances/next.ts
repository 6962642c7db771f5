import 'server-only';
import { allowanceCardHref } from '@/lib/allowances/href';
import type { CurrentUser } from '@/lib/auth/session';
import { oldestNotTaken } from '@/lib/requests/queue';
import type { QueueFilter } from '@/lib/requests/queue-filter';
import { oldestAllowanceNotTaken } from './queries';

/**
 * The request "Next request" opens (docs/staff-console.md, "Taking a request"): an unblock request
 * (`{ kind: 'unblock', id }`, decided on its own page) or a destination-allowance request
 * (`{ kind: 'allowance', id, accountNumber }`, decided at its card on its account's staff page).
 */
export type NextRequest =
  { kind: 'unblock'; id: string } | { kind: 'allowance'; id: string; accountNumber: string };

/**
 * Where `next` is decided, with `query` (the queue's filter as URL parameters, without "?"; '' for
 * none) in the address, so its page's own "Next request" keeps the filter: an unblock request's page
 * (`/staff/requests/<id>?kind=misdial`), or an allowance request's card on its account's staff page
 * (allowanceCardHref: `/staff/accounts/ACC-…?kind=allowance#allowance-<id>`, the query before the
 * fragment). Where "Next request" and "Take next request" open what they found.
 */
export function nextRequestHref(next: NextRequest, query: string): string {
  if (next.kind === 'allowance') return allowanceCardHref(next.accountNumber, next.id, query);
  return `/staff/requests/${next.id}${query ? `?${query}` : ''}`;
}

/**
 * The oldest waiting request nobody holds now (never taken, released, or its claim lapsed) on the
 * desk `filter` describes, or null when none waits free:
 * - `kind` `allowance`: allowance requests (lib/allowances/queries.ts oldestAllowanceNotTaken);
 * - `kind` `misdial` or `firewall`, or a block `reason` (allowance requests have none): unblock
 *   requests of that kind and reason (lib/requests/queue.ts oldestNotTaken);
 * - neither (the whole desk): the older of the two kinds' oldest by `createdAt`; at the same instant
 *   the unblock request, whose customer is without international calling altogether.
 * Read when the link is followed. Throws (assertStaff) for a caller who is not staff.
 */
export async function nextRequest(
  user: CurrentUser | null,
  filter: Pick<QueueFilter, 'kind' | 'reason'>,
): Promise<NextRequest | null> {
  const { kind, reason } = filter;
  const allowance = async () => {
    const a = await oldestAllowanceNotTaken(user);
    return a
      ? { kind: 'allowance' as const, id: a.id, accountNumber: a.accountNumber, at: a.createdAt }
      : null;
  };
  const unblock = async () => {
    const u = await oldestNotTaken(user, { kind: kind === 'allowance' ? undefined : kind, reason });
    return u ? { kind: 'unblock' as const, id: u.id, at: u.createdAt } : null;
  };
  const found =
    kind === 'allowance'
      ? await allowance()
      : kind || reason
        ? await unblock()
        : await Promise.all([unblock(), allowance()]).then(([u, a]) =>
            u && a ? (a.at < u.at ? a : u) : (u ?? a),
          );
  if (!found) return null;
  return found.kind === 'unblock'
    ? { kind: 'unblock', id: found.id }
    : { kind: 'allowance', id: found.id, accountNumber: found.accountNumber };
}
