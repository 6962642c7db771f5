import { getTranslations } from 'next-intl/server';
import { displayEmail } from '@/lib/auth/email-address';
import { CLAIM_MINUTES } from '@/lib/requests/claim-columns';
import type { StaffRequestView } from '@/lib/requests/detail';
import { When } from '@/components/ui/when';
import { ClaimForms, type ClaimKind } from './claim-forms';

/** Who holds a request now, as its staff view says (lib/requests/detail.ts, lib/allowances/queries.ts). */
type ShownClaim = { byId: string; by: string; since: Date; until: Date; mine: boolean } | null;

/**
 * "Who is calling" on a staff request page (lib/requests/claim.ts): who has taken the request, since
 * and until when, or that nobody has; and the buttons (ClaimForms) to take it, keep it longer,
 * release it, or take it over from the agent named. Rendered whatever the status, at one place (the
 * forms keep their answers across the page's refresh); a request no longer pending shows only an
 * answer its forms still hold.
 */
export async function RequestClaim({ r }: { r: Pick<StaffRequestView, 'id' | 'status' | 'claim'> }) {
  return <ClaimCard kind="unblock" requestId={r.id} waiting={r.status === 'pending'} claim={r.claim} />;
}

/**
 * RequestClaim for any kind of request that can be taken (`kind`: ClaimForms), the one way a staff
 * page shows a claim: `waiting` while the request waits for a decision (a card with its heading, the
 * sentence saying who holds it, and the buttons); else only an answer its forms still hold. `idPrefix`
 * goes before the ids of the sentence and the forms' live regions, and `heading` is the card's heading
 * level, for a page that lists several requests (the account page's allowance requests, under their h3).
 */
export async function ClaimCard({
  kind,
  requestId,
  waiting,
  claim: c,
  idPrefix = '',
  heading: Heading = 'h3',
}: {
  kind: ClaimKind;
  requestId: string;
  waiting: boolean;
  claim: ShownClaim;
  idPrefix?: string;
  heading?: 'h3' | 'h4';
}) {
  const t = await getTranslations('staff.desk');
  const times = {
    since: () => (c ? <When at={c.since} /> : null),
    until: () => (c ? <When at={c.until} /> : null),
  };
  const line = !c
    ? t('nobody', { minutes: CLAIM_MINUTES })
    : c.mine
      ? t.rich('yours', times)
      : t.rich('theirs', { ...times, by: displayEmail(c.by) });
  const take = !c
    ? t('take')
    : c.mine
      ? t('keep', { minutes: CLAIM_MINUTES })
      : t('takeOver', { by: displayEmail(c.by) });
  const lineId = `${idPrefix}claim-line`;
  return (
    // The same element whatever the status (the forms inside keep their answers), a card while waiting.
    <div className={waiting ? 'flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4' : ''}>
      {waiting ? (
        <>
          <Heading className="font-semibold">{t('claimTitle')}</Heading>
          {/* Focusable by script (ClaimForms moves the focus here after a take), not a tab stop. */}
          <p
            id={lineId}
            tabIndex={-1}
            className={`${
              c && !c.mine ? 'rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950' : ''
            } focus:outline-2 focus:outline-offset-1 focus:outline-blue-700`}
          >
            {line}
          </p>
        </>
      ) : null}
      <ClaimForms
        kind={kind}
        requestId={requestId}
        from={c && !c.mine ? c.byId : ''}
        mine={!!c?.mine}
        closed={!waiting}
        describedBy={lineId}
        idPrefix={idPrefix}
        words={{ take, taking: t('taking'), release: t('release'), releasing: t('releasing') }}
      />
    </div>
  );
}
