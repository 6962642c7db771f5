import { createStaff } from './support/factories';
import { expect, signIn, test, totpNow } from './support/fixtures';

// Found by using the portal as real users: a keyboard user arriving at the second factor, a phone
// user tapping the header, a keyboard user reading a table that scrolls sideways on a phone.

test('the second-factor page opens with the focus on the code field', async ({ page }) => {
  const staff = await createStaff('agent');
  await signIn(page, staff, '/staff');
  await expect(page).toHaveURL(/\/security\/verify/);
  const code = page.getByLabel('Authentication code');
  // Arrived from the password step (a client navigation), and again on a full load of the page.
  await expect(code).toBeFocused();
  await page.reload();
  await expect(code).toBeFocused();
  // So the code can be typed at once, without finding the field first.
  await page.keyboard.type(await totpNow(staff.totpSecret, staff.email));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL((url) => url.pathname.startsWith('/staff'));
});
