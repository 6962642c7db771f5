import { Suspense, type ReactNode } from 'react';
import { Link } from '@/components/ui/link';
import { headers } from 'next/headers';
import { getNow, getTranslations } from 'next-intl/server';
import { earliestBusyUntil } from '@/lib/accounts/unsettled';
import { BlockAllowances } from '@/components/allowance/block-allowances';
import { AutoRefresh } from '@/components/auto-refresh';
import { CredentialList } from '@/components/block/credential-list';
import { ExplanationText, explanationNeedsPerson } from '@/components/block/explanation';
import { OPEN_BLOCKS_ID, OpenBlocks } from '@/components/block/open-blocks';
import { OtherDoors } from '@/components/block/other-doors';
import { RequestList } from '@/components/block/request-list';
import { BlockStatusLines } from '@/components/block/status-lines';
import { mayPassCalls } from '@/lib/allowances/queries';
import { Timeline } from '@/components/block/timeline';
import { TriggerCalls } from '@/components/block/trigger-calls';
import { RegisteredDevices } from '@/components/devices/registered-devices';
import { SuspiciousList } from '@/components/devices/suspicious-devices';
import { devicesOfBlock } from '@/lib/devices/registrations';
import { Section } from '@/components/ui/section';
import { PageHead } from '@/components/ui/page-head';
import { blockPageTitle, ownBlock } from './own-block';
import { buttonClass } from '@/components/ui/button-class';
import { FocusOnArrival } from '@/components/ui/focus-on-arrival';
import { versionOf } from '@/lib/server/version';
import { blockPageData } from '@/lib/blocks/page-version';
import { liveBlockView, otherOpenBlocksForUser, type BlockView } from '@/lib/blocks/queries';
import { isRowId } from '@/lib/server/row-id';
import { explanationCheck, liveReadWaitMs, liveReadWithin } from '@/lib/blocks/live-read';

/**
 * How often an open block page renders again even when its data has not changed, ms: the registered
 * devices come from the switch, which no fingerprint of the portal's data sees (an attacker's new
 * registration, an old one expiring, a list that could not load while the switch was down).
 */
const DEVICES_EVERY_MS = 120_000;

export const generateMetadata = ({ params }: { params: Promise<{ id: string }> }) =>
  blockPageTitle(params, 'app.meta.block');

/**
 * The customer's block. `?request=submitted` (after an unblock request is sent), `?request=withdrawn`
 * (after one is withdrawn) or `?allowance=requested` (after asking to allow a country) puts a
 * confirmation at the top that takes the keyboard focus: the form is gone, and without it the focus
 * would fall to the document (WCAG 2.2 SC 2.4.3). It is read as it takes the focus, so it sits outside
 * the status region, which holds only the block's status lines. It is said only while the page
 * agrees: a pending request, a withdrawn one and none pending, or an allowance waiting for support.
 *
 * With two or more other blocks open on the account, the page lists them (components/block/
 * open-blocks.tsx), newest first, a page at a time: `?others={block id}` lists those older than that
 * block (lib/blocks/queries.ts otherOpenBlocksForUser), so every block in force can be reached from
 * the newest one's page, which the dashboard links. With one, the status line links it.
 */
export default async function BlockPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { user, block } = await ownBlock(params);
  const { request, allowance, others } = await searchParams;
  // One switch read per credential, shared by the suspicious-devices summary and the device list,
  // and the block as that read shows it (lib/blocks/queries.ts liveBlockView), once for every part
  // of the page that names the block's suspects. Started first: it runs beside the reads below.
  const devices = devicesOfBlock(block);
  const live = liveBlockView(block, devices);
  // A page load waits a quarter of a second for the read; the open page's own refresh longer.
  const waitMs = liveReadWaitMs((await headers()).get('sec-fetch-dest'));
  const t = await getTranslations('block');
  const open = block.status !== 'lifted';
  // What the open page asks each time instead of rendering again (lib/server/version.ts); a later
  // page of the other open blocks, when asked for, beside it (the first came with the block); and
  // the switch read, when it is in within `waitMs` (`read`, null when it is not).
  // The lift policy's answer too, read here and not by the explanation inside the boundary below: a
  // read there suspends it, and the in-time render's boundary has no fallback, so the page's first
  // paint lacked its explanation, calls and passwords until the read came in (Tester P, 2026-12-08).
  const [data, olderOthers, read, needsPerson] = await Promise.all([
    blockPageData(user.id, block),
    block.otherOpenBlocks && isRowId(others) ? otherOpenBlocksForUser(user.id, block.id, others) : null,
    liveReadWithin(live, devices, waitMs),
    explanationNeedsPerson(block),
  ]);
  // A page past the last (its blocks lifted meanwhile) shows the first page instead.
  const openList = olderOthers?.items.length ? olderOthers : block.otherOpenBlocks;
  // With two or more others the status line points to the list; with one, it links that block.
  const otherHref =
    block.otherOpenBlockCount >= 2 ? `#${OPEN_BLOCKS_ID}` : `/blocks/${block.otherOpenBlockId}`;
  const watch = { url: `/api/version/blocks/${encodeURIComponent(block.id)}`, version: versionOf(data) };
  // The earliest "set a new one from <time>" the credential list shows: the open page renders once
  // more then, to say what is true after it (as the dashboard does: app/page.tsx).
  const now = await getNow();
  const busyEnds = earliestBusyUntil(block.credentials, now);
  const renderAgainInMs = busyEnds ? busyEnds.getTime() - now.getTime() : undefined;
  const pending = block.requests.some((r) => r.status === 'pending');
  const done =
    request === 'submitted' && pending
      ? 'submitted'
      : request === 'withdrawn' && !pending && block.requests.some((r) => r.status === 'withdrawn')
        ? 'withdrawn'
        : // After asking for an allowance (lib/allowances/actions.ts), while one waits for support.
          allowance === 'requested' && data.allowances.some((a) => a.status === 'requested')
          ? 'allowanceRequested'
          : null;
  return (
    <div className="flex flex-col gap-8">
      {/* Waiting for the switch: every few seconds. In force: the switch may lift it, or more calls
          arrive, while the customer reads; the status above is a live region and says so. Each
          check is a short question (`watch`); the page renders again only when its data changed. */}
      {block.status === 'lift_pending' || block.blockOnItsWay ? (
        <AutoRefresh watch={watch} renderEveryMs={DEVICES_EVERY_MS} renderAgainInMs={renderAgainInMs} />
      ) : block.status === 'active' ? (
        <AutoRefresh
          everyMs={5000}
          maxMs={30_000}
          watch={watch}
          renderEveryMs={DEVICES_EVERY_MS}
          renderAgainInMs={renderAgainInMs}
        />
      ) : null}
      <PageHead
        back={{ href: '/', label: t('back') }}
        title={t(open ? 'title' : 'titleLifted', { name: block.account.name, number: block.account.number })}
      >
        {done ? (
          // Keyed by the message: withdrawing after sending stays on this page, and a new message
          // must mount anew to take the focus. Outside the live region below: that region stays
          // mounted across the redirect back to this page, so a confirmation inside it was read twice,
          // once as a change of the region and once as it took the focus.
          <FocusOnArrival key={done}>
            {done === 'allowanceRequested' ? t('allowanceRequested') : t('request.done', { done })}
          </FocusOnArrival>
        ) : null}
        <div role="status" aria-live="polite" className="flex flex-col gap-2">
          <BlockStatusLines
            block={block}
            otherHref={otherHref}
            allowancesMayPass={data.allowances.some(mayPassCalls)}
          />
        </div>
      </PageHead>
      {/* One boundary for what the page asks for: the summary of the devices that look like an
          attacker's, the explanation and the credential list are revealed together, with this view's
          switch read (WithLiveSuspects); until then the block as read, its explanation saying the
          check is still running (Explanation's `check` `running`) and promising nothing, and no
          summary. */}
      <WithLiveSuspects
        block={block}
        live={live}
        devices={devices}
        read={read}
        render={(b, seen) => (
          <>
            {seen?.devices ? (
              <SuspiciousList
                devices={seen.devices}
                href={(id) => `/credentials/${id}/reset?block=${block.id}`}
              />
            ) : null}

            <Section id="what" title={t(open ? 'whatHappened' : 'whatHappenedLifted')} gap={2}>
              <ExplanationText
                block={b}
                needsPerson={needsPerson}
                check={explanationCheck(seen?.devices ?? null)}
              />
            </Section>

            <Section id="calls" title={t('callsTitle')} gap={2}>
              <TriggerCalls block={b} more={{ count: b.callCount, href: `/blocks/${b.id}/calls` }} />
            </Section>

            <Section id="creds" title={t('credentialsTitle')}>
              <CredentialList block={b} labelledBy="creds" />
            </Section>
          </>
        )}
      />

      <RegisteredDevices load={read ? read.devices : devices} />

      {open ? <OtherDoors /> : null}

      {block.status === 'active' && !pending && block.reason !== 'manual' ? (
        <Section id="other" title={t('actionsTitle')}>
          <div className="flex flex-wrap gap-3">
            <Link href={`/blocks/${block.id}/misdial`} className={buttonClass('secondary')}>
              {t('misdial')}
            </Link>
            <Link href={`/blocks/${block.id}/firewall`} className={buttonClass('secondary')}>
              {t('firewall')}
            </Link>
          </div>
        </Section>
      ) : null}

      <BlockAllowances userId={user.id} block={block} watch={watch} />

      {block.requests.length ? (
        <Section id="reqs" title={t('requestsTitle')}>
          <RequestList requests={block.requests} />
        </Section>
      ) : null}

      {openList ? <OpenBlocks list={openList} base={`/blocks/${block.id}`} /> : null}

      <Section id="timeline" title={t('timelineTitle')}>
        <WithLiveSuspects
          block={block}
          live={live}
          devices={devices}
          read={read}
          render={(b) => <Timeline events={b.events} audience="customer" />}
        />
      </Section>
    </div>
  );
}

/**
 * This view's switch read as the page has it (devicesOfBlock): the account's country and every SIP
 * credential of the block's account with its registered devices, or why they were not read (`notRead`).
 */
type Devices = Awaited<ReturnType<typeof devicesOfBlock>>;

type Live = {
  block: BlockView;
  live: Promise<BlockView>;
  devices: Promise<Devices>;
  /** Both, when they were in within the page's wait (lib/blocks/live-read.ts liveReadWaitMs); else null. */
  read: { block: BlockView; devices: Devices } | null;
  /** The part of the page for `block`; `read`: the switch read it reflects, null while it is out. */
  render: (block: BlockView, read: { devices: Devices } | null) => ReactNode;
};

/**
 * `render(block, null)` as read, then again once this view's switch read (`devicesOfBlock`, which
 * records what it sees) is in, with that read (`devices`) and as it shows the block (`live`:
 * lib/blocks/queries.ts liveBlockView, the credentials it finds registered from the calls' address or
 * by a scanning tool `suspected`, and their timeline entries): the block and the switch are read in
 * parallel, and the first view of a page whose read finds the attacker's second credential must
 * already ask for its password.
 *
 * Each boundary is revealed on its own (React streams a boundary's content when it is ready, keeps a
 * large or late one hidden until its script reveals it, and reveals in batches), so what must agree
 * is rendered by ONE boundary: a first view once said "Change the SIP password of Front desk now…
 * comes back once it is changed" (the explanation's boundary still showing its fallback, as read)
 * beside a credential list, in a boundary of its own, already asking for Back office's password too;
 * and the summary of suspicious devices, in a boundary of its own, said "Change Back office" beside
 * an explanation naming Front desk only. The timeline, far below, has its own: it only adds an entry.
 *
 * A read in within the page's wait (`read`, lib/blocks/live-read.ts liveReadWaitMs) is rendered in
 * place, once, with no boundary and no fallback: the usual case. Not in a boundary: React's Flight
 * server sends a large subtree as rows of its own after the first (past 3 200 bytes a row), so the
 * HTML renderer found this part not yet there when it sent the page's first bytes, and a boundary
 * around it went out empty (its fallback was null), the part itself in a hidden `<div>` that a script
 * reveals on the next animation frame: without JavaScript the page never showed its explanation,
 * calls and passwords, and with it they came after the rest (Tester P, 2026-12-08). Outside a
 * boundary, the first bytes wait for them. An open page's refresh waits longer for its read
 * (LIVE_READ_WAIT_SCRIPTED_MS): a boundary new to the tree shows its fallback at once, which React's
 * transition does not hold back.
 *
 * The fallback is what a slower read (4 s) shows first, and what a browser without JavaScript keeps
 * (the streamed content replaces it by an inline script): so it must be true whatever the read finds.
 * It says the check is still running and promises nothing (components/block/explanation.tsx, `check`
 * `running`: the `checking` sentence).
 */
function WithLiveSuspects({ block, live, devices, read, render }: Live) {
  if (read) return render(read.block, { devices: read.devices });
  return (
    <Suspense fallback={render(block, null)}>
      <LiveSuspects live={live} devices={devices} render={render} />
    </Suspense>
  );
}

async function LiveSuspects({ live, devices, render }: Omit<Live, 'block' | 'read'>) {
  const [b, read] = await Promise.all([live, devices]);
  return render(b, { devices: read });
}
