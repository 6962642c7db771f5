import { DEMO, expect, expectAccessible, signIn, test } from './support/fixtures';

// The demo's in-portal control: the simulated switch places a fraud block and posts the signed event,
// exactly like its command line (npm run switch:sim -- fraud …); the block appears within seconds.
test('the demo control makes the simulated switch block an account, seen on the dashboard', async ({ page }) => {
  await signIn(page, DEMO.dana);
  const labs = page.getByRole('region', { name: /Acme Labs/ });
  await expect(labs.getByText('International calling allowed')).toBeVisible();
  await expectAccessible(page);
  await labs.getByRole('button', { name: 'Simulate toll fraud (demo)' }).click();
  await expect(labs.getByText('International calling blocked')).toBeVisible({ timeout: 20_000 });
  await labs.getByRole('link', { name: 'See why and fix it' }).click();
  await expect(page.getByRole('table', { name: 'Calls that triggered the block' })).toContainText('Somalia');
});
