import { useTranslations } from 'next-intl';
import { getLocale, getTranslations } from 'next-intl/server';
import { intlTag } from '@/lib/i18n/locales';
import type { CurrentUser } from '@/lib/auth/session';
import { allowancesForStaff } from '@/lib/allowances/queries';
import { fraudDoorsForStaff } from '@/lib/allowances/fraud-door';
import { StaffDoorList, StaffDoorNote } from './door-notes';
import { allowableCountries } from '@/lib/allowances/rules';
import { countryName } from '@/lib/phone/format';
import { formatWhen } from '@/lib/time/format';
import type { Translate } from '@/lib/i18n/note';
import { storedText } from '@/lib/i18n/stored';
import { switchErrorText } from '@/lib/switch/error-text';
import { KeptLines } from '@/components/ui/stored-text';
import { AllowanceDecisionForms, EndAllowanceForm, GrantAllowanceForm } from './staff-forms';
import { Section } from '@/components/ui/section';
import { CallbackNumber } from '@/components/staff/callback-number';
import { CustomerLocalTime } from '@/components/staff/customer-local-time';
import { SenderLeftCallback, SenderLeftNotice } from '@/components/staff/sender-left';
import { accountCountry } from '@/lib/phone/plan';
import { ClaimCard } from '@/components/staff/request-claim';
import { actorName } from '@/components/ui/actor-name';
import { displayEmail } from '@/lib/auth/email-address';
import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';

// `gaveUp`: a grant the switch never answered, stored `refused` (lib/allowances/queries.ts shownStatus).
const STATUSES = new Set([
  'requested',
  'sending',
  'active',
  'ended',
  'denied',
  'closed',
  'refused',
  'gaveUp',
]);
// The statuses with words of their own while the switch has not confirmed their DELETE (staffStatusKey).
const ENDING = new Set(['active', 'ended', 'gaveUp']);
// The statuses with words of their own while the switch, having refused their DELETE, may still have
// them (stillOnSwitch, staffStatusKey).
const REFUSED_REMOVAL = new Set(['ended', 'gaveUp']);
// Why an allowance ended (DestinationAllowance.endReason): ours are codes; a refusal is the switch's
// error as stored (lib/switch/error-text.ts), read in the reader's words, and so is the transport
// error a grant given up kept before `gave_up` was stored (2026-12-06).
const END_REASONS = new Set([
  'expired',
  'ended_on_switch',
  'ended_by_staff',
  'new_block',
  'block_lifted',
  'gave_up',
]);

/** What AllowanceFacts says of one allowance (lib/allowances/queries.ts allowancesForStaff). */
type Facts = {
  createdAt: Date;
  requestedBy: string | null;
  reason: string;
  decidedBy: string | null;
  note: string | null;
  until: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  /** When its removal from the switch was queued, still unconfirmed (endsOnSwitch), else null. */
  endingSince?: Date | null;
  /** Set when the switch refused its removal and may still have it (allowancesForStaff), else null. */
  stillOnSwitch?: { until: Date | null } | null;
};

/**
 * One allowance's history on the staff account page: who asked and why, who decided and their note,
 * until when, when and why it ended; each time as `at` formats it. One Tollgate ended whose removal
 * from the switch is not confirmed yet (`endingSince`) reads "Ending since", not "Ended": the switch
 * may still have it; one whose removal the switch refused while it may still have it (`stillOnSwitch`)
 * reads "Ended in Tollgate". The customer's reason and the agent's note as they were typed, line breaks kept
 * (KeptLines); a note Tollgate stored (a grant from this page, a request a new block closed) in the
 * reader's words. Server components only (reads the whole catalogue for such a note and for a
 * switch's refusal).
 */
export function AllowanceFacts({ allowance: a, at }: { allowance: Facts; at: (d: Date | null) => string }) {
  const t = useTranslations('staff.allowances');
  const all = useTranslations() as unknown as Translate;
  const actors = useTranslations('actors');
  const reason = () => <KeptLines text={a.reason} />;
  const endReason = (r: string | null) =>
    r && END_REASONS.has(r) ? t(`endReason.${r}`) : r ? switchErrorText(all, r) : '';
  // Ended in Tollgate, its removal from the switch unconfirmed or refused: not "Ended" (on the switch).
  const ended = a.endingSince ? 'endingAt' : a.stillOnSwitch ? 'endedInPortalAt' : 'endedAt';
  return (
    <>
      {a.requestedBy
        ? t.rich('asked', { at: at(a.createdAt), by: displayEmail(a.requestedBy), reason })
        : t.rich('askedBySupport', { at: at(a.createdAt), reason })}
      {a.decidedBy ? (
        <>
          {' · '}
          {a.note
            ? t.rich('decidedNote', {
                by: actorName(actors, a.decidedBy),
                note: () => <KeptLines text={storedText(all, a.note)} />,
              })
            : t('decided', { by: actorName(actors, a.decidedBy) })}
        </>
      ) : null}
      {a.until ? ` · ${t('until', { at: at(a.until) })}` : ''}
      {a.endedAt ? ` · ${t(ended, { at: at(a.endedAt), reason: endReason(a.endReason) })}` : ''}
    </>
  );
}

/**
 * The staff.allowances.status.* key of allowance `a`'s status on the staff account page, for `status`
 * as allowancesForStaff gives it (`gaveUp` for a grant the switch never confirmed: not "Refused by
 * the switch"). While the DELETE that ends or removes it waits for the switch (`endingSince`): one in
 * force is `activeEnding`, not "In force" alone; one Tollgate ended (a new block, a lift) is
 * `endedEnding` and one given up `gaveUpEnding`, being removed, not "Ended": the switch may still
 * have it. Once the switch has refused that removal and may still have it (`stillOnSwitch`, no DELETE
 * waiting): `endedRefused`, `gaveUpRefused`. Null for a status the catalogue does not know (the page
 * shows it as stored).
 */
export function staffStatusKey(a: {
  status: string;
  endingSince: Date | null;
  stillOnSwitch?: { until: Date | null } | null;
}): string | null {
  if (a.endingSince && ENDING.has(a.status)) return `${a.status}Ending`;
  if (a.stillOnSwitch && REFUSED_REMOVAL.has(a.status)) return `${a.status}Refused`;
  return STATUSES.has(a.status) ? a.status : null;
}

/**
 * The line under an allowance whose end the switch refused for good, no end waiting
 * (allowancesForStaff `endRefused`): one it may still have after Tollgate ended it (`stillOnSwitch`)
 * says until when (the switch's `until`, or until it drops it) and to have the switch engineers remove
 * it; one still `active`, that its end was refused and when, the switch's error in the reader's words,
 * and that "End now" asks again. Null for any other. Times as `at` formats them; `country` as the page
 * names it. Server components only (reads the whole catalogue for the switch's error).
 */
export function EndRefusedLine({
  allowance: a,
  country,
  at,
}: {
  allowance: {
    status: string;
    stillOnSwitch: { until: Date | null } | null;
    endRefused: { at: Date; error: string } | null;
  };
  country: string;
  at: (d: Date | null) => string;
}) {
  const t = useTranslations('staff.allowances');
  const all = useTranslations() as unknown as Translate;
  if (!a.endRefused) return null;
  // Both sentences it goes in name the switch (removeRefused, endRefused): the error says "it".
  const values = {
    at: at(a.endRefused.at),
    error: switchErrorText(all, a.endRefused.error, 'staff', { named: true }),
  };
  if (a.stillOnSwitch)
    return (
      <>
        {t('removeRefused', {
          ...values,
          country,
          listed: a.stillOnSwitch.until ? 'yes' : 'no',
          until: at(a.stillOnSwitch.until),
        })}
      </>
    );
  return a.status === 'active' ? <>{t('endRefused', values)}</> : null;
}

/**
 * On a waiting allowance request's card: the account's unblock requests waiting too (`requests`, each
 * `id`, `kind`, `createdAt`), each a link to its page with when it was sent (as `at` formats it) and
 * its kind, and what approving one does to this request (a lift that leaves no block in force closes
 * it without a decision), so the agent settles both on one call; nothing when none waits. Before
 * 2026-12-07 the card said nothing of them, and an approval elsewhere closed the allowance request
 * unseen.
 */
export function WaitingUnblockNote({
  requests,
  at,
}: {
  requests: readonly { id: string; kind: 'misdial' | 'firewall'; createdAt: Date }[];
  at: (d: Date | null) => string;
}) {
  const t = useTranslations('staff.allowances');
  const l = useTranslations('staff.labels');
  if (requests.length === 0) return null;
  return (
    <div className="flex w-fit flex-col gap-1 rounded-md border border-amber-300 bg-amber-50 px-2 py-1 text-sm text-amber-950">
      <p>{t('unblockWaiting', { count: requests.length })}</p>
      <ul className="list-disc pl-5">
        {requests.map((r) => (
          <li key={r.id}>
            <Link href={`/staff/requests/${r.id}`} className={PAGE_LINK}>
              {at(r.createdAt)}: {l(`kind.${r.kind}`)}
            </Link>
          </li>
        ))}
      </ul>
      <p>{t('unblockSettles')}</p>
    </div>
  );
}

/**
 * The staff account page's destination allowances: requests to take and decide (who is calling the
 * customer about each, ClaimCard), allowances in force, a grant form. A waiting request whose asker no
 * longer speaks for the account (allowancesForStaff `requesterLeft`) says so, and offers the account's
 * number on file (`account.phone`) and its current members (`account.members`) instead of the number
 * the asker gave, and that such a request is not approved (lib/allowances/decide.ts approveAllowance
 * refuses it): the agent denies it and, after a call with a current member, grants one. An allowance
 * whose end is waiting for the switch (`endingSince`) says so and since when, and offers no second "End
 * now"; one whose end the switch refused says so (EndRefusedLine), and one still in force offers "End
 * now" again. A waiting request names the account's unblock requests waiting too
 * (`account.waitingRequests`: WaitingUnblockNote). A waiting request's country, and above the grant form
 * every country, says what the trigger calls of the blocks in force say about allowing it
 * (lib/allowances/fraud-door.ts: refused until a password is changed, or a warning): StaffDoorNote.
 * Wherever a waiting request asks the agent to call back, the customer's wall clock is beside the
 * number, and whether it is within office hours (CustomerLocalTime, as on an unblock request's page):
 * a request sent at 8:53 in Madrid is 4:53 in Santiago; and the clock where the number to call rings
 * when it is in another country than the account (the asker's, or the number on file once they left).
 */
export async function StaffAllowances({
  user,
  account,
  blocked,
}: {
  user: CurrentUser;
  account: {
    id: string;
    number: string;
    country: string;
    /** Its IANA time zone: the customer's clock beside the callback number. */
    timeZone: string;
    /** The number on file (E.164, `;ext=…`), or null. */
    phone: string | null;
    /** Its members (a disabled login marked): who to call when an asker no longer speaks for the account. */
    members: { email: string; disabled: boolean }[];
    /** Its unblock requests waiting for a decision (the page's own read of its requests), oldest first. */
    waitingRequests?: { id: string; kind: 'misdial' | 'firewall'; createdAt: Date }[];
  };
  blocked: boolean;
}) {
  const locale = await getLocale();
  const [list, doors, t, summary] = await Promise.all([
    allowancesForStaff(user, account.id, locale),
    fraudDoorsForStaff(user, account.id),
    getTranslations('staff.allowances'),
    getTranslations('staff.summary'),
  ]);
  const doorOf = new Map(doors.map((d) => [d.country, d]));
  const at = (d: Date | null) => (d ? formatWhen(d, user.timeZone, { locale: intlTag(locale) }) : '—');
  return (
    <Section id="allowances-title" title={t('title')}>
      {list.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <ul className="flex flex-col gap-3">
          {list.map((a) => {
            const label = t('label', {
              country: countryName(a.country, locale),
              code: a.country,
              hours: a.hours,
            });
            const status = staffStatusKey(a);
            return (
              <li
                key={a.id}
                id={`allowance-${a.id}`}
                className="flex scroll-mt-4 flex-col gap-2 rounded-md border border-slate-200 bg-white p-3"
              >
                {/* A heading: a form below that closes under the keyboard focus hands it here
                    (ActionForm `closed`), to the allowance it acted on and its new status. */}
                <h3 className="font-medium">
                  {t('line', { label, status: status ? t(`status.${status as 'active'}`) : a.status })}
                </h3>
                <p className="text-sm text-slate-700">
                  <AllowanceFacts allowance={a} at={at} />
                </p>
                {a.endingSince ? (
                  <p className="w-fit rounded-md border border-amber-300 bg-amber-50 px-2 py-1 text-sm text-amber-950">
                    {a.status === 'active' ? t('endWaiting', { at: at(a.endingSince) }) : t('removeWaiting')}
                  </p>
                ) : a.endRefused && (a.stillOnSwitch || a.status === 'active') ? (
                  <p className="w-fit rounded-md border border-amber-300 bg-amber-50 px-2 py-1 text-sm text-amber-950">
                    <EndRefusedLine allowance={a} country={countryName(a.country, locale)} at={at} />
                  </p>
                ) : null}
                {a.requesterLeft ? (
                  <SenderLeftNotice
                    left={a.requesterLeft}
                    who={a.requestedBy ? displayEmail(a.requestedBy) : null}
                    since={a.requesterLeft.since ? at(a.requesterLeft.since) : null}
                  />
                ) : null}
                {a.requesterLeft ? (
                  // Said before the agent calls and clicks: the server refuses the approval then
                  // (lib/allowances/decide.ts approveAllowance), and this is the way that remains.
                  <p>{t('askerLeftNoApproval')}</p>
                ) : null}
                {a.requesterLeft ? (
                  // Not the number the asker gave: the account's, and who may answer for it now.
                  <dl className="grid grid-cols-1 gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
                    <dt className="font-medium">{summary('callback')}</dt>
                    <dd className="flex flex-col gap-1">
                      <SenderLeftCallback
                        onFile={account.phone}
                        typed={a.callback?.phone ?? null}
                        country={accountCountry(account.country)}
                        members={account.members.filter((m) => !m.disabled).map((m) => m.email)}
                      />
                    </dd>
                    <CustomerLocalTime
                      timeZone={account.timeZone}
                      callback={account.phone}
                      country={accountCountry(account.country)}
                    />
                  </dl>
                ) : a.status === 'requested' && a.callback ? (
                  <dl className="grid grid-cols-1 gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
                    <dt className="font-medium">{summary('callback')}</dt>
                    <dd className="flex flex-col gap-1">
                      <CallbackNumber
                        phone={a.callback.phone}
                        callback={a.callback.view}
                        country={a.callback.country}
                      />
                    </dd>
                    <CustomerLocalTime
                      timeZone={account.timeZone}
                      callback={a.callback.phone}
                      country={a.callback.country}
                    />
                  </dl>
                ) : null}
                {a.status === 'requested' ? <StaffDoorNote door={doorOf.get(a.country)} /> : null}
                {a.status === 'requested' ? (
                  <WaitingUnblockNote requests={account.waitingRequests ?? []} at={at} />
                ) : null}
                {/* Who is calling the customer about it (lib/allowances/claim.ts), as on an unblock
                    request's page; at this one place whatever the status, like the forms below. */}
                <ClaimCard
                  kind="allowance"
                  requestId={a.id}
                  waiting={a.status === 'requested'}
                  claim={a.claim}
                  idPrefix={`al-${a.id}-`}
                  heading="h4"
                />
                {/* At this one place whatever the status: a decision refused because someone else
                    decided first refreshes the page, and the refusal stays in its live region; "End
                    now" answers, and its answer stays once the switch confirms the end and the page
                    refreshes itself with the allowance ended. */}
                <AllowanceDecisionForms allowanceId={a.id} label={label} closed={a.status !== 'requested'} />
                <EndAllowanceForm
                  allowanceId={a.id}
                  label={label}
                  closed={a.status !== 'active' || a.endingSince !== null}
                />
              </li>
            );
          })}
        </ul>
      )}
      {blocked ? <StaffDoorList doors={doors} /> : null}
      {blocked ? (
        <GrantAllowanceForm
          accountNumber={account.number}
          countries={allowableCountries(account.country, locale)}
        />
      ) : (
        <p className="text-sm text-slate-700">{t('notNeeded')}</p>
      )}
    </Section>
  );
}
