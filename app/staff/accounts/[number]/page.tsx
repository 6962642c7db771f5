import { notFound, redirect } from 'next/navigation';
import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';
import { getLocale, getNow, getTranslations } from 'next-intl/server';
import { Suspense } from 'react';
import { StaffAllowances } from '@/components/allowance/staff-allowances';
import { AutoRefresh } from '@/components/auto-refresh';
import { AccountBlocks, AccountRequests, SwitchOperations } from '@/components/staff/account-blocks';
import { PlaceBlockSection } from '@/components/staff/manual-block-forms';
import { CustomerLogins } from '@/components/staff/customer-logins';
import { ClientMessages } from '@/components/i18n/client-messages';
import { requireStaff } from '@/lib/auth/session';
import { STAFF_CLIENT_NAMESPACES } from '@/lib/i18n/client-messages';
import { getAccountForStaff } from '@/lib/staff/account-detail';
import { Section } from '@/components/ui/section';
import { PageHead } from '@/components/ui/page-head';
import { displayEmail } from '@/lib/auth/email-address';
import { callbackDisplay } from '@/lib/phone/callback';
import { countryName } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { zoneName } from '@/lib/time/format';
import { accountNumberInField } from '@/lib/accounts/identifiers';
import type { Translate } from '@/lib/i18n/note';
import { switchErrorText } from '@/lib/switch/error-text';
import { pageTitle } from '@/lib/i18n/page-title';
import { queueFilterParams, readQueueFilter } from '@/lib/requests/queue-filter';
import { NextRequestLink } from '@/components/staff/next-request-link';
import { STAFF_DEVICES_ID, StaffAccountDevices } from '@/components/staff/account-devices';
import { devicesForStaff } from '@/lib/devices/registrations';
import { RenderAgainWhenBusyEnds } from '@/components/sip/busy-ends';
import { liftHoldsAfterRead, liftHoldsForStaff } from '@/lib/accounts/block-history';

export async function generateMetadata({ params }: { params: Promise<{ number: string }> }) {
  return pageTitle('app.meta.account', { number: (await params).number });
}

/**
 * One account for staff. `searchParams`: the queue filter the agent came with ("Next request" and the
 * allowance list link here), read by the queue's own parser and kept in "Back to the queue" and in
 * this page's own "Next request" (only its allow-listed values: queueFilterParams).
 */
export default async function StaffAccountPage({
  params,
  searchParams,
}: {
  params: Promise<{ number: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireStaff();
  const { filter } = readQueueFilter(await searchParams);
  const back = new URLSearchParams(queueFilterParams(filter)).toString();
  // The way on to the next request nobody holds, on the desk the agent came from (the queue's own
  // "Next request": kind and block reason travel, not `taken`): an agent sent here to decide an
  // allowance request goes on from here, as from a decided unblock request's page.
  const nextQuery = new URLSearchParams(
    queueFilterParams({ kind: filter.kind, reason: filter.reason }),
  ).toString();
  const next = `/staff/requests/next${nextQuery ? `?${nextQuery}` : ''}`;
  const t = await getTranslations('staff.account');
  const all = (await getTranslations()) as unknown as Translate;
  const locale = await getLocale();
  const number = (await params).number;
  // An address typed or pasted as heard ("acc-1001", "ACC1001", "1001") leads to the account's own page.
  const canonical = accountNumberInField(number);
  if (canonical && canonical !== number) redirect(`/staff/accounts/${canonical}`);
  const a = await getAccountForStaff(user, number);
  if (!a) notFound();
  const inForce = a.blocks.some((b) => b.status === 'active' || b.status === 'lift_pending');
  // What each active block's automatic lift waits for: one statement for the page's blocks, none when
  // no block is active.
  const activeIds = a.blocks.filter((b) => b.status === 'active').map((b) => b.id);
  const holds = await liftHoldsForStaff(user, a.id, activeIds);
  const placing = a.operations.some((o) => o.kind === 'block' && o.status === 'pending');
  const waiting = a.operations.some((o) => o.status === 'pending');
  // The switch read of the devices section (not while the page refreshes itself: below), and the
  // holds read again once it has recorded what it saw, streamed in beside the blocks.
  const devices = waiting ? null : devicesForStaff(user, a.id);
  // The time the devices' lines are compared with (their UnsettledLine's useNow): a busy time is
  // measured from it.
  const now = await getNow();
  const laterHolds =
    devices && activeIds.length ? liftHoldsAfterRead(user, a.id, activeIds, devices, holds) : null;
  // The newest change a refused block, and none in force since: a block the switch placed itself
  // after the refusal writes no operation, and "Nothing is in force" beside it was false.
  const refused =
    !inForce && a.operations[0]?.kind === 'block' && a.operations[0].status === 'failed'
      ? a.operations[0]
      : null;
  return (
    <ClientMessages namespaces={STAFF_CLIENT_NAMESPACES}>
      <div className="flex flex-col gap-8">
        {waiting ? <AutoRefresh /> : null}
        {/* The devices' "busy until 12:45:14" of a change the switch answered busy: the open page
            renders once more at the earliest such time, to say what is true then (as the dashboard
            does), once the read is in; never holding the page back. */}
        {devices ? (
          <Suspense fallback={null}>
            <RenderAgainWhenBusyEnds load={devices} now={now} />
          </Suspense>
        ) : null}
        <PageHead
          back={{ href: back ? `/staff?${back}` : '/staff', label: t('back') }}
          title={
            <>
              {a.name} ({a.number})
            </>
          }
        >
          <div role="status" aria-live="polite">
            <p className="font-semibold">
              {/* A block on its way may already be in force on the switch (an answer later than the
                  timeout is sent again): not "allowed" meanwhile, as the customer's pages say. */}
              {inForce ? t('blocked') : placing ? null : t('allowed')}
              {placing ? `${inForce ? ' · ' : ''}${t('placing')}` : ''}
            </p>
            {refused ? (
              <p className="text-red-900">
                {t('refused', {
                  error: refused.lastError
                    ? switchErrorText(all, refused.lastError, 'staff', { named: true })
                    : '',
                })}
              </p>
            ) : null}
          </div>
          <p className="text-sm text-slate-700">
            {t('facts', {
              country: countryName(a.country, locale),
              timeZone: zoneName(a.timeZone, locale),
              // A disabled member still shows, marked so: support sees who cannot sign in.
              members:
                a.members
                  .map((m) =>
                    m.disabled
                      ? t('memberDisabled', { email: displayEmail(m.email) })
                      : displayEmail(m.email),
                  )
                  .join(', ') || t('nobody'),
              usernames: a.credentials.map((c) => c.username).join(', ') || t('nobody'),
            })}
          </p>
          {a.phone ? (
            <p className="text-sm text-slate-700">
              {t('phone', { phone: callbackDisplay(a.phone, accountCountry(a.country)) })}
            </p>
          ) : null}
          <p className="text-sm">
            <Link href={`/staff/audit?${new URLSearchParams({ account: a.number })}`} className={PAGE_LINK}>
              {t('auditLink')}
            </Link>
          </p>
          <div className="flex flex-wrap items-center gap-4">
            <NextRequestLink href={next} />
          </div>
        </PageHead>

        {/* At this one place whatever the state: placing a block closes the form (a block on its way,
            then in force), and its answer stays under this heading (PlaceBlockSection, which hides the
            section when it has neither form nor answer to show). */}
        <PlaceBlockSection accountNumber={a.number} closed={inForce || placing} />

        <Section id="blocks-title" title={t('blocks')}>
          <AccountBlocks account={a} holds={holds} laterHolds={laterHolds} />
        </Section>

        {/* Read from the switch once per SIP credential, streamed in (Suspense): the page never waits.
            Not while the page refreshes itself (a change waits for the switch): each refresh would
            read every credential again; their own page reads them once (review, 2026-12-07). */}
        {devices === null ? (
          <Section id={STAFF_DEVICES_ID} title={all('devices.title')}>
            <p className="max-w-2xl text-sm text-slate-700">{all('staff.devices.whileWaiting')}</p>
            <Link
              href={`/staff/accounts/${encodeURIComponent(a.number)}/devices`}
              className={`${PAGE_LINK} self-start`}
            >
              {all('staff.devices.open')}
            </Link>
          </Section>
        ) : (
          <StaffAccountDevices load={devices} />
        )}

        <Section id="requests-title" title={t('requests')}>
          <AccountRequests account={a} />
        </Section>

        {/* A waiting allowance request names the unblock requests waiting too (read with the account). */}
        <StaffAllowances
          user={user}
          account={{ ...a, waitingRequests: a.requests.filter((r) => r.status === 'pending').reverse() }}
          blocked={inForce}
        />

        <CustomerLogins accountNumber={a.number} logins={a.logins} />

        <Section id="ops-title" title={t('operations')}>
          <SwitchOperations account={a} />
        </Section>
      </div>
    </ClientMessages>
  );
}
