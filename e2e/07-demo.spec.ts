import { LABS } from './support/demo-copies';
import { createCustomer, literally } from './support/factories';
import { expect, expectAccessible, signIn, test } from './support/fixtures';

// The demo's in-portal control: the simulated switch places a fraud block and posts the signed event,
// exactly like its command line (npm run switch:sim -- fraud …); the block appears within seconds.
// On an account of this journey's own (like the demo's Acme Labs), so the demo data stays as seeded.
test('the demo control makes the simulated switch block an account, seen on the dashboard', async ({
  page,
}) => {
  const {
    user,
    accounts: [account],
  } = await createCustomer([LABS]);
  await signIn(page, user);
  const labs = page.getByRole('region', { name: literally(account.name) });
  await expect(labs.getByText('International calling allowed')).toBeVisible();
  await expectAccessible(page);
  await labs.getByRole('button', { name: 'Simulate toll fraud (demo)' }).click();
  await expect(labs.getByText('International calling blocked')).toBeVisible({ timeout: 20_000 });
  await labs.getByRole('link', { name: 'See why and fix it' }).click();
  await expect(page.getByRole('table', { name: 'Calls that triggered the block' })).toContainText('Somalia');
});
