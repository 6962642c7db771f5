import { expect, type Page } from '@playwright/test';
import { literally } from './factories';

/**
 * How an agent finds one customer's pending unblock request in a busy queue (the first page of
 * /staff shows only the 25 oldest, and other journeys' requests may be older): search by the
 * account number, then follow the hit's "1 unblock request waiting" link to the queue of that account.
 * Leaves `page` on `/staff?account=…`, whose articles are the account's pending requests.
 */
export async function queueOfAccount(page: Page, account: { name: string; number: string }) {
  await page.goto('/staff');
  await page
    .getByLabel('Account number, company, member name or email, or SIP username')
    .fill(account.number);
  await page.getByRole('button', { name: 'Search' }).click();
  const hit = page
    .getByRole('list', { name: 'Matching accounts' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('link', { name: literally(`${account.name} (${account.number})`) }) });
  await hit.getByRole('link', { name: /\brequests? waiting$/ }).click();
  await expect(
    page.getByRole('heading', {
      level: 2,
      name: literally(`Unblock requests waiting for ${account.number}`),
    }),
  ).toBeVisible();
}
