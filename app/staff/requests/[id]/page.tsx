import { Link } from '@/components/ui/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { AutoRefresh } from '@/components/auto-refresh';
import { Timeline } from '@/components/block/timeline';
import { TriggerCalls } from '@/components/block/trigger-calls';
import { TheirCallTime } from '@/components/staff/their-call-time';
import { AccountHistory } from '@/components/staff/account-history';
import { DecisionForms } from '@/components/staff/decision-forms';
import { KeptLines, StoredText } from '@/components/ui/stored-text';
import { When } from '@/components/ui/when';
import { LikelihoodHint } from '@/components/staff/likelihood-hint';
import { RequestSummary, requesterLabel } from '@/components/staff/request-summary';
import { RequestClaim } from '@/components/staff/request-claim';
import { RequestCameBack } from '@/components/staff/request-came-back';
import { RequestWatch, RequestWatchNotice } from '@/components/staff/request-watch';
import { NextRequestLink } from '@/components/staff/next-request-link';
import { ClientMessages } from '@/components/i18n/client-messages';
import { currentUser, requireStaff } from '@/lib/auth/session';
import { STAFF_CLIENT_NAMESPACES } from '@/lib/i18n/client-messages';
import { otherBlocksInForce } from '@/lib/blocks/queries';
import { getRequestForStaff, requestAccountNumberForStaff } from '@/lib/requests/detail';
import { decisionBanner } from '@/lib/requests/decision-banner';
import { Section } from '@/components/ui/section';
import { PageHead } from '@/components/ui/page-head';
import { displayEmail } from '@/lib/auth/email-address';
import { DecisionNotice } from '@/components/staff/decision-notice';
import { actorName } from '@/components/ui/actor-name';
import { countryName } from '@/lib/phone/format';
import { zoneName } from '@/lib/time/format';
import { pageTitle } from '@/lib/i18n/page-title';
import { credentialName } from '@/lib/accounts/credential-name';
import { queueFilterParams, readQueueFilter } from '@/lib/requests/queue-filter';
import { allowanceCardHref } from '@/lib/allowances/href';
import { shownPlacedAt } from '@/lib/blocks/shown-placed-at';
import { passwordChangedSince } from '@/lib/blocks/rotation';

/** "Unblock request · ACC-1001 · Tollgate" for staff; the words alone for anyone else (the page answers 404). */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const number = await requestAccountNumberForStaff(await currentUser(), (await params).id).catch(() => null);
  return pageTitle('app.meta.request', undefined, number);
}

/**
 * One unblock request for staff. `searchParams`: `done` (the decision's redirect: which banner,
 * decisionBanner), and the queue's filter the agent came with (`kind`, `reason`, `taken`: the queue's
 * and "Next request"'s links carry it), read by the queue's own parser (readQueueFilter: anything else
 * in the URL is dropped, never copied into a link). The filter is kept in "Back to the queue", in "Next
 * request" (its `kind` and `reason`: the next one is untaken by definition) and through a decision
 * (its forms post it back, lib/requests/actions.ts), so an agent working misdials goes on to the next
 * misdial.
 *
 * While the request waits, the page watches it (RequestWatch: a short question every few seconds) and
 * says at the top when someone decided, withdrew, took or released it meanwhile, or it came back after
 * an approval, with a button that shows it as it is now; the decision forms are then closed or marked
 * out of date. A request back after an approval whose lift did not happen says so under its status
 * (RequestCameBack: who approved, when, what the switch said, and to check with the switch first).
 *
 * The agent and the customer read the same clock: the trigger calls' times are on the agent's clock
 * and, where the account's zone reads otherwise, on the customer's under each (TheirCallTime, with
 * the offset on both), as "Their local time" (RequestSummary) and the misdial evidence's times are.
 *
 * The account's destination allowances still open (waiting for a decision, on their way to the switch
 * or in force) are listed under "Other requests", each a link to its card on the account page, and
 * while this request waits the approval says what becomes of them once the switch confirms a lift that
 * leaves no block in force (DecisionForms `allowances`).
 *
 * An approval the evidence does not support is said at its button (DecisionForms `evidence`): a misdial
 * request whose customer marked fewer calls than the block has, or whose hint says unlikely (the marked
 * calls were otherwise said only inside the collapsed "Technical details"). A denial names the callback
 * (spoke with the account holder, or could not reach them) under "Note" once decided.
 */
export default async function StaffRequestPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const l = await getTranslations('staff.labels');
  const t = await getTranslations('staff.requestPage');
  const who = await getTranslations('actors');
  const al = await getTranslations('staff.allowances');
  const user = await requireStaff();
  const locale = await getLocale();
  const r = await getRequestForStaff(user, (await params).id, locale);
  if (!r) notFound();
  const sp = await searchParams;
  // Allowance requests have pages of their own: that kind filters nothing here.
  const { kind, ...rest } = readQueueFilter(sp).filter;
  const queueFilter = queueFilterParams({ ...rest, ...(kind === 'allowance' ? {} : { kind }) });
  const query = (p: Record<string, string>) => {
    const qs = new URLSearchParams(p).toString();
    return qs ? `?${qs}` : '';
  };
  const nextHref = `/staff/requests/next${query({
    ...(queueFilter.kind ? { kind: queueFilter.kind } : {}),
    ...(queueFilter.reason ? { reason: queueFilter.reason } : {}),
  })}`;
  const banner = decisionBanner(sp.done, { status: r.status, decidedByMe: r.decision?.by === user.email });
  const b = r.block;
  // The decision the banner reports, so that it is shown only right after it (DecisionNotice): this
  // agent's approval or denial on the block's timeline (an approval the switch refused leaves the
  // request pending, with no decision of its own), else the request's decision (closed by a lift).
  const step =
    banner === 'denied' ? 'request_denied' : banner && banner !== 'closed' ? 'request_approved' : null;
  const mine = step ? b.events.findLast((e) => e.type === step && e.actor === user.email) : undefined;
  const decided = mine ?? (banner === 'closed' && r.decision ? { id: r.id, at: r.decision.at } : null);
  const otherBlocks = r.status === 'pending' ? await otherBlocksInForce(r.account.id, b.id) : [];
  // In the page's words ("Mexico (MX), 24 h"), for the approval's note (a client component).
  const allowances = r.openAllowances.map((a) => ({
    id: a.id,
    status: a.status,
    href: allowanceCardHref(r.account.number, a.id),
    label: al('label', { country: countryName(a.country, locale), code: a.country, hours: a.hours }),
  }));
  // What the approval weighs (DecisionForms `evidence`): a misdial request's marked calls against all
  // of the block's, the hint's verdict, and the SIP passwords changed since the block was placed.
  const evidence =
    r.kind === 'misdial'
      ? {
          marked: b.calls.filter((c) => c.marked).length,
          calls: b.callCount + b.callsNotKept,
          unlikely: r.likelihood?.level === 'unlikely',
          credentials: r.account.credentials.length,
          // The one reading of "changed since the block" (lib/blocks/rotation.ts), as the lift uses.
          changedSince: r.account.credentials.filter((c) => passwordChangedSince(c, b)).length,
        }
      : null;
  return (
    <ClientMessages namespaces={STAFF_CLIENT_NAMESPACES}>
      {/* There whatever the status (watching only while the request waits), so the forms below keep
          their place in the tree, and their answers, across the page's refreshes. */}
      <RequestWatch requestId={r.id} watch={r.status === 'pending' ? r.watch : null}>
        <div className="flex flex-col gap-8">
          {b.status === 'lift_pending' ? <AutoRefresh /> : null}
          <PageHead
            back={{ href: `/staff${query(queueFilter)}`, label: t('back') }}
            title={t('heading', {
              kind: l(`kind.${r.kind}`),
              name: r.account.name,
              number: r.account.number,
            })}
          >
            {/* What changed since this page was drawn (the watch's polite live region, empty until then). */}
            <RequestWatchNotice />
            {/* Read as it takes the focus, outside the status region: that region stays mounted across
              the redirect back to this page (`?done=`) and would announce it a second time. When the
              auto-refresh turns "approved" into "liftUndone" the notice stays (and the focus on it),
              and says the new sentence through a live region of its own (DecisionNotice). Only on
              the page right after the decision: a reload later or a return from the history says
              where the request stands, and no decision as if just made. */}
            {banner ? (
              <DecisionNotice
                kind={banner}
                decision={decided ? { id: decided.id, at: decided.at.toISOString() } : null}
                renderedAt={new Date().toISOString()}
              >
                {t(`done.${banner}`)}
              </DecisionNotice>
            ) : null}
            <div role="status" aria-live="polite" className="flex flex-col gap-2">
              <p className="font-semibold">
                {r.decision
                  ? t.rich(r.decision.by ? 'statusDecided' : 'statusClosed', {
                      status: l(`requestStatus.${r.status}`),
                      by: r.decision.by ? displayEmail(r.decision.by) : '',
                      block: l(`blockStatus.${b.status}`),
                      when: () => <When at={r.decision!.at} />,
                    })
                  : t('status', {
                      status: l(`requestStatus.${r.status}`),
                      block: l(`blockStatus.${b.status}`),
                    })}
              </p>
            </div>
            {r.cameBack ? <RequestCameBack back={r.cameBack} id="came-back" /> : null}
            {/* Decided (or closed): on to the oldest request nobody has taken, looked up as it is followed. */}
            {r.status !== 'pending' ? (
              <div className="flex flex-wrap items-center gap-4">
                <NextRequestLink href={nextHref} />
              </div>
            ) : null}
          </PageHead>

          <Section id="call-title" title={t('call')}>
            <RequestClaim r={r} />
            <RequestSummary r={r} />
            {/* A misdial request's hint; a firewall request claims no misdial and has none (judge). */}
            {r.likelihood ? <LikelihoodHint likelihood={r.likelihood} id="hint" /> : null}
          </Section>

          <Section id="decide-title" title={t('decision')}>
            {/* Rendered whatever the status, at this one place: a decision refused because someone else
              decided first refreshes this page, and the refusal stays in the form's live region. */}
            <DecisionForms
              requestId={r.id}
              queueFilter={queueFilter}
              subject={{
                number: r.account.number,
                name: r.account.name,
                customer: r.submittedBy ? requesterLabel(r.submittedBy) : null,
              }}
              otherBlocks={otherBlocks}
              allowances={allowances}
              liftPending={b.status === 'lift_pending'}
              closed={r.status !== 'pending'}
              evidence={evidence}
            />
            {r.status !== 'pending' && r.decision ? (
              <div className="rounded-md border border-slate-200 bg-white p-3">
                {r.decision.note ? (
                  <p>
                    <span className="font-medium">{t('note')}</span> <StoredText value={r.decision.note} />
                  </p>
                ) : null}
                {r.decision.denyReason ? (
                  <p>
                    <span className="font-medium">{t('denyReason')}</span>{' '}
                    <KeptLines text={r.decision.denyReason} />
                  </p>
                ) : null}
              </div>
            ) : null}
          </Section>

          <Section id="block-title" title={t('block')}>
            <p>
              {t.rich(b.liftedAt ? 'blockLineLifted' : 'blockLine', {
                reason: l(`reason.${b.reason}`),
                by: actorName(who, b.placedBy),
                liftedBy: b.liftedBy ? actorName(who, b.liftedBy) : 'none',
                status: l(`blockStatus.${b.status}`),
                // The earlier of the switch's time and the portal's record, as the timeline and the account page.
                placed: () => <When at={shownPlacedAt(b)} />,
                lifted: () => (b.liftedAt ? <When at={b.liftedAt} /> : null),
              })}{' '}
              <Link href={`/staff/accounts/${r.account.number}`} className="text-blue-800 underline">
                {t('accountLink')}
              </Link>
            </p>
            {b.note ? (
              <p>
                <span className="font-medium">{t('supportNote')}</span> <StoredText value={b.note} />
              </p>
            ) : null}
            <h3 className="font-semibold">{t('triggers')}</h3>
            {/* The calls the customer marked as the misdial are labelled in the table (TriggerCalls);
                each call's time is on the agent's clock, and under it on the customer's (the
                account's zone, as "Their local time" above) when that reads otherwise. */}
            {r.summary.count || b.callsNotKept ? (
              <TriggerCalls
                block={{ account: r.account, calls: b.calls, callsNotKept: b.callsNotKept }}
                timeNote={(at) => <TheirCallTime at={at} timeZone={r.account.timeZone} />}
              />
            ) : (
              <p>{t('noneRecorded')}</p>
            )}
            {b.callCount > b.calls.length ? (
              <p className="text-sm">{t('callsListed', { shown: b.calls.length, count: b.callCount })}</p>
            ) : null}
            {b.calls.some((c) => c.marked) ? (
              <p className="text-sm">{t('marked', { count: b.calls.filter((c) => c.marked).length })}</p>
            ) : null}
            <h3 className="font-semibold">{t('timeline')}</h3>
            <Timeline events={b.events} audience="staff" />
          </Section>

          <Section id="account-title" title={t('account')}>
            <p>
              {t('accountLine', {
                name: r.account.name,
                number: r.account.number,
                country: countryName(r.account.country, locale),
                timeZone: zoneName(r.account.timeZone, locale),
                members:
                  r.account.members
                    .map((m) =>
                      m.disabled
                        ? t('memberDisabled', { email: displayEmail(m.email) })
                        : displayEmail(m.email),
                    )
                    .join(', ') || t('nobody'),
              })}{' '}
              {t('credentials', {
                list: r.account.credentials.map((c) => credentialName(c)).join(', ') || t('nobody'),
              })}
            </p>
            <AccountHistory view={r} />
          </Section>
        </div>
      </RequestWatch>
    </ClientMessages>
  );
}
