import type { Browser, Page } from '@playwright/test';
import { query } from './support/db';
import { waitForMail } from './support/mail';
import { createCustomer, literally, uniqueId } from './support/factories';
import { expect, expectAccessible, signIn, submitAndWait, test } from './support/fixtures';
import { continueLink, emailedEnrolmentCode, emailedLink } from './support/sign-in-steps';

// "Someone has my portal password": support disables the customer's portal login from the account
// page (lib/staff/customer-logins.ts), which ends its sessions at once; the customer, signing in with
// the right password in their own browser, is told the login is disabled (anyone else is told only
// that it is not correct); support enables it again with the password removed, and the customer signs
// in with an emailed link and chooses a new one.

/**
 * A new customer with one account, signed in in a browser of its own (`customer`), and the agent's
 * page (`staff`) on that account's staff page, with its "Portal logins" region (`logins`).
 */
async function customerAndAccountPage(browser: Browser, staff: Page) {
  const {
    user,
    accounts: [account],
  } = await createCustomer([{ name: `Logins Co ${uniqueId()}` }]);
  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, user);
  await staff.goto(`/staff/accounts/${account!.number}`);
  return { user, customer, staff, logins: staff.getByRole('region', { name: 'Portal logins' }) };
}

test('an agent disables a customer login, the customer is shut out and told why; enabled with the password removed, a link and a new password', async ({
  browser,
  agent,
}) => {
  const { user, customer, staff, logins } = await customerAndAccountPage(browser, agent.page);
  const entry = logins.getByRole('listitem').filter({ hasText: user.email });
  await expect(entry).toContainText('signed in on 1 browser now');
  await expect(entry).toContainText('no two-factor authentication');
  // The customer's language by its own name, marked as such for a screen reader.
  await expect(entry.locator('span[lang="en"]')).toHaveText('English');
  await expect(entry).toContainText(/last signed in \S/);
  await expectAccessible(staff);

  // No reason: refused at the field, said in the form's live region; nothing changed.
  const disable = logins.getByRole('button', { name: `Disable login: ${user.email}` });
  await disable.click();
  const reason = logins.getByLabel(`Reason to disable ${user.email}`);
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expect(
    logins.getByText('Give a reason of at least 5 characters: why, and on whose word.'),
  ).toBeVisible();
  await expect(staff.locator(`#login-disable-${user.id}-message`)).toHaveText(
    'Please correct the highlighted fields.',
  );
  await expect(staff.locator(`#login-disable-${user.id}-message`)).toHaveAttribute('aria-live', 'polite');
  await reason.fill('Customer called: someone else has the portal password.');
  await disable.click();
  await expect(
    staff.getByText(
      `${user.email} is disabled: it cannot sign in to any account until it is enabled; 1 session ended.`,
    ),
  ).toBeVisible();
  // The page now shows it disabled, in the list and in the members line, with the enable form.
  await expect(entry.getByRole('heading')).toContainText('Disabled');
  await expect(staff.getByText(literally(`Members: ${user.email} (disabled)`))).toBeVisible();
  // So does a search hit, where an agent finds the caller by the address they give.
  await staff.goto(`/staff?${new URLSearchParams({ q: user.email })}`);
  await expect(staff.getByText(literally(`<${user.email}> (disabled) · SIP:`))).toBeVisible();
  await staff.goBack();
  // Enabling removes the password unless the agent unticks it: whoever else had it gets nothing back.
  await expect(
    logins.getByRole('checkbox', { name: `Also remove the portal password of ${user.email}` }),
  ).toBeChecked();
  await expectAccessible(staff);

  // The old cookie speaks for nobody, Auth.js's own endpoint included (review 30: it answered the
  // login's name and address there, and renewed the cookie).
  const asked = await customer.request.get('/api/auth/session');
  expect(await asked.json()).toBeNull();
  // The customer's next page load lands on sign-in; the right password is told the login is disabled.
  await customer.goto('/');
  await expect(customer).toHaveURL(/\/sign-in/);
  await customer.getByLabel('Email', { exact: true }).fill(user.email);
  await customer.getByLabel('Password', { exact: true }).fill(user.password);
  await submitAndWait(customer);
  await expect(customer.locator('#sign-in-message')).toContainText('This login has been disabled by support');
  // A wrong password in the same browser hears the same: the answer never tells whether a guess was
  // right (since session 41; before, "disabled" came only after the right password, so a browser
  // that had once signed in could test guesses against a disabled login).
  await customer.getByLabel('Password', { exact: true }).fill('not the password');
  await submitAndWait(customer);
  await expect(customer.locator('#sign-in-message')).toContainText('This login has been disabled by support');
  // Someone else with the right password, in a browser this login never used, learns nothing from it.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto('/sign-in');
  await stranger.getByLabel('Email', { exact: true }).fill(user.email);
  await stranger.getByLabel('Password', { exact: true }).fill(user.password);
  await submitAndWait(stranger);
  await expect(stranger.locator('#sign-in-message')).toContainText('The email or password is not correct.');

  // The agent enables it again, from the keyboard: the reason, then Enter.
  const enableReason = logins.getByLabel(`Reason to enable ${user.email}`);
  await enableReason.focus();
  await staff.keyboard.type('Spoke with the customer on the number on file.');
  await staff.keyboard.press('Enter');
  await expect(
    staff.getByText(
      literally(`${user.email} can sign in again, with an emailed link: its password was removed`),
    ),
  ).toBeVisible();
  await expect(logins.getByRole('button', { name: `Disable login: ${user.email}` })).toBeVisible();
  await expect(entry).toContainText('No portal password yet');
  // The owner is told, through the real SMTP server, with no sign-in link in it.
  const told = await waitForMail(user.email, /login can sign in again$/);
  expect(told.text).toContain('Support removed your portal password as they enabled the login');
  expect(told.text).not.toMatch(/token=/);

  // The old password opens nothing now, even in the owner's browser; neither does it for the stranger.
  // The disable and the enable moved the login's revocation mark, so the owner's browser is no known
  // device any more (since session 41): its failures add up with the stranger's on this one address,
  // and the stranger's next try may already be held back. Either way it stays on the sign-in page.
  await customer.getByLabel('Password', { exact: true }).fill(user.password);
  await submitAndWait(customer);
  await expect(customer.locator('#sign-in-message')).toContainText('The email or password is not correct.');
  await stranger.getByLabel('Password', { exact: true }).fill(user.password);
  await submitAndWait(stranger);
  await expect(stranger.locator('#sign-in-message')).toHaveText(
    /^(The email or password is not correct\.|Too many failed sign-in attempts\.)/,
  );
  await expect(stranger).toHaveURL(/\/sign-in/);
  await stranger.context().close();

  // An emailed link signs the owner in; the profile asks for a new password and no current one.
  await customer.goto(await emailedLink(customer, user.email));
  await continueLink(customer);
  await expect(customer).not.toHaveURL(/\/sign-in/);
  await customer.goto('/profile');
  await expect(customer.getByRole('heading', { name: 'Choose a portal password' })).toBeVisible();
  await expect(customer.getByText('Your login has no password: support removed it')).toBeVisible();
  await expect(customer.getByLabel('Current password')).toHaveCount(0);
  await expectAccessible(customer);
  const chosen = `${uniqueId()} lantern harbour violet granite`;
  await customer.getByLabel('New password', { exact: true }).fill(chosen);
  // Without the code mailed to the login (whoever else holds a session of it does not read the mailbox).
  await customer.getByRole('button', { name: 'Set password' }).click();
  await expect(customer.getByLabel('Code from the email')).toHaveAttribute('aria-invalid', 'true');
  await expect(customer.locator('#change-password-message')).toHaveText(
    'Please correct the highlighted fields.',
  );
  const code = await emailedEnrolmentCode(customer, user.email, /^Your code to choose a portal password/);
  await customer.getByLabel('Code from the email').fill(code);
  await customer.getByLabel('New password', { exact: true }).fill(chosen);
  await customer.getByRole('button', { name: 'Set password' }).click();
  await expect(customer.locator('#change-password-message')).toHaveText(
    'Your password was changed. Every other session was signed out.',
  );
  // From now on it is a password like any other: the form asks for it at once, without a reload.
  await expect(customer.getByRole('heading', { name: 'Change your portal password' })).toBeVisible();
  await expect(customer.getByLabel('Current password')).toBeVisible();
  // Signed out, this browser stays a known device (the password change gave it a cookie of the new
  // revocation mark): its sign-in is not held back by the failures this one address made above.
  await customer.context().clearCookies({ name: /session-token/ });
  await signIn(customer, { email: user.email, password: chosen });
  await expect(customer).not.toHaveURL(/\/sign-in/);

  const actions = query<{ action: string; accountId: string }>(
    `SELECT action, "accountId" FROM "AuditLog" WHERE "targetId" = ? AND action LIKE 'customer_user.%' ORDER BY at`,
    user.id,
  );
  expect(actions.map((a) => a.action)).toEqual(['customer_user.disabled', 'customer_user.enabled']);
  expect(new Set(actions.map((a) => a.accountId)).size).toBe(1);
});

test('sign out everywhere ends the customer’s sessions but leaves the login enabled', async ({
  browser,
  agent,
}) => {
  const { user, customer, staff, logins } = await customerAndAccountPage(browser, agent.page);
  await logins.getByLabel(`Reason to sign out ${user.email}`).fill('Login seen from an attacker’s address.');
  await logins.getByRole('button', { name: `Sign out everywhere: ${user.email}` }).click();
  await expect(
    staff.getByText(
      `${user.email} is signed out everywhere: 1 session ended, and its sign-in links no longer work.`,
    ),
  ).toBeVisible();
  await customer.goto('/');
  await expect(customer).toHaveURL(/\/sign-in/);
  await signIn(customer, user);
});
