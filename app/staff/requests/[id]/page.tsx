import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { AutoRefresh } from '@/components/auto-refresh';
import { Timeline } from '@/components/block/timeline';
import { TriggerCalls } from '@/components/block/trigger-calls';
import { AccountHistory } from '@/components/staff/account-history';
import { DecisionForms } from '@/components/staff/decision-forms';
import { When } from '@/components/ui/when';
import { LikelihoodHint } from '@/components/staff/likelihood-hint';
import { RequestSummary } from '@/components/staff/request-summary';
import { requireStaff } from '@/lib/auth/session';
import { otherBlocksInForce } from '@/lib/blocks/queries';
import { getRequestForStaff } from '@/lib/requests/detail';

const DONE = { approved: 'You approved this request. The block shows as lifted below only once the switch has confirmed it.', denied: 'You denied this request. The customer gets an email with your reason.' } as const;

export default async function StaffRequestPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string }> }) {
  const l = await getTranslations('staff.labels');
  const user = await requireStaff();
  const r = await getRequestForStaff(user, (await params).id);
  if (!r) notFound();
  const done = (await searchParams).done;
  const b = r.block;
  const otherBlocks = r.status === 'pending' ? await otherBlocksInForce(r.account.id, b.id) : [];
  return (
    <div className="flex flex-col gap-8">
      {b.status === 'lift_pending' ? <AutoRefresh /> : null}
      <div className="flex flex-col gap-2">
        <Link href="/staff" className="text-sm text-blue-800 underline">Back to the queue</Link>
        <h1 className="text-2xl font-bold">{l(`kind.${r.kind}`)} unblock request: {r.account.name} ({r.account.number})</h1>
        <div role="status" aria-live="polite" className="flex flex-col gap-2">
          {done === 'approved' || done === 'denied' ? <p className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-emerald-950">{DONE[done]}</p> : null}
          <p className="font-semibold">
            Request: {l(`requestStatus.${r.status}`)}
            {r.decision ? <> by {r.decision.by ?? 'unknown'} on <When at={r.decision.at} /></> : ''} · Block: {l(`blockStatus.${b.status}`)}
          </p>
        </div>
      </div>

      <section aria-labelledby="call-title" className="flex flex-col gap-3">
        <h2 id="call-title" className="text-xl font-semibold">Call the account holder</h2>
        <RequestSummary r={r} />
        <LikelihoodHint likelihood={r.likelihood} id="hint" />
      </section>

      <section aria-labelledby="decide-title" className="flex flex-col gap-3">
        <h2 id="decide-title" className="text-xl font-semibold">Decision</h2>
        {r.status === 'pending' ? (
          <DecisionForms requestId={r.id} otherBlocks={otherBlocks} />
        ) : r.decision ? (
          <div className="rounded-md border border-slate-200 bg-white p-3">
            {r.decision.note ? <p><span className="font-medium">Note:</span> {r.decision.note}</p> : null}
            {r.decision.denyReason ? <p><span className="font-medium">Reason given to the customer:</span> {r.decision.denyReason}</p> : null}
          </div>
        ) : null}
      </section>

      <section aria-labelledby="block-title" className="flex flex-col gap-3">
        <h2 id="block-title" className="text-xl font-semibold">The block</h2>
        <p>
          {l(`reason.${b.reason}`)}, placed <When at={b.placedAt} /> by {b.placedBy}. {l(`blockStatus.${b.status}`)}{b.liftedAt ? <> on <When at={b.liftedAt} /></> : ''}.{' '}
          <Link href={`/staff/accounts/${r.account.number}`} className="text-blue-800 underline">Account page (manual block and lift)</Link>
        </p>
        {b.note ? <p><span className="font-medium">Support note:</span> {b.note}</p> : null}
        <h3 className="font-semibold">Calls that triggered the block</h3>
        {r.summary.count ? <TriggerCalls block={{ account: r.account, calls: b.calls }} /> : <p>None recorded.</p>}
        {b.calls.some((c) => c.marked) ? <p className="text-sm">The customer marked {b.calls.filter((c) => c.marked).length} of these calls as the misdial.</p> : null}
        <h3 className="font-semibold">Timeline</h3>
        <Timeline events={b.events} showActor />
      </section>

      <section aria-labelledby="account-title" className="flex flex-col gap-3">
        <h2 id="account-title" className="text-xl font-semibold">The account</h2>
        <p>
          {r.account.name} ({r.account.number}) · {r.account.country} · {r.account.timeZone}. Members: {r.account.members.map((m) => m.email).join(', ') || 'none'}.
          SIP credentials: {r.account.credentials.map((c) => `${c.label} (${c.username})`).join(', ') || 'none'}.
        </p>
        <AccountHistory view={r} />
      </section>
    </div>
  );
}
