import type { Page } from '@playwright/test';
import { type AccountSpec, createCustomer, type TestAccount } from './support/factories';
import { expect, expectAccessible, signIn, test } from './support/fixtures';
import { postBlockPlaced } from './support/switch-events';

// A member of many accounts (a reseller, an IT contractor, a shared mailbox): the dashboard puts the
// blocked accounts first, says how many there are, and offers a filter, a search and pages of 20
// (lib/accounts/dashboard.ts), all in the URL; the open page follows the switch for the view it shows.

const FRAUD = { to: '+252611234567', sourceIp: '185.220.101.47' };
const BLOCKED = [5, 17, 38];

/** 45 accounts "Reseller Client 00" … "44" (each name gets a unique suffix), three of them blocked. */
const specs: AccountSpec[] = Array.from({ length: 45 }, (_, i) => ({
  name: `Reseller Client ${String(i).padStart(2, '0')}`,
  ...(BLOCKED.includes(i) ? { block: { calls: [FRAUD] } } : {}),
}));

const byNumber = (a: TestAccount, b: TestAccount) => (a.number < b.number ? -1 : 1);
/**
 * The account numbers of the cards shown, in order: each card is a region named by its heading,
 * whose id is `acct-<number>` (components/account-card.tsx); its credentials table is a region too.
 */
async function numbersShown(page: Page): Promise<string[]> {
  const ids = await page
    .getByRole('region')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-labelledby') ?? ''));
  return ids.filter((id) => id.startsWith('acct-')).map((id) => id.slice('acct-'.length));
}
const status = (page: Page) => page.getByRole('region', { name: 'Find an account' }).getByRole('status');

test('a member of 45 accounts finds the blocked ones first, filters, searches and pages', async ({
  page,
}) => {
  const { user, accounts } = await createCustomer(specs);
  const blocked = BLOCKED.map((i) => accounts[i]!).sort(byNumber);
  const rest = accounts.filter((_, i) => !BLOCKED.includes(i)).sort(byNumber);
  const order = [...blocked, ...rest].map((a) => a.number);
  await signIn(page, user);

  // Page 1: the count, the three blocked accounts on top, then the rest by number.
  await expect(page.getByText('3 of your 45 accounts have international calling blocked.')).toBeVisible();
  await expect(status(page)).toHaveText('Accounts 1–20 of 45, those needing your attention first.');
  expect(await numbersShown(page)).toEqual(order.slice(0, 20));
  for (const a of blocked)
    await expect(
      page.getByRole('region', { name: new RegExp(a.number) }).getByText('International calling blocked'),
    ).toBeVisible();
  const pages = page.getByRole('navigation', { name: 'Pages of accounts' });
  await expect(pages).toContainText('Page 1 of 3');
  await expect(pages.getByRole('link', { name: 'Previous page' })).toHaveCount(0);
  await expectAccessible(page);

  // Pages, from the keyboard: "Next page" twice, then "Previous page"; each account on one page only.
  await pages.getByRole('link', { name: 'Next page' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/\?page=2$/);
  await expect(status(page)).toHaveText('Accounts 21–40 of 45, those needing your attention first.');
  expect(await numbersShown(page)).toEqual(order.slice(20, 40));
  await expectAccessible(page);
  await pages.getByRole('link', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/\/\?page=3$/);
  await expect(pages).toContainText('Page 3 of 3');
  expect(await numbersShown(page)).toEqual(order.slice(40));
  await expect(pages.getByRole('link', { name: 'Next page' })).toHaveCount(0);
  await pages.getByRole('link', { name: 'Previous page' }).click();
  await expect(page).toHaveURL(/\/\?page=2$/);

  // The filter: only the accounts that need the member, with their number in the live region.
  const finder = page.getByRole('search', { name: 'Find an account' });
  await finder.getByLabel('Show', { exact: true }).selectOption({ label: 'Needing your attention (3)' });
  await finder.getByRole('button', { name: 'Show accounts' }).click();
  await expect(page).toHaveURL(/\/\?show=attention&q=$/);
  await expect(status(page)).toHaveText('3 accounts match; showing 1–3.');
  expect(await numbersShown(page)).toEqual(blocked.map((a) => a.number));
  await expect(pages).toHaveCount(0);
  await expectAccessible(page);

  // While nothing changes, the open page asks the version route about this view and does not
  // render again (a render is an RSC request for the page; a version that never matched the page's
  // made every check one).
  const asked: string[] = [];
  let renders = 0;
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/version/dashboard') asked.push(url.search);
    else if (url.pathname === '/' && r.headers()['rsc']) renders++;
  });
  await expect.poll(() => asked.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  expect(asked.every((q) => q === '?show=attention')).toBe(true);
  expect(renders).toBe(0);

  // The switch blocks one more: the open page follows the view it shows (its version check asks
  // about this view), the count and the live region included.
  const late = rest[rest.length - 1]!;
  await postBlockPlaced(late.number, [{ from: late.credentials[0]!.username, ...FRAUD }]);
  await expect(status(page)).toHaveText('4 accounts match; showing 1–4.', { timeout: 30_000 });
  await expect(page.getByText('4 of your 45 accounts have international calling blocked.')).toBeVisible();
  expect(await numbersShown(page)).toEqual([...blocked, late].sort(byNumber).map((a) => a.number));

  // A search by part of an account number, then by name in another case.
  const sought = rest[10]!;
  await finder.getByLabel('Show', { exact: true }).selectOption('all');
  await finder.getByLabel('Account number or name').fill(sought.number.slice(-7));
  await finder.getByRole('button', { name: 'Show accounts' }).click();
  await expect(status(page)).toHaveText('1 account matches; showing 1–1.');
  expect(await numbersShown(page)).toEqual([sought.number]);
  await expectAccessible(page);
  const name = accounts[12]!.name;
  await finder.getByLabel('Account number or name').fill(name.toLowerCase());
  await finder.getByRole('button', { name: 'Show accounts' }).click();
  expect(await numbersShown(page)).toEqual([accounts[12]!.number]);

  // Someone else's account: nothing, and the page says what it searched for.
  const { accounts: theirs } = await createCustomer([{ name: 'Not Yours Co' }]);
  await finder.getByLabel('Account number or name').fill(theirs[0]!.number);
  await finder.getByRole('button', { name: 'Show accounts' }).click();
  await expect(status(page)).toHaveText(`No account of yours matches “${theirs[0]!.number}”.`);
  expect(await numbersShown(page)).toEqual([]);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Show all accounts' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(status(page)).toHaveText('Accounts 1–20 of 45, those needing your attention first.');
});

test('a damaged dashboard address gives a page and says what it left out', async ({ page }) => {
  const { user } = await createCustomer(specs.slice(0, 25));
  await signIn(page, user);
  const response = await page.goto(`/?page=-3&q=${'Reseller'.padEnd(500, 'x')}%00`);
  expect(response?.status()).toBe(200);
  await expect(status(page)).toContainText('A search takes at most 100 characters; the rest was left out.');
  await expect(status(page)).toContainText(
    'The page number in the address could not be read, so this is the first page.',
  );
  await expect(page.getByLabel('Account number or name')).toHaveValue('Reseller'.padEnd(100, 'x'));
  await expectAccessible(page);

  expect((await page.goto('/?page=99'))?.status()).toBe(200);
  await expect(status(page)).toContainText('There is no page 99: this is the last page, 2.');
  expect(await numbersShown(page)).toHaveLength(5);
  expect((await page.goto('/?page=abc&show=%00&q=%E2%80%AE'))?.status()).toBe(200);
  await expect(status(page)).toContainText('Accounts 1–20 of 25');
  await expectAccessible(page);
});
