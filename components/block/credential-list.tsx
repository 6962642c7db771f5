import { useTranslations } from 'next-intl';
import { Link } from '@/components/ui/link';
import { buttonClass } from '@/components/ui/button-class';
import { CredentialName } from '@/components/ui/credential-name';
import { UnsettledLine } from '@/components/sip/unsettled';
import type { BlockView } from '@/lib/blocks/queries';
import { suspectWords } from '@/lib/blocks/suspects';

/**
 * The block page's list of the account's SIP credentials (its "Your SIP credentials" section, labelled
 * by the heading `labelledBy`), each with whether the calls used it and whether its password was
 * changed since the block, and a "Reset SIP password" link (the only page that resets one). While the
 * block is in force (or being lifted) a named password not changed yet is said in red, the link a
 * primary button. Once lifted, nothing is asked any more: a password never changed since reads
 * neutrally ("not changed since the block"), and the link stays, as a secondary button, for whoever
 * still wants to change it (tester, 2026-12: "Password not changed yet" in red, with no button, on a
 * block support had lifted as a misdial).
 * A credential the calls did not name but the portal saw registered from their address or by a SIP
 * scanning tool (`suspected`, lib/blocks/suspects.ts: the block's lift waits for it too) says so, with
 * the address, and is asked for like a named one: "…: change this password too" in red while the block
 * is open and its password not changed since, else neutrally beside whether it was changed.
 * A credential whose latest password change has no known answer from the switch (sent and not
 * answered yet, never answered, answered with an error, or busy: `unsettledCause`,
 * `unsettledBusyUntil`, lib/accounts/unsettled.ts) says under it what the dashboard says of it
 * (UnsettledLine): this may not be the password in force, and, while the switch's wait lasts, from
 * when to set a new one (a tester, 2026-12-08: "Password not changed yet" and no word of it here, while
 * the dashboard and the reset page warned).
 */
export function CredentialList({
  block,
  labelledBy,
}: {
  block: Pick<BlockView, 'id' | 'status' | 'credentials' | 'sourceIps'>;
  labelledBy: string;
}) {
  const t = useTranslations('block');
  const open = block.status !== 'lifted';
  // A named credential is asked for as named: the suspect wording is for the ones the calls did not use.
  const suspected = (c: (typeof block.credentials)[number]) =>
    c.suspected && !c.named ? suspectWords(c.suspected, block.sourceIps) : null;
  return (
    <ul aria-labelledby={labelledBy} className="flex flex-col gap-3">
      {block.credentials.map((c) => (
        <li
          key={c.id}
          className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-slate-200 bg-white p-3"
        >
          {/* min-w-0: a flex item is never narrower than its longest word unless told, and a SIP
              username has no place to break (break-25). */}
          <div className="min-w-0">
            <p id={`cred-${c.id}`} className="font-medium">
              <CredentialName credential={c} />
            </p>
            <p className="text-sm text-slate-700">
              {c.named ? `${t('named')} · ` : ''}
              {suspected(c) && open && !c.rotatedSinceBlock ? (
                <span className="text-red-800">
                  {t('suspected', suspected(c)!)}: {t('suspectedChange')}
                </span>
              ) : (
                <>
                  {suspected(c) ? `${t('suspected', suspected(c)!)} · ` : ''}
                  {c.rotatedSinceBlock ? (
                    <span className="text-emerald-800">{t('rotated')}</span>
                  ) : c.named && open ? (
                    <span className="text-red-800">{t('notRotated')}</span>
                  ) : c.named || suspected(c) ? (
                    <span>{t('notRotatedLifted')}</span>
                  ) : null}
                </>
              )}
              {c.unsettledCause ? (
                <UnsettledLine cause={c.unsettledCause} busyUntil={c.unsettledBusyUntil} />
              ) : null}
            </p>
          </div>
          <Link
            href={`/credentials/${c.id}/reset?block=${block.id}`}
            aria-describedby={`cred-${c.id}`}
            className={buttonClass(open ? 'primary' : 'secondary', 'text-sm')}
          >
            {t('reset')}
          </Link>
        </li>
      ))}
    </ul>
  );
}
