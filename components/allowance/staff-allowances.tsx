import type { CurrentUser } from '@/lib/auth/session';
import { allowancesForStaff } from '@/lib/allowances/queries';
import { allowableCountries } from '@/lib/allowances/rules';
import { countryName } from '@/lib/phone/format';
import { formatWhen } from '@/lib/time/format';
import { AllowanceDecisionForms, EndAllowanceForm, GrantAllowanceForm } from './staff-forms';

const STATUS: Record<string, string> = {
  requested: 'Requested: call the account holder back, then decide',
  sending: 'Approved: waiting for the switch to confirm',
  active: 'In force on the switch',
  ended: 'Ended',
  denied: 'Denied',
  refused: 'Refused by the switch',
};

/** The staff account page's destination allowances: requests to decide, allowances in force, a grant form. */
export async function StaffAllowances({ user, account, blocked }: { user: CurrentUser; account: { id: string; number: string; country: string }; blocked: boolean }) {
  const list = await allowancesForStaff(user, account.id);
  const at = (d: Date | null) => (d ? formatWhen(d, user.timeZone, { locale: 'en-US' }) : '—');
  return (
    <section aria-labelledby="allowances-title" className="flex flex-col gap-3">
      <h2 id="allowances-title" className="text-xl font-semibold">Destination allowances</h2>
      {list.length === 0 ? <p>No allowances for this account.</p> : (
        <ul className="flex flex-col gap-3">
          {list.map((a) => {
            const label = `${countryName(a.country)} (${a.country}), ${a.hours} h`;
            return (
              <li key={a.id} className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-3">
                <p className="font-medium">{label} — {STATUS[a.status] ?? a.status}</p>
                <p className="text-sm text-slate-700">
                  Asked {at(a.createdAt)}{a.requestedBy ? ` by ${a.requestedBy}` : ' by support'} · Why: {a.reason}
                  {a.decidedBy ? ` · Decided by ${a.decidedBy}${a.note ? `: ${a.note}` : ''}` : ''}
                  {a.until ? ` · Until ${at(a.until)}` : ''}{a.endedAt ? ` · Ended ${at(a.endedAt)} (${a.endReason ?? ''})` : ''}
                </p>
                {a.status === 'requested' ? <AllowanceDecisionForms allowanceId={a.id} label={label} /> : null}
                {a.status === 'active' ? <EndAllowanceForm allowanceId={a.id} label={label} /> : null}
              </li>
            );
          })}
        </ul>
      )}
      {blocked ? <GrantAllowanceForm accountNumber={account.number} countries={allowableCountries(account.country)} /> : <p className="text-sm text-slate-700">International calling is allowed on this account: no allowance is needed.</p>}
    </section>
  );
}
