import type { ReactNode } from 'react';
import { Link } from '@/components/ui/link';
import type { SyncIssueInput } from '@/lib/blocks/lifecycle';
import { useTranslations } from 'next-intl';
import { foundSentence } from '@/lib/staff/sync-words';
import { StoredText } from '@/components/ui/stored-text';
import { When } from '@/components/ui/when';
import { ResolveSyncForm } from './resolve-sync-form';
import { SyncIssueList } from './sync-issue-list';

type Item = {
  id: string;
  detectedAt: Date;
  portalState: string;
  switchState: string;
  action: string;
  detail: string | null;
  account: { number: string; name: string };
};

// What Tollgate did about it, by SyncIssue.action; an action without a message shows its code. Typed
// by what openSyncIssue writes (lib/blocks/lifecycle.ts SyncIssueInput): a new action or state fails
// the type check here until it has its words (`staff.sync.action.*`, `staff.sync.state.*`).
const ACTION_WORDS: Record<SyncIssueInput['action'], true> = {
  blocked_in_portal: true,
  reapplied_on_switch: true,
  lift_refused: true,
  lifted_on_switch: true,
  allowance_gave_up: true,
  allowance_end_refused: true,
  allowance_refused: true,
  not_on_switch: true,
};
const ACTIONS = new Set<string>(Object.keys(ACTION_WORDS));
// What each side said (SyncIssue.portalState / switchState); anything else shows as stored. A lift
// the portal asked for (portalState 'lift_requested'), a change the switch refused (`refused`) and a
// state that is not known (`unknown`) have sentences of their own (lib/staff/sync-words.ts).
const STATE_WORDS: Record<
  Exclude<
    SyncIssueInput['portalState'] | SyncIssueInput['switchState'],
    'lift_requested' | 'refused' | 'unknown'
  >,
  true
> = { blocked: true, allowed: true, not_found: true };
const STATES = new Set<string>(Object.keys(STATE_WORDS));

/**
 * The section of accounts where the portal and the switch disagreed. Each entry says what each side
 * said (foundSentence), then what happened (its stored note, with the switch's answer), then what
 * Tollgate did and the one thing to do (`staff.sync.action.*`: the notes say no instruction), just
 * above "Mark resolved". `head` (the heading, id `labelledBy`, and intro), `foot` (page links) and
 * `hideEmpty` frame the list as SyncIssueList says. An entry resolved from this page stays on it with
 * the answer (SyncIssueList).
 */
export function SyncIssues({
  items,
  labelledBy,
  head,
  foot,
  hideEmpty = false,
}: {
  items: Item[];
  labelledBy: string;
  head: ReactNode;
  foot?: ReactNode;
  hideEmpty?: boolean;
}) {
  const t = useTranslations('staff.sync');
  const stateLabel = (s: string) => (STATES.has(s) ? t(`state.${s}`) : s);
  return (
    <SyncIssueList
      labelledBy={labelledBy}
      head={head}
      foot={foot}
      hideEmpty={hideEmpty}
      empty={t('empty')}
      entries={items.map((i) => {
        const found = foundSentence(i);
        return {
          id: i.id,
          at: i.detectedAt.toISOString(),
          node: (
            <article aria-labelledby={`sync-${i.id}`} className="flex flex-col gap-2">
              <h3 id={`sync-${i.id}`} className="font-semibold">
                {t.rich('title', {
                  name: i.account.name,
                  number: i.account.number,
                  link: (c) => (
                    <Link href={`/staff/accounts/${i.account.number}`} className="text-blue-800 underline">
                      {c}
                    </Link>
                  ),
                })}
              </h3>
              <p className="text-sm">
                {t.rich(found.key, {
                  portal: 'portal' in found ? stateLabel(found.portal) : '',
                  switchState: 'switchState' in found ? stateLabel(found.switchState) : '',
                  when: () => <When at={i.detectedAt} />,
                  b: (c) => <strong>{c}</strong>,
                })}{' '}
                {i.detail ? <StoredText value={i.detail} /> : null}
              </p>
              <p className="text-sm">{ACTIONS.has(i.action) ? t(`action.${i.action}`) : i.action}</p>
              <ResolveSyncForm issueId={i.id} />
            </article>
          ),
        };
      })}
    />
  );
}
