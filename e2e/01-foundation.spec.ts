import { createCustomer } from './support/factories';
import { DEMO, expect, expectAccessible, signIn, signInStaff, submitAndWait, test } from './support/fixtures';
import { expectSecurityHeaders, expectScriptsCarry } from './support/security-headers';
import { fiveWrongPasswords } from './support/sign-in-steps';

// The demo data as CONTRACTS §5 describes it (no journey changes Dana's, Omar's, Sam's or Alex's data),
// and sign-in basics with customers of this file's own.

test('the demo customer sees both of her accounts with the right status', async ({ page }) => {
  await signIn(page, DEMO.dana);
  await expect(page.getByRole('heading', { name: 'Your accounts' })).toBeVisible();
  const acme = page.getByRole('region', { name: /Acme Dental/ });
  const labs = page.getByRole('region', { name: /Acme Labs/ });
  await expect(acme.getByText('International calling blocked')).toBeVisible();
  await expect(labs.getByText('International calling allowed')).toBeVisible();
  await expect(page.getByRole('region', { name: /Harbor Logistics/ })).toHaveCount(0);
  await expectAccessible(page);
  // The check itself must see a fault: a text field without a label put into the page fails it.
  await page.evaluate(() => document.querySelector('main')!.append(document.createElement('input')));
  await expect(expectAccessible(page)).rejects.toThrow(/label: Form elements must have labels \(1\)/);
});

test('an account that is not hers gives 404, and so does the staff area', async ({ page }) => {
  await signIn(page, DEMO.dana);
  const other = await page.goto('/accounts/ACC-2001');
  expect(other?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expectScriptsCarry(other, (await expectSecurityHeaders(other)).nonce);
  const own = await page.goto('/accounts/ACC-1001');
  expect(own?.status()).toBe(200);
  await expectScriptsCarry(own, (await expectSecurityHeaders(own)).nonce);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectAccessible(page); // the account page: loaded here, checked by no other journey
  // An API route gets the same headers (proxy.ts runs for it too).
  await expectSecurityHeaders(await page.request.get('/api/health'));
  const staff = await page.goto('/staff');
  expect(staff?.status()).toBe(404);
  await expectAccessible(page);
  // An id with a control character in it (NUL: PostgreSQL refuses it in any text) names nothing, nor
  // does one whose percent-encoding is not UTF-8 (Next's route matcher answered it with a bare 500).
  for (const path of [
    '/blocks/%00',
    '/accounts/ACC-1001%00',
    '/credentials/x%1B/reset',
    '/blocks/%ff',
    '/credentials/%ED%A0%80/reset',
  ]) {
    const bad = await page.goto(path);
    expect(bad?.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expectScriptsCarry(
      bad,
      (
        await expectSecurityHeaders(bad, {
          referrer: path.startsWith('/blocks/') ? 'same-origin' : undefined,
        })
      ).nonce,
    );
  }
});

test('the demo agent reaches the staff console after the second factor', async ({ page }) => {
  await signInStaff(page, DEMO.sam);
  await expect(page.getByRole('heading', { name: 'Support console' })).toBeVisible();
  await expectAccessible(page);
});

test('sign-out ends the session', async ({ page }) => {
  const { user } = await createCustomer([{ name: 'Sign-out Co' }]);
  await signIn(page, user);
  // Sign-out is a server action: its POST gets the headers too.
  // The header's time zone report is a server action too, and may still be on its way: wait for
  // the sign-out's POST, not the first one.
  const [post] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && !/name="(_\d+_)?tz"/.test(r.request().postData() ?? ''),
    ),
    page.getByRole('button', { name: 'Sign out' }).click(),
  ]);
  await expect(page.getByText('You have signed out.')).toBeVisible();
  expect(await post.request().headerValue('next-action')).toBeTruthy();
  await expectSecurityHeaders(post);
  const signInPage = await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  // Both the redirect (307 from /) and the sign-in page it leads to.
  const redirect = await signInPage?.request().redirectedFrom()?.response();
  expect(redirect?.status()).toBe(307);
  await expectSecurityHeaders(redirect);
  await expectScriptsCarry(signInPage, (await expectSecurityHeaders(signInPage)).nonce);
});

test('five wrong passwords in a row are throttled with a clear message', async ({ page }) => {
  // A customer whose only purpose is to be throttled, so the limiter never locks out another journey's user.
  const { user } = await createCustomer([]);
  await page.goto('/sign-in');
  await expectAccessible(page);
  await fiveWrongPasswords(page, user.email);
  // Now even the right password is refused until the window passes.
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await submitAndWait(page);
  await expect(page.locator('#sign-in-message')).toContainText('Too many failed sign-in attempts');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('bad input gets a clear message, never a server error', async ({ page }) => {
  await page.goto('/sign-in');
  const cases = [
    '',
    'a'.repeat(10_000) + '@x.example',
    "' OR 1=1 --",
    '<script>alert(1)</script>@x.example',
    'üñíçødé@例え.テスト',
  ];
  for (const email of cases) {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(email ? 'whatever-password' : '');
    await submitAndWait(page);
    await expect(page.locator('#sign-in-message')).not.toBeEmpty();
    await expect(page).toHaveURL(/\/sign-in/);
    // Focus is never lost to <body> by the answer: it goes to the first field in error, or stays on the
    // button (components/ui/submit-button.tsx).
    const invalid = page.locator('form [aria-invalid="true"]');
    if (await invalid.count()) await expect(invalid.first()).toBeFocused();
    else await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeFocused();
  }
});

test('a form post Next cannot read is refused in words, never a server error', async ({ page, request }) => {
  // The sign-in form's action id, as its no-JavaScript form carries it.
  await page.goto('/sign-in');
  const field = await page.locator('input[name^="$ACTION_ID_"]').first().getAttribute('name');
  const actionId = field!.slice('$ACTION_ID_'.length);
  const origin = new URL(page.url()).origin;
  const post = (headers: Record<string, string>, data: string | Buffer) =>
    request.post('/sign-in', { headers: { origin, ...headers }, data });
  const fetchAction = { 'next-action': actionId, 'content-type': 'text/plain;charset=UTF-8' };
  const unreadable = await post(fetchAction, 'not json');
  expect(unreadable.status()).toBe(400);
  expect(await unreadable.text()).toBe("This form's data could not be read. Send it again.");
  // JSON that React's decoder cannot resolve: a part it does not carry, a path its root lacks, a
  // BigInt that is none, lists nested 4 000 deep (each was a 500 until break-19).
  for (const reply of ['["$1"]', '["$0:a:b"]', '["$nzz"]', '['.repeat(4000) + ']'.repeat(4000)])
    expect((await post(fetchAction, reply)).status(), reply).toBe(400);
  expect(
    (
      await post({ 'next-action': actionId, 'content-type': 'multipart/form-data; boundary=x' }, '--x\r\nab')
    ).status(),
  ).toBe(400);
  // A form sent without JavaScript from another site, and one cut short.
  const noScript = { 'content-type': 'multipart/form-data; boundary=x' };
  const body = `--x\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n\r\n--x--\r\n`;
  expect((await post({ ...noScript, origin: 'https://evil.example' }, body)).status()).toBe(403);
  expect((await post(noScript, body.slice(0, 30))).status()).toBe(400);
  // The same action with a body it can read still runs: a wrong password, answered as one.
  const form = `--x\r\nContent-Disposition: form-data; name="0"\r\n\r\n["$K1"]\r\n--x\r\nContent-Disposition: form-data; name="1_email"\r\n\r\nnobody@x.example\r\n--x--\r\n`;
  const read = await post({ 'next-action': actionId, ...noScript }, form);
  expect(read.status(), await read.text()).toBe(200);
});
