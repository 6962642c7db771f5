import { expect, expectAccessible, signIn, test } from './support/fixtures';
import { waitForMail } from './support/mail';
import { changePortalPassword, STRONG_PORTAL_PASSWORD } from './support/sign-in-steps';

const revoke = { email: 'revoke@e2e.example', password: 'e2e-session-password-2026' };
const rotate = { email: 'rotate@e2e.example', password: 'e2e-session-password-2026' };

test('"Sign out everywhere" ends the sessions on every device', async ({ browser }) => {
  const [a, b] = [await browser.newContext(), await browser.newContext()];
  const [pa, pb] = [await a.newPage(), await b.newPage()];
  await signIn(pa, revoke);
  await signIn(pb, revoke);
  await pa.goto('/profile');
  await expectAccessible(pa);
  await expect(pa.getByText('You are signed in on 2 devices')).toBeVisible();
  await pa.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(pa).toHaveURL(/\/sign-in/);
  await pb.goto('/');
  await expect(pb).toHaveURL(/\/sign-in/);
  await a.close();
  await b.close();
});

test('changing the portal password ends the other sessions and keeps this one', async ({ browser }) => {
  const [a, b] = [await browser.newContext(), await browser.newContext()];
  const [pa, pb] = [await a.newPage(), await b.newPage()];
  await signIn(pa, rotate);
  await signIn(pb, rotate);
  await pa.goto('/profile');
  await pa.getByLabel('Current password').fill('wrong-current-password');
  await pa.getByLabel('New password').fill(STRONG_PORTAL_PASSWORD);
  await pa.getByRole('button', { name: 'Change password' }).click();
  await expect(pa.locator('#change-password-message')).toContainText('current password is not correct');
  await pa.getByLabel('Current password').fill(rotate.password);
  await pa.getByLabel('New password').fill('password123');
  await pa.getByRole('button', { name: 'Change password' }).click();
  await expect(pa.locator('#next-error')).toBeVisible();
  await changePortalPassword(pa, rotate.password);
  await pb.goto('/');
  await expect(pb).toHaveURL(/\/sign-in/);
  await pa.goto('/');
  await expect(pa).not.toHaveURL(/\/sign-in/);
  // The login's owner is told by mail, through the real SMTP server, with no password in it.
  const alert = await waitForMail(rotate.email, /^The password of your .*login was changed$/);
  expect(alert.text).toContain('If it was not you, someone else signed in to your login');
  expect(alert.text).not.toContain(STRONG_PORTAL_PASSWORD);
  await a.close();
  await b.close();
});
