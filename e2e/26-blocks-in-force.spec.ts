import { HARBOR } from './support/demo-copies';
import { createCustomer } from './support/factories';
import type { Page } from '@playwright/test';
import { expect, expectAccessible, test } from './support/fixtures';

// The support desk's blocks in force (`/staff/blocks`, lib/staff/blocks-in-force.ts): a blocked
// customer who asked for nothing appears nowhere on the queue; here it is listed, with how far its
// automatic lift has come and no request, reached from the staff home and filtered with the keyboard.

test('a block nobody asked about is listed under “Blocks in force”, and its filters find it', async ({
  agent: { page },
}) => {
  // A copy of Harbor Logistics: blocked for calls through its PBX trunk, no password changed, no request.
  const {
    accounts: [harbor],
  } = await createCustomer([{ ...HARBOR, name: 'Silent Harbor' }]);

  await page.goto('/staff');
  await page.getByRole('link', { name: 'Blocks in force, including those nobody asked about' }).click();
  await expect(page).toHaveURL(/\/staff\/blocks$/);
  await expect(page.getByRole('heading', { level: 1, name: /^Blocks in force \(/ })).toBeVisible();

  // The silent customers of a wave: no request, no password changed yet, newest first (this one is new).
  const filters = page.getByRole('search', { name: 'Filter the blocks in force' });
  await filters.getByLabel('Unblock request').selectOption({ label: 'No request' });
  await filters.getByLabel('SIP passwords').selectOption({ label: 'No password changed yet' });
  await filters.getByLabel('Order').selectOption({ label: 'Newest first' });
  await filters.getByRole('button', { name: 'Show' }).press('Enter');
  await expect(page).toHaveURL(/\/staff\/blocks\?request=none&passwords=none&order=newest$/);
  await expect(page.getByText('Showing: No request · No password changed yet · Newest first.')).toBeVisible();

  // Other specs place blocks at the same time (this copy's was placed 30 minutes ago): page on to it.
  const entry = await pageTo(page, `${harbor!.number} · ${harbor!.name}`);
  await expect(entry).toBeVisible();
  await expect(entry).toContainText('0 of 1 SIP password named by the calls changed');
  await expect(entry).toContainText('No unblock request · No member has signed in since the block');
  await expectAccessible(page);

  // "Partly changed" does not list it; its link leads to the block on the account page.
  await page.goto('/staff/blocks?passwords=partly&order=newest');
  await expect(page.getByRole('article', { name: `${harbor!.number} · ${harbor!.name}` })).toHaveCount(0);
  await page.goto('/staff/blocks?request=none&passwords=none&order=newest');
  await (
    await pageTo(page, `${harbor!.number} · ${harbor!.name}`)
  )
    .getByRole('link', { name: `${harbor!.number} · ${harbor!.name}` })
    .click();
  await expect(page).toHaveURL(new RegExp(`/staff/accounts/${harbor!.number}#block-`));
});

/** The entry named `name`, following "Next page" (keyset links) until a page lists it. */
async function pageTo(page: Page, name: string) {
  for (let pages = 0; pages < 40; pages++) {
    const entry = page.getByRole('article', { name });
    if (await entry.count()) return entry;
    const next = page
      .getByRole('navigation', { name: 'Pages of blocks in force' })
      .getByRole('link', { name: 'Next page' });
    if (!(await next.count())) break;
    const before = page.url();
    await next.click();
    await expect(page).not.toHaveURL(before);
  }
  return page.getByRole('article', { name });
}
