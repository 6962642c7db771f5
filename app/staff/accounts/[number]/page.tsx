import Link from 'next/link';
import { notFound } from 'next/navigation';
import { StaffAllowances } from '@/components/allowance/staff-allowances';
import { AutoRefresh } from '@/components/auto-refresh';
import { AccountBlocks, AccountRequests, SwitchOperations } from '@/components/staff/account-blocks';
import { PlaceBlockForm } from '@/components/staff/manual-block-forms';
import { requireStaff } from '@/lib/auth/session';
import { getAccountForStaff } from '@/lib/staff/account-detail';

export default async function StaffAccountPage({ params }: { params: Promise<{ number: string }> }) {
  const user = await requireStaff();
  const a = await getAccountForStaff(user, (await params).number);
  if (!a) notFound();
  const inForce = a.blocks.some((b) => b.status === 'active' || b.status === 'lift_pending');
  const placing = a.operations.some((o) => o.kind === 'block' && o.status === 'pending');
  const waiting = a.operations.some((o) => o.status === 'pending');
  const refused = a.operations[0]?.kind === 'block' && a.operations[0].status === 'failed' ? a.operations[0] : null;
  return (
    <div className="flex flex-col gap-8">
      {waiting ? <AutoRefresh /> : null}
      <div className="flex flex-col gap-2">
        <Link href="/staff" className="text-sm text-blue-800 underline">Back to the queue</Link>
        <h1 className="text-2xl font-bold">{a.name} ({a.number})</h1>
        <div role="status" aria-live="polite">
          <p className="font-semibold">
            {inForce ? 'International calling blocked' : 'International calling allowed'}
            {placing ? ' · Block sent to the switch: waiting for it to confirm' : ''}
          </p>
          {refused ? <p className="text-red-900">The switch refused the last block ({refused.lastError}). Nothing is in force.</p> : null}
        </div>
        <p className="text-sm text-slate-700">
          {a.country} · {a.timeZone} · Members: {a.members.map((m) => m.email).join(', ') || 'none'} · SIP: {a.credentials.map((c) => c.username).join(', ') || 'none'}
        </p>
      </div>

      {!inForce && !placing ? (
        <section aria-labelledby="place-title" className="flex flex-col gap-3">
          <h2 id="place-title" className="text-xl font-semibold">Block international calling</h2>
          <p>The switch blocks international calls on this account; national calls still work. The members get a block notice once the switch confirms. Password changes do not lift a manual block: only support can.</p>
          <PlaceBlockForm accountNumber={a.number} />
        </section>
      ) : null}

      <section aria-labelledby="blocks-title" className="flex flex-col gap-3">
        <h2 id="blocks-title" className="text-xl font-semibold">Blocks</h2>
        <AccountBlocks account={a} />
      </section>

      <section aria-labelledby="requests-title" className="flex flex-col gap-3">
        <h2 id="requests-title" className="text-xl font-semibold">Unblock requests</h2>
        <AccountRequests account={a} />
      </section>

      <StaffAllowances user={user} account={a} blocked={inForce} />

      <section aria-labelledby="ops-title" className="flex flex-col gap-3">
        <h2 id="ops-title" className="text-xl font-semibold">Sent to the switch</h2>
        <SwitchOperations account={a} />
      </section>
    </div>
  );
}
