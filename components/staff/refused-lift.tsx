import { useTranslations } from 'next-intl';
import { actorName } from '@/components/ui/actor-name';
import { When } from '@/components/ui/when';
import type { StaffAccountView } from '@/lib/staff/account-detail';
import type { Translate } from '@/lib/i18n/note';
import { switchErrorText, withdrawnByTollgate } from '@/lib/switch/error-text';

/** One of the account's changes for the switch, as the staff account page holds them (newest first). */
type Operation = StaffAccountView['operations'][number];

/** The id of the staff account page's "Changes for the switch" heading (app/staff/accounts/[number]/page.tsx). */
export const OPERATIONS_ID = 'ops-title';

/**
 * The lift of block `blockId` the switch refused, when that is the latest word on it: the newest lift
 * among `operations` (the account page's changes for the switch, newest first: lib/staff/account-detail.ts)
 * that was for this block (its `blockIds`) ended `failed`, and not withdrawn by Tollgate itself
 * (withdrawnByTollgate: a new block, support's block, a suspect credential; the switch was not the
 * one that said no). A later lift of the block, on its way, confirmed or withdrawn, answers first:
 * null. Null too when no lift of the block is among them (the page reads the latest ten changes).
 * Pure: the page's data, no statement of its own.
 */
export function refusedLiftOf(blockId: string, operations: readonly Operation[]): Operation | null {
  const latest = operations.find((o) => o.kind === 'lift' && o.blockIds.includes(blockId));
  return latest && latest.status === 'failed' && !withdrawnByTollgate(latest) ? latest : null;
}

/**
 * On a block's card on the staff account page, beside "Lift block": that the switch refused the lift
 * asked for this block, when and by whom, the switch's answer in the reader's words
 * (lib/switch/error-text.ts switchErrorText, as "Changes for the switch" says it), and a link to that
 * list. Only while the block is in force (`active`): the switch's refusal put it back in force, and an
 * agent reading "In force" with "Lift block" offered again would otherwise click it again. A polite
 * live region (`role="status"`, as the page's own state line under its title), rendered empty while
 * there is nothing to say and the block is not lifted, so that the line is announced when a refreshed
 * page brings it (the page refreshes itself while a change waits for the switch). Times in the
 * reader's zone (next-intl's request zone: the agent's).
 */
export function RefusedLift({
  block,
  operations,
}: {
  block: { id: string; status: string };
  operations: readonly Operation[];
}) {
  const t = useTranslations('staff.account');
  const who = useTranslations('actors');
  const all = useTranslations() as unknown as Translate;
  if (block.status === 'lifted') return null;
  const refused = block.status === 'active' ? refusedLiftOf(block.id, operations) : null;
  return (
    <div role="status" aria-live="polite">
      {refused ? (
        <p className="text-sm font-medium text-red-900">
          {t.rich('liftRefused', {
            by: refused.actor ? actorName(who, refused.actor) : 'none',
            error: refused.lastError
              ? switchErrorText(all, refused.lastError, 'staff', { named: true })
              : 'none',
            when: () => <When at={refused.createdAt} />,
            ops: (chunks) => (
              <a href={`#${OPERATIONS_ID}`} className="text-blue-800 underline">
                {chunks}
              </a>
            ),
          })}
        </p>
      ) : null}
    </div>
  );
}
