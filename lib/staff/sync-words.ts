import type { SyncIssueInput } from '@/lib/blocks/lifecycle';

// How an entry under "Out of sync with the switch" (a SyncIssue row, components/staff/sync-issues.tsx)
// says what each side said, in its first sentence. Pure: the component writes the words.

/**
 * The sentence (`staff.sync.<key>`) that says what the portal and the switch said of a SyncIssue:
 * - `found`: both states (`staff.sync.state.*`: blocked, allowed, no such account);
 * - `foundLift`: the portal asked for a lift, the switch's answer showed international calling
 *   `switchState` (a 200 still blocked; before 2026-12-07 every refused lift was stored so);
 * - `foundLiftRefused`: the portal asked for a lift and the switch refused it;
 * - `foundRefused`: the switch refused the change the portal asked for (an allowance grant), and
 *   said nothing of its state; `portal`, what the portal showed;
 * - `foundUnknown`: what the switch has is not known (no answer, or an answer that does not say);
 *   `portal`, what the portal showed.
 * What the switch refused, and its answer, is in the entry's note (SyncIssue.detail).
 */
export type FoundSentence =
  | { key: 'found'; portal: string; switchState: string }
  | { key: 'foundLift'; switchState: string }
  | { key: 'foundLiftRefused' }
  | { key: 'foundRefused' | 'foundUnknown'; portal: string };

/**
 * What the switch said of `issue` (its stored `switchState`, SyncIssueInput), read for rows written
 * before 2026-12-07 too: a refused allowance grant (`allowance_refused`) was stored `unknown`, and
 * read "switch said no answer", although the switch had answered it with a refusal. Any other value
 * is returned as stored.
 */
export function switchSaid(issue: { switchState: string; action: string }): string {
  const grant = 'allowance_refused' satisfies SyncIssueInput['action'];
  return issue.action === grant && issue.switchState === 'unknown' ? 'refused' : issue.switchState;
}

/**
 * The first sentence of an out-of-sync entry for `issue` (a SyncIssue row: `portalState`,
 * `switchState` and `action` as stored, SyncIssueInput), as FoundSentence says. A state it does not
 * know (a newer writer) goes to `found` or `foundLift` as stored: the component shows it as its code.
 */
export function foundSentence(issue: {
  portalState: string;
  switchState: string;
  action: string;
}): FoundSentence {
  const said = switchSaid(issue);
  if (issue.portalState === 'lift_requested')
    return said === 'refused' ? { key: 'foundLiftRefused' } : { key: 'foundLift', switchState: said };
  if (said === 'refused') return { key: 'foundRefused', portal: issue.portalState };
  if (said === 'unknown') return { key: 'foundUnknown', portal: issue.portalState };
  return { key: 'found', portal: issue.portalState, switchState: said };
}
