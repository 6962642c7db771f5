import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import type { CountryCode } from 'libphonenumber-js/max';
import { PAGE_LINK } from '@/components/ui/button-class';
import { displayEmail } from '@/lib/auth/email-address';
import { callbackDisplay, callbackSource, callbackTel } from '@/lib/phone/callback';

/**
 * Why the person who asked (an unblock request's sender, an allowance's asker) no longer speaks for
 * the account, as lib/requests/detail.ts and lib/allowances/queries.ts give it: `removed` (no longer a
 * member of it), `disabled` (their login is disabled), `deleted` (their login no longer exists); and
 * `since`, the audit log's time, or null.
 */
export type SenderLeft = { why: 'removed' | 'disabled' | 'deleted'; since: Date | null };

/**
 * The warning that the person who asked no longer speaks for the account: "ivan@itfix.example is no
 * longer a member of this account (since …): do not act on their word; call a current member at the
 * account's number on file." `who`: how the page names them (requesterLabel, or the address as
 * displayEmail writes it; null when their login no longer exists); `since`: the time as the page
 * renders it (a <When>), shown only when `left.since` is set. Sync (useTranslations), so a test
 * renders it.
 */
export function SenderLeftNotice({
  left,
  who,
  since,
}: {
  left: SenderLeft;
  who: string | null;
  since: ReactNode;
}) {
  const t = useTranslations('staff.senderLeft');
  const why = left.why === 'deleted' || !who ? 'deleted' : left.why;
  return (
    <p className="rounded-md border-2 border-red-400 bg-red-50 p-3 font-medium text-red-950">
      {t.rich(why, { who: who ?? '', known: left.since ? 'yes' : 'no', when: () => since })}
    </p>
  );
}

/**
 * Who to call instead when the person who asked no longer speaks for the account: the account's number
 * on file (`onFile`, E.164 with `;ext=…` when it has one; a tel: link) and its current members
 * (`members`, addresses of members whose login is not disabled), or that it has no number on file or
 * no current member. The number the person gave (`typed`, as stored) is shown as text, never as a
 * link, when it is not the number on file: it is theirs, not the account's. `country`: the account's.
 */
export function SenderLeftCallback({
  onFile,
  typed,
  country,
  members,
}: {
  onFile: string | null;
  typed: string | null;
  country: CountryCode;
  members: string[];
}) {
  const t = useTranslations('staff.senderLeft');
  return (
    <>
      {onFile ? (
        <>
          <p className="text-sm">{t('callOnFile')}</p>
          <a href={callbackTel(onFile)} className={`${PAGE_LINK} self-start font-mono text-lg`}>
            {callbackDisplay(onFile, country)}
          </a>
        </>
      ) : (
        <p className="text-sm font-medium">{t('noPhone')}</p>
      )}
      <p className="text-sm">
        {members.length
          ? t('members', { members: members.map((m) => displayEmail(m)).join(', ') })
          : t('noMembers')}
      </p>
      {typed && callbackSource(typed, onFile) === 'typed' ? (
        <p className="text-sm">
          {t('typed')} <span className="font-mono">{callbackDisplay(typed, country)}</span>
        </p>
      ) : null}
    </>
  );
}
