import type { Page } from '@playwright/test';
import { type TestAccount, createCustomer, literally } from './support/factories';
import { expect, expectAccessible, signIn, test } from './support/fixtures';
import { sim } from './support/sim';

// Issue 14: the simulated switch's fraud monitor blocks two US accounts with the dialled number
// written as real switches and PBXs write it, and the customer reads the block page: a PBX's CDR
// ("9 011 …") names Somalia; digits that are both a US number and Peru's without "+" are shown as
// the switch sent them, never as a guessed country.

const region = (page: Page, a: TestAccount) => page.getByRole('region', { name: literally(a.name) });

/** The simulated switch blocks `account` for calls to `to`; waits until the dashboard shows it, then opens the block. */
async function blockedBy(page: Page, account: TestAccount, to: string) {
  await sim('/_sim/fraud', { method: 'POST', body: { accountNumber: account.number, to } });
  await expect(async () => {
    await page.goto('/');
    await expect(region(page, account).getByText('International calling blocked')).toBeVisible({
      timeout: 1000,
    });
  }).toPass({ timeout: 15_000 });
  await region(page, account).getByRole('link', { name: 'See why and fix it' }).click();
  await expect(page.getByRole('heading', { name: /International calling blocked on/ })).toBeVisible();
}

test('PBX digits name the destination; digits two readings dispute are shown as sent', async ({ page }) => {
  const {
    user,
    accounts: [pbx, disputed],
  } = await createCustomer([
    { name: 'PBX Digits Co', country: 'US', credentials: [{ label: 'Office PBX', stem: 'pbx' }] },
    { name: 'Disputed Digits Co', country: 'US', credentials: [{ label: 'Front desk', stem: 'desk' }] },
  ]);
  await signIn(page, user);

  await blockedBy(page, pbx!, '9 011 252 61 1234567');
  const calls = page.getByRole('table').getByRole('row');
  // Every call the switch sent ("9 011 252 61 1234…", the number and its neighbours) reads as Somalia.
  await expect(calls.filter({ hasText: '+252 61 123 4567' }).first()).toContainText('Somalia');
  await expect(page.getByRole('table')).not.toContainText('Could not read this number');
  await expect(page.getByRole('table')).not.toContainText('United States');
  await expectAccessible(page);

  // Iowa's (515) 279-5494 written as ten digits, or Peru's +51 52 795494 without its "+".
  await blockedBy(page, disputed!, '5152795494');
  // (The neighbours the simulator adds change the last digits: each may read either way.)
  const row = page.getByRole('table').getByRole('row').filter({ hasText: '5152795494' }).first();
  await expect(row).toContainText('Could not read this number');
  await expect(row).not.toContainText('United States');
  await expect(row).not.toContainText('Peru');
  await expectAccessible(page);
});
