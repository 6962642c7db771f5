import { getTranslations } from 'next-intl/server';
import { displayEmail } from '@/lib/auth/email-address';
import { CLAIM_MINUTES } from '@/lib/requests/claim-columns';
import type { StaffRequestView } from '@/lib/requests/detail';
import { When } from '@/components/ui/when';
import { ClaimForms } from './claim-forms';

/**
 * "Who is calling" on a staff request page (lib/requests/claim.ts): who has taken the request, since
 * and until when, or that nobody has; and the buttons (ClaimForms) to take it, keep it longer,
 * release it, or take it over from the agent named. Rendered whatever the status, at one place (the
 * forms keep their answers across the page's refresh); a request no longer pending shows only an
 * answer its forms still hold.
 */
export async function RequestClaim({ r }: { r: Pick<StaffRequestView, 'id' | 'status' | 'claim'> }) {
  const t = await getTranslations('staff.desk');
  const pending = r.status === 'pending';
  const c = r.claim;
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
  return (
    // The same element whatever the status (the forms inside keep their answers), a card while pending.
    <div className={pending ? 'flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4' : ''}>
      {pending ? (
        <>
          <h3 className="font-semibold">{t('claimTitle')}</h3>
          <p
            id="claim-line"
            className={
              c && !c.mine ? 'rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950' : ''
            }
          >
            {line}
          </p>
        </>
      ) : null}
      <ClaimForms
        requestId={r.id}
        from={c && !c.mine ? c.byId : ''}
        mine={!!c?.mine}
        closed={!pending}
        describedBy="claim-line"
        words={{ take, taking: t('taking'), release: t('release'), releasing: t('releasing') }}
      />
    </div>
  );
}
