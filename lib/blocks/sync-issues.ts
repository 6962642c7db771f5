import 'server-only';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';

// Staff resolve what the reconciler (lib/blocks/reconcile.ts, via lib/blocks/lifecycle.ts) found.

export const resolveSyncSchema = z.object({
  issueId: z.string().min(1).max(64),
  note: z.string().trim().min(5, 'Write what you checked and what you did, for the next person.').max(2000),
});

/** Staff mark an out-of-sync account as looked at (with a note). False when it is unknown or already resolved. */
export async function resolveSyncIssue(
  user: CurrentUser,
  issueId: string,
  note: string,
  meta: RequestMeta,
): Promise<boolean> {
  assertStaff(user);
  return db.$transaction(async (tx) => {
    const issue = await tx.syncIssue.findUnique({ where: { id: issueId } });
    if (!issue) return false;
    const done = await tx.syncIssue.updateMany({
      where: { id: issueId, resolvedAt: null },
      data: { resolvedAt: new Date(), resolvedById: user.id, resolvedNote: note },
    });
    if (done.count !== 1) return false;
    await audit(
      {
        action: 'reconcile.resolved',
        actor: user,
        accountId: issue.accountId,
        target: { type: 'sync_issue', id: issueId },
        detail: { note },
        meta,
      },
      tx,
    );
    return true;
  });
}
