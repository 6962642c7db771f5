import { query } from './support/db';
import { HARBOR } from './support/demo-copies';
import { E2E } from './support/env';
import { createCustomer, createMisdial } from './support/factories';
import { expect, expectAccessible, test } from './support/fixtures';
import { runTsx } from './support/tsx';

// The support queue's filter (`/staff?kind=…&reason=…&taken=…`, lib/requests/queue-filter.ts) goes with
// the agent to a request and through its decision: "Next request" on the decided page opened the oldest
// untaken request of any kind (the filter was lost at the request's link and at the decision's
// redirect), so an agent working misdials was handed a firewall request. Only the filter's own values
// travel: anything else in the address is dropped, never copied into a link.

const FILTER = 'kind=misdial&reason=hotspot_source_ip';

test('“Next request” after a decision keeps the queue filter the agent came with, and nothing else', async ({
  agent: { page },
}) => {
  // A misdial request on an account blocked for calls from a hotspot address (a copy of Harbor Logistics).
  const {
    user,
    accounts: [harbor],
  } = await createCustomer([{ ...HARBOR, name: 'Filter Next' }]);
  const request = await createMisdial(user, harbor, {
    intendedNumber: '01481 712345',
    whatHappened: 'Our dispatcher misdialled a supplier in Guernsey.',
    callbackPhone: '+44 20 7946 0018',
  });

  // The filtered queue's links to its requests carry the filter (this one at least is in it).
  await page.goto(`/staff?${FILTER}&taken=no`);
  const links = page.locator('article a[href^="/staff/requests/"]');
  await expect(links.first()).toBeVisible();
  for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
    expect(href).toMatch(new RegExp(`^/staff/requests/[^?/]+\\?${FILTER}&taken=no$`));

  // The request page, opened with the filter and with words of no filter in the address.
  await page.goto(
    `/staff/requests/${request.id}?${FILTER}&taken=no&q=${encodeURIComponent('"><script>')}&next=//evil.example&kind=firewall`,
  );
  await expect(page.getByRole('link', { name: 'Back to the queue' })).toHaveAttribute(
    'href',
    `/staff?${FILTER}&taken=no`,
  );

  // The agent denies it; the page after the decision still knows the filter.
  await page.getByRole('radio', { name: 'I called and could not reach them' }).check();
  await page
    .getByLabel('Reason for the customer')
    .fill('We could not confirm the misdial with the account holder.');
  await page.getByRole('button', { name: 'Deny', exact: true }).click();
  await expect(page.getByText('You denied this request.', { exact: false })).toBeVisible();
  const url = new URL(page.url());
  expect([...url.searchParams]).toEqual([
    ['done', 'denied'],
    ['kind', 'misdial'],
    ['reason', 'hotspot_source_ip'],
    ['taken', 'no'],
  ]);
  const next = page.getByRole('link', { name: 'Next request', exact: true });
  await expect(next).toHaveAttribute('href', `/staff/requests/next?${FILTER}`);
  await expect(page.getByRole('link', { name: 'Back to the queue' })).toHaveAttribute(
    'href',
    `/staff?${FILTER}&taken=no`,
  );
  await expectAccessible(page);

  // Followed: the oldest untaken misdial of that reason (another journey's, only looked at), opened with
  // the filter, whose own "Next request" keeps it; or, with none, the way back to the filtered queue.
  await next.click();
  // Settled: either "none" on /staff/requests/next, or redirected from there to another request (the
  // address reads /staff/requests/next for a moment before the redirect lands).
  const none = page.getByRole('status').filter({ hasText: /^No request of this view is waiting/ });
  await expect(async () => {
    const path = new URL(page.url()).pathname;
    if (path === '/staff/requests/next') expect(await none.count()).toBe(1);
    else expect(path).not.toBe(`/staff/requests/${request.id}`);
  }).toPass();
  if (new URL(page.url()).pathname === '/staff/requests/next') {
    await expect(none).toBeVisible();
    await expect(page.getByRole('link', { name: 'Back to the queue' })).toHaveAttribute(
      'href',
      `/staff?${FILTER}`,
    );
  } else {
    expect(new URL(page.url()).search).toBe(`?${FILTER}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Misdial unblock request: /);
    await expect(page.getByRole('link', { name: 'Back to the queue' })).toHaveAttribute(
      'href',
      `/staff?${FILTER}`,
    );
  }
});

/**
 * The account of the oldest allowance request waiting for support that nobody holds now (never taken,
 * released, or its claim lapsed), as the database reads it: where "Next request" on the allowance desk
 * leads. Times are stored as Prisma writes them on SQLite ("2026-12-06T04:20:00.000+00:00").
 */
function oldestFreeAllowance(): { id: string; number: string } | undefined {
  const now = new Date().toISOString().replace('Z', '+00:00');
  return query<{ id: string; number: string }>(
    `SELECT a.id, c.number FROM "DestinationAllowance" a JOIN "CustomerAccount" c ON c.id = a."accountId"
     WHERE a.status = 'requested' AND (a."claimedUntil" IS NULL OR a."claimedUntil" <= ?)
     ORDER BY a."createdAt", a.id LIMIT 1`,
    now,
  )[0];
}

test('on the allowance desk, “Next request” opens the oldest allowance request nobody has taken, at its card', async ({
  agent: { page },
}) => {
  // A customer has asked for an allowance that waits for support (nobody has taken it).
  const d = JSON.parse(
    runTsx('e2e/support/allowance-data.ts', ['--requested'], { DATABASE_URL: E2E.databaseUrl }),
  ) as { number: string };

  // The desk that works allowances, and only those nobody holds: the list is filtered, and says so.
  await page.goto(`/staff?kind=allowance&taken=no&reason=manual&evil=${encodeURIComponent('"><b>')}`);
  const list = page.getByRole('region', { name: /^Allowance requests waiting \(/ });
  await expect(list.getByText('Shown: Destination allowance · Not taken.')).toBeVisible();
  await expect(list.getByText(/^Taken by /)).toHaveCount(0);
  // The block reason is no filter of theirs, and the page says so (the Taken one is).
  await expect(page.getByText(/^Destination-allowance requests have no block reason/)).toBeVisible();
  // Only the filter's own values travel: the kind (no block reason, no taken: Next looks for a free one).
  const next = page.getByRole('link', { name: 'Next request', exact: true });
  await expect(next).toHaveAttribute('href', '/staff/requests/next?kind=allowance');
  await expectAccessible(page);

  // From the keyboard: the filter form's "Show", then Tab to "Next request", then Enter.
  await page.getByRole('button', { name: 'Show', exact: true }).focus();
  await page.keyboard.press('Tab');
  await expect(next).toBeFocused();
  const before = oldestFreeAllowance();
  expect(before).toBeDefined();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/staff\/accounts\//);

  // The oldest free one (ours or another journey's older one), on its account page at that request's
  // own card, with the queue's filter in the address; unless someone took it meanwhile, then the next.
  const url = new URL(page.url());
  const number = decodeURIComponent(url.pathname.replace('/staff/accounts/', ''));
  const landed = [before, oldestFreeAllowance()].find((o) => o?.number === number);
  expect(landed).toBeDefined();
  expect(url.search).toBe('?kind=allowance');
  expect(url.hash).toBe(`#allowance-${landed!.id}`);
  await expect(page.locator(`[id="allowance-${landed!.id}"]`)).toBeInViewport();
  const card = page.getByRole('region', { name: 'Destination allowances' });
  // "Back to the queue" goes back to the allowance desk, and "Next request" on to its next one.
  await expect(page.getByRole('link', { name: /Back to the queue/ })).toHaveAttribute(
    'href',
    '/staff?kind=allowance',
  );
  await expect(page.getByRole('link', { name: 'Next request', exact: true })).toHaveAttribute(
    'href',
    '/staff/requests/next?kind=allowance',
  );
  // A request there waits for a decision, and nobody has taken it: the agent takes it here.
  await expect(card.getByText(/^Nobody has taken this request\./).first()).toBeVisible();
  await expect(card.getByRole('button', { name: 'Take this request', exact: true }).first()).toBeVisible();
  await expectAccessible(page);

  // Nothing taken by opening it: ours, if it was the one, is still free.
  expect(
    query<{ claimedById: string | null }>(
      `SELECT a."claimedById" FROM "DestinationAllowance" a JOIN "CustomerAccount" c ON c.id = a."accountId" WHERE c.number = ?`,
      d.number,
    ),
  ).toEqual([{ claimedById: null }]);
});

test('on the whole desk, “Next request” opens an allowance request that has waited longest, and goes on from its card', async ({
  agent: { page },
}) => {
  // An allowance request that has waited longer than every other journey's request, of either kind.
  const d = JSON.parse(
    runTsx('e2e/support/allowance-data.ts', ['--requested-at=2000-01-03T09:00:00Z'], {
      DATABASE_URL: E2E.databaseUrl,
    }),
  ) as { number: string };
  const [mine] = query<{ id: string }>(
    `SELECT a.id FROM "DestinationAllowance" a JOIN "CustomerAccount" c ON c.id = a."accountId" WHERE c.number = ?`,
    d.number,
  );

  // The desk unfiltered: "Next request" carries no kind, and finds it (before 2026-12-07, an unblock request).
  await page.goto('/staff');
  const next = page.getByRole('link', { name: 'Next request', exact: true });
  await expect(next).toHaveAttribute('href', '/staff/requests/next');
  await next.click();
  await expect(page).toHaveURL(/\/staff\/accounts\//);
  const url = new URL(page.url());
  expect(decodeURIComponent(url.pathname)).toBe(`/staff/accounts/${d.number}`);
  expect(url.search).toBe('');
  expect(url.hash).toBe(`#allowance-${mine.id}`);
  await expect(page.locator(`[id="al-${mine.id}-claim-line"]`)).toHaveText(
    /^Nobody has taken this request\./,
  );

  // The account page goes back to the whole desk, and on to its next request, no kind added.
  await expect(page.getByRole('link', { name: /Back to the queue/ })).toHaveAttribute('href', '/staff');
  const onward = page.getByRole('link', { name: 'Next request', exact: true });
  await expect(onward).toHaveAttribute('href', '/staff/requests/next');
  await expectAccessible(page);

  // Taken here, it is no longer anyone's next: "Next request" leads elsewhere (or says none is free).
  const card = page.locator(`[id="allowance-${mine.id}"]`);
  await card.getByRole('button', { name: 'Take this request', exact: true }).click();
  await expect(page.locator(`[id="al-${mine.id}-claim-line"]`)).toContainText('You took this request');
  const here = page.url();
  await onward.click();
  await expect(page).not.toHaveURL(here);
  expect(new URL(page.url()).hash).not.toBe(`#allowance-${mine.id}`);
});

test('on the filtered queue, “Take next request” takes the oldest free request of the filter and opens it, taken', async ({
  agent: { user: me, page },
}) => {
  // A misdial request on an account blocked for calls from a hotspot address: at least one of the filter
  // waits free. (Another journey's older one of the filter may be the one taken: it is a soft claim, and
  // the journeys that take their own request use other filters.)
  const {
    user,
    accounts: [harbor],
  } = await createCustomer([{ ...HARBOR, name: 'Take Next' }]);
  await createMisdial(user, harbor, {
    intendedNumber: '01481 712346',
    whatHappened: 'Our dispatcher misdialled a supplier in Guernsey again.',
    callbackPhone: '+44 20 7946 0019',
  });

  await page.goto(`/staff?${FILTER}`);
  // The link stays, and still only opens; the button beside it takes.
  await expect(page.getByRole('link', { name: 'Next request', exact: true })).toHaveAttribute(
    'href',
    `/staff/requests/next?${FILTER}`,
  );
  const take = page.getByRole('button', { name: 'Take next request', exact: true });
  await expect(take).toHaveAccessibleDescription(/^Takes for you the oldest waiting request/);
  await expectAccessible(page);
  await take.click();

  // Opened at its page with the filter in the address, and the page says the agent has it.
  await expect(page).toHaveURL(/\/staff\/requests\/(?!next)[^/?]+\?/);
  const url = new URL(page.url());
  expect(url.search).toBe(`?${FILTER}`);
  const id = url.pathname.replace('/staff/requests/', '');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Misdial unblock request: /);
  await expect(page.locator('#claim-line')).toHaveText(/^You took this request on .+\. It is yours until /);
  // The database agrees: a misdial request of that block reason, held by this agent, audited as a take.
  expect(
    query<{ claimedById: string; kind: string; reason: string }>(
      `SELECT r."claimedById", r.kind, b.reason FROM "UnblockRequest" r JOIN "Block" b ON b.id = r."blockId" WHERE r.id = ?`,
      id,
    ),
  ).toEqual([{ claimedById: me.id, kind: 'misdial', reason: 'hotspot_source_ip' }]);
  expect(
    query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM "AuditLog" WHERE "targetId" = ? AND action = 'request.taken' AND "actorEmail" = ?`,
      id,
      me.email,
    ),
  ).toEqual([{ n: 1 }]);
  await expectAccessible(page);
  // Released again: the request may be another journey's (the filter is shared), which must find it free.
  await page.getByRole('button', { name: 'Release it', exact: true }).click();
  await expect
    .poll(() =>
      query<{ claimedById: string | null }>(`SELECT "claimedById" FROM "UnblockRequest" WHERE id = ?`, id),
    )
    .toEqual([{ claimedById: null }]);
});
