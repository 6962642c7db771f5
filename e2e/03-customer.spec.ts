import { DEMO, expect, expectAccessible, signIn, test } from './support/fixtures';
import { clearFaults, passwordMatches, setFaults, simAccount } from './support/sim';

// These journeys change ACC-1001 (Acme Dental) in order: failure first, then the rotation that lifts it.
test.describe.configure({ mode: 'serial' });

async function openAcmeBlock(page: import('@playwright/test').Page) {
  await signIn(page, DEMO.dana);
  await page.getByRole('region', { name: /Acme Dental/ }).getByRole('link', { name: 'See why and fix it' }).click();
  await expect(page.getByRole('heading', { name: /International calling blocked on Acme Dental/ })).toBeVisible();
}

const credentialRow = (page: import('@playwright/test').Page, username: string) =>
  page.getByRole('list', { name: 'Your SIP credentials' }).getByRole('listitem').filter({ hasText: username });

test('the block page explains the calls and what to do', async ({ page }) => {
  await openAcmeBlock(page);
  const calls = page.getByRole('table');
  await expect(calls.getByRole('row')).toHaveCount(5); // header + 4 trigger calls
  await expect(calls).toContainText('Somalia');
  await expect(calls).toContainText('+252 61 123 4567');
  await expect(calls).toContainText('185.220.101.47');
  await expect(page.getByText(/Change the SIP passwords of/)).toBeVisible();
  await expect(page.getByRole('link', { name: 'This was a misdial' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'We have hardened our firewall' })).toBeVisible();
  await expectAccessible(page);
});

test('a switch failure during a reset shows no success and changes nothing', async ({ page }) => {
  await openAcmeBlock(page);
  await credentialRow(page, 'acme-reception').getByRole('link', { name: 'Reset SIP password' }).click();
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  const generated = await page.getByLabel('New SIP password').inputValue();
  await setFaults({ failNext: 10 });
  try {
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect(page.locator('#reset-message')).toContainText('did not confirm');
  } finally {
    await clearFaults();
  }
  await expect(page.getByText('Password updated')).toHaveCount(0);
  expect(await passwordMatches('acme-reception', generated)).toBe(false);
  expect(await passwordMatches('acme-reception', 'reception123')).toBe(true);
});

test('rotating both credentials lifts the block, confirmed by the switch', async ({ page }) => {
  await openAcmeBlock(page);
  await credentialRow(page, 'acme-reception').getByRole('link', { name: 'Reset SIP password' }).click();
  await expectAccessible(page);

  // A weak password is refused, with the meter saying so.
  await page.getByLabel('New SIP password').fill('acmedental1');
  await expect(page.getByRole('meter', { name: 'Password strength' })).toHaveAttribute('aria-valuetext', /weak/i);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.locator('#password-error')).toBeVisible();
  await expect(page.getByText('Password updated')).toHaveCount(0);
  expect(await passwordMatches('acme-reception', 'acmedental1')).toBe(false);

  // A generated one is accepted and confirmed by the switch.
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  await expect(page.getByRole('meter', { name: 'Password strength' })).toHaveAttribute('aria-valuetext', /strong/i);
  const first = await page.getByLabel('New SIP password').inputValue();
  expect(first).toHaveLength(24);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Password updated')).toBeVisible();
  await expect(page.getByTestId('new-password')).toHaveText(first);
  expect(await passwordMatches('acme-reception', first)).toBe(true);
  await page.getByRole('link', { name: 'Done' }).click();

  // The block stays: one of two credentials rotated.
  await expect(page.getByRole('heading', { name: /International calling blocked on Acme Dental/ })).toBeVisible();
  await expect(credentialRow(page, 'acme-reception')).toContainText('Password changed since the block');
  await expect(credentialRow(page, 'acme-pbx')).toContainText('Password not changed yet');
  expect((await simAccount('ACC-1001')).internationalCalling).toBe('blocked');

  await credentialRow(page, 'acme-pbx').getByRole('link', { name: 'Reset SIP password' }).click();
  await page.getByLabel('Letters and digits only').check();
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  const second = await page.getByLabel('New SIP password').inputValue();
  expect(second).toMatch(/^[A-Za-z0-9]{24}$/);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Password updated')).toBeVisible();
  await page.getByRole('link', { name: 'Done' }).click();

  await expect(page.getByText('International calling allowed', { exact: true })).toBeVisible();
  expect((await simAccount('ACC-1001')).internationalCalling).toBe('allowed');
  await page.goto('/');
  await expect(page.getByRole('region', { name: /Acme Dental/ }).getByText('International calling allowed')).toBeVisible();
});
