import 'server-only';
import { z } from 'zod';
import { db } from '@/lib/server/db';
import { postedId } from '@/lib/server/form-issues';
import { done, refuse, staffDecision, type Decision } from '@/lib/server/decide-once';

// Staff resolve what the reconciler (lib/blocks/reconcile.ts, via lib/blocks/lifecycle.ts) found.

export const resolveSyncSchema = z.object({
  issueId: postedId,
  note: z.string().trim().min(5, 'outcome.field.syncNote').max(2000),
});

/**
 * Staff mark an out-of-sync account as looked at (with a note): ok with `outcome.sync.resolved`;
 * not_found (a 404) for an unknown issue; conflict `outcome.sync.gone` when someone else resolved it
 * first (one conditional update: of two agents at once, one wins). Audited as reconcile.resolved.
 */
export const resolveSyncIssue = staffDecision(
  (input: z.output<typeof resolveSyncSchema>) => db.syncIssue.findUnique({ where: { id: input.issueId } }),
  async (tx, issue, { note }, user): Promise<Decision<undefined>> => {
    const won = await tx.syncIssue.updateMany({
      where: { id: issue.id, resolvedAt: null },
      data: { resolvedAt: new Date(), resolvedById: user.id, resolvedNote: note },
    });
    if (won.count !== 1) return refuse('conflict', 'outcome.sync.gone');
    const target = { type: 'sync_issue', id: issue.id };
    return done(
      { action: 'reconcile.resolved', accountId: issue.accountId, target, detail: { note } },
      'outcome.sync.resolved',
    );
  },
);
