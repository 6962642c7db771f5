import crypto from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, signIn, signInStaff, test } from './support/fixtures';
import { type AccountSpec, createCustomer, createMisdial, createStaff, uniqueId } from './support/factories';
import { passwordMatches } from './support/sim';
import { fromAddress } from './support/from-address';
import { askForLink, continueLink, emailedLink } from './support/sign-in-steps';

// A customer whose browser runs no JavaScript: every form is a plain POST, and the answer is a page.
test.use({ javaScriptEnabled: false });

const BLOCKED: AccountSpec = {
  name: 'No Script Co',
  block: { calls: [{ to: '+252611234567', sourceIp: '185.220.101.47' }] },
};
const heading = (page: Page) =>
  page.getByRole('heading', { name: /International calling blocked on No Script Co/ });

test('without JavaScript the block page sends a misdial request and changes the language', async ({
  page,
}) => {
  const { user, accounts } = await createCustomer([BLOCKED]);
  const target = `/blocks/${accounts[0].blockId}`;
  await signIn(page, user, target);
  await expect(heading(page)).toBeVisible();

  // The block pages send no referrer to other sites, yet their forms carry their origin: under
  // `no-referrer` a form's POST says `Origin: null`, which was refused as another site's.
  await page.getByRole('link', { name: 'This was a misdial' }).click();
  await page
    .getByLabel('What happened?')
    .fill('Our receptionist dialled 00252 instead of 0252 for a supplier.');
  await page.getByLabel('Number you meant to dial').fill('(212) 555-0123');
  await page.getByLabel('Callback phone').fill('+1 212 555 0100');
  await page.getByRole('button', { name: 'Request unblock' }).click();
  await expect(page).toHaveURL(`${target}?request=submitted`);
  await expect(page.getByText(/^Your request was sent\. Support will call you back/)).toBeVisible();

  await page.getByLabel('Language').selectOption('es');
  await page.getByRole('button', { name: 'Change' }).click();
  await expect(
    page.getByRole('heading', { name: /Llamadas internacionales bloqueadas en No Script Co/ }),
  ).toBeVisible();
});

test('without JavaScript "Email me a sign-in link" says so, and the link signs in on the block', async ({
  page,
}) => {
  const { user, accounts } = await createCustomer([BLOCKED]);
  const target = `/blocks/${accounts[0].blockId}`;
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(target)}`);
  // emailedLink waits for the words that say the link is on its way: the second submit button's
  // answer, which a form sent without JavaScript never showed.
  const link = await emailedLink(page, user.email, { here: true });
  await page.goto(link);
  await continueLink(page);
  await expect(page).toHaveURL(target);
  await expect(heading(page)).toBeVisible();
});

test('without JavaScript a refused link request says why: no address, then too many asked for', async ({
  browser,
}) => {
  // An address of its own (./support/from-address.ts), so these requests count against no other test.
  const relay = await fromAddress('127.0.16.16');
  const ctx = await browser.newContext({ baseURL: relay.url, javaScriptEnabled: false });
  const page = await ctx.newPage();
  const ask = () => page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  const answer = page.locator('#sign-in-link-message');
  try {
    // The form came back with nothing said: the second button's answer was not the form's own.
    await page.goto('/sign-in');
    await ask();
    await expect(answer).toHaveText('Please correct the highlighted fields.');
    await expect(page.getByLabel('Email', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Email', { exact: true })).toHaveAccessibleDescription(
      'Enter a valid email address first, then ask for a link.',
    );
    await expect(page.locator('#sign-in-message')).toBeEmpty();

    // Five links an hour for one address from one client (lib/server/rate-limit.ts emailLinkEmailIp).
    const email = `no-script-${Date.now()}@e2e.example`;
    for (let i = 0; i < 5; i++) {
      await page.goto('/sign-in');
      await askForLink(page, email);
    }
    await page.getByLabel('Email', { exact: true }).fill(email);
    await ask();
    await expect(answer).toHaveText(/^Too many sign-in links were asked for\. Try again in \d+ minutes?\.$/);
    await expect(page.getByLabel('Email', { exact: true })).toHaveValue(email);

    // The password button of the same form still answers by its own field.
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.locator('#sign-in-message')).toHaveText('Please correct the highlighted fields.');
    await expect(answer).toBeEmpty();
  } finally {
    await ctx.close();
    await relay.close();
  }
});

test('without JavaScript the profile saves a time zone and says so, naming it by place', async ({ page }) => {
  const { user } = await createCustomer([{ name: 'No Script Zone Co' }]);
  await signIn(page, user, '/profile');
  const picker = page.getByLabel('Time zone', { exact: true });
  // The form's action was a client function around the server action: without JavaScript, Save did nothing.
  await picker.selectOption('Asia/Tokyo');
  await page.getByRole('button', { name: 'Save time zone' }).click();
  await expect(page.locator('#time-zone-message')).toHaveText('Times are now shown in Japan time.');
  await page.goto('/profile');
  await expect(picker).toHaveValue('Asia/Tokyo');
  await expect(page.getByText(/It is now .* GMT\+9 \(Japan time\)\./)).toBeVisible();
});

test('without JavaScript an agent still reads the customer’s local time on a request page', async ({
  page,
}) => {
  const { user, accounts } = await createCustomer([BLOCKED]);
  const { id } = await createMisdial(user, accounts[0], {
    intendedNumber: '(212) 555-0123',
    whatHappened: 'Our receptionist dialled 00252 instead of 0252 for a supplier.',
    callbackPhone: '+1 212 555 0100',
  });
  await signInStaff(page, await createStaff('agent'));
  await page.goto(`/staff/requests/${id}`);
  // Rendered by the server (the clock that keeps it right afterwards is the browser's).
  await expect(page.locator('dt:has-text("Customer’s local time") + dd')).toHaveText(
    /^\w{3}, \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M GMT[+-]?\d*(:\d{2})? \(.+\) · (within|outside) business hours \(Monday to Friday, 8:00–18:00\)$/,
  );
});

/** The page's POST (the form sent without JavaScript) and what the server answered it with. */
async function post(page: Page, button: string): Promise<string> {
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return answer.text();
}

// Found by a tester working without JavaScript: "Set password" and the profile's "Change password"
// sent nothing and said nothing (their forms' actions were functions of the page's script).
test('without JavaScript the SIP password reset says why it refuses one, then sets one and shows it once', async ({
  page,
}) => {
  const { user, accounts } = await createCustomer([BLOCKED]);
  const [account] = accounts;
  const [cred] = account.credentials;
  await signIn(page, user, `/blocks/${account.blockId}`);
  const reset = `/credentials/${cred.id}/reset?block=${account.blockId}`;
  await page.goto(reset);
  // What needs the page's script is not offered, and the page says what the server checks instead.
  await expect(
    page.getByText(/^JavaScript is off in this browser, so “Generate strong password”/),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Generate strong password' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Show', exact: true })).toBeHidden();
  await expect(page.getByRole('meter', { name: 'Password strength' })).toBeHidden();

  // Refused by the server (a character a SIP password may not hold): the answer is the page, with the
  // reason at the field, the field empty, and the password nowhere in it.
  const field = page.getByLabel('New SIP password');
  const refused = `Kq8vT2mWx9bN4pLs7Yd:${uniqueId()}`;
  await field.fill(refused);
  const refusal = await post(page, 'Set password');
  expect(refusal).not.toContain(refused);
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#password-error')).toBeVisible();
  await expect(field).toHaveValue('');
  expect(page.url()).not.toContain(refused);
  expect(await passwordMatches(cred.username, refused)).toBe(false);

  // A strong one: the switch confirms it, and the page that answers shows it, once.
  const chosen = `Zr5-${crypto.randomBytes(12).toString('base64url')}`;
  await field.fill(chosen);
  await post(page, 'Set password');
  await expect(page.getByText('Password updated')).toBeVisible();
  await expect(page.getByTestId('new-password')).toHaveText(chosen);
  expect((await page.locator('body').innerText()).split(chosen)).toHaveLength(2);
  // Copy needs the script: not offered; the password is selected by hand.
  await expect(page.getByRole('button', { name: 'Copy' })).toBeHidden();
  expect(page.url()).not.toContain(chosen);
  expect(await passwordMatches(cred.username, chosen)).toBe(true);
  await page.getByRole('link', { name: 'Done' }).click();
  await expect(page).toHaveURL(`/blocks/${account.blockId}`);
  // Never again: the reset page, opened anew, has no password in it.
  await page.goto(reset);
  expect(await page.content()).not.toContain(chosen);
});

test('without JavaScript the profile changes the portal password, and says why it refuses a change', async ({
  page,
}) => {
  const { user } = await createCustomer([{ name: 'No Script Password Co' }]);
  await signIn(page, user, '/profile');
  await expect(
    page.getByText(/^JavaScript is off in this browser, so the strength meter does not run\./),
  ).toBeVisible();
  await expect(page.getByRole('meter', { name: 'Password strength' })).toBeHidden();
  const chosen = `${uniqueId()} lantern harbour violet granite`;
  const wrong = `not-${uniqueId()}-mine`;
  await page.getByLabel('Current password').fill(wrong);
  await page.getByLabel('New password', { exact: true }).fill(chosen);
  const refusal = await post(page, 'Change password');
  expect(refusal).not.toContain(chosen);
  expect(refusal).not.toContain(wrong);
  await expect(page.locator('#change-password-message')).toHaveText('The current password is not correct.');
  await expect(page.getByLabel('New password', { exact: true })).toHaveValue('');

  await page.getByLabel('Current password').fill(user.password);
  await page.getByLabel('New password', { exact: true }).fill(chosen);
  const done = await post(page, 'Change password');
  expect(done).not.toContain(chosen);
  await expect(page.locator('#change-password-message')).toHaveText(
    'Your password was changed. Every other session was signed out.',
  );
  await page.context().clearCookies({ name: /session-token/ });
  await signIn(page, { email: user.email, password: chosen }, '/profile');
});
