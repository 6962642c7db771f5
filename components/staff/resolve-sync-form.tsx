'use client';
import { useTranslations } from 'next-intl';
import { resolveSyncAction } from '@/lib/blocks/actions';
import { NoteForm } from './note-form';
import { useSyncEntry } from './sync-issue-list';

/**
 * Staff close an out-of-sync entry once they have checked the account with the switch team. Closed
 * once the entry is resolved (SyncIssueList keeps an entry resolved here while this form has an answer
 * to show: it is told as the form is sent, and again with the answer).
 */
export function ResolveSyncForm({ issueId }: { issueId: string }) {
  const t = useTranslations('staff.sync');
  const entry = useSyncEntry();
  return (
    <NoteForm
      action={resolveSyncAction}
      hiddenFields={{ issueId }}
      prefix={{ note: `sync-note-${issueId}`, message: `sync-message-${issueId}` }}
      label={t('note')}
      hint={t('noteHint')}
      submit={t('resolve')}
      pendingText={t('saving')}
      gap="gap-2"
      closed={entry.gone}
      onSubmit={entry.sent}
      onAnswer={entry.answered}
    />
  );
}
