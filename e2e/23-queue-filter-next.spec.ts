import { HARBOR } from './support/demo-copies';
import { createCustomer, createMisdial } from './support/factories';
import { expect, expectAccessible, test } from './support/fixtures';

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
