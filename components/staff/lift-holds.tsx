import { useFormatter, useTranslations } from 'next-intl';
import { CredentialName } from '@/components/ui/credential-name';
import type { LiftHolds as Holds } from '@/lib/accounts/block-history';
import { ZONED } from '@/lib/time/format';

/**
 * Under an active block on the staff account page: why its automatic lift has not come (the agent on
 * the phone with "I changed my password, why am I still blocked?"). When the latest lift was withheld
 * for suspect credentials, a line saying when and for which (lib/blocks/lifecycle.ts
 * withholdLiftForSuspects); then each credential whose password still holds the lift: one the calls
 * used, or a suspect with why (the fraud calls' address or a SIP scanning tool, the customer's block
 * page's words, block.suspected), from which address and first seen when; a name of the calls that is
 * no credential of the account, which only support can lift (the list is then not "before the
 * automatic lift": there is none). With nothing left to change, what holds the block: another block
 * of the account in force (`otherActive`), else a person (the lift policy for its reason, or a lift
 * the switch refused). Times in the reader's zone (next-intl's request zone: the agent's). Nothing for `holds`
 * undefined (a block not active). No async: renders in a server component and in a test alike.
 */
export function LiftHolds({ holds, otherActive }: { holds: Holds | undefined; otherActive: boolean }) {
  const t = useTranslations('staff.account.holds');
  const block = useTranslations('block');
  if (!holds) return null;
  const withheld = holds.withheld;
  const unknown = holds.holds.flatMap((h) => (h.kind === 'unknown' ? [h.username] : []));
  const credentials = holds.holds.filter((h) => h.kind !== 'unknown');
  return (
    <div className="flex flex-col gap-1 text-sm">
      {withheld ? (
        <p className="font-medium text-red-900">
          {t.rich('withheld', {
            credentials: withheld.credentials,
            count: withheld.count,
            when: () => <At at={withheld.at} />,
          })}
        </p>
      ) : null}
      {credentials.length ? (
        <>
          {/* A block whose calls name what is no credential has no automatic lift (a tester, 2026-12-07). */}
          <p className="font-medium">{t(unknown.length ? 'titleNoAutoLift' : 'title')}</p>
          <ul className="flex list-disc flex-col gap-1 pl-5">
            {credentials.map((h) => (
              <li key={h.credential.id}>
                <CredentialName credential={h.credential} brackets /> ·{' '}
                {h.kind === 'named' ? (
                  t('named')
                ) : (
                  <>
                    {block('suspected', { reason: h.reason, ip: h.sourceIp, callIp: '' })},{' '}
                    {t.rich('firstSeen', { when: () => <At at={h.firstSeenAt} /> })}
                  </>
                )}{' '}
                · <span className="text-red-800">{block('notRotated')}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {unknown.map((u) => (
        <p key={u}>{t('unknown', { username: u })}</p>
      ))}
      {holds.allChanged ? <p>{t(otherActive ? 'allChangedOther' : 'allChangedPerson')}</p> : null}
    </div>
  );
}

/** A time in the reader's zone with its offset, as components/ui/when.tsx writes it, without async. */
function At({ at }: { at: Date }) {
  const format = useFormatter();
  return <time dateTime={at.toISOString()}>{format.dateTime(at, ZONED)}</time>;
}
