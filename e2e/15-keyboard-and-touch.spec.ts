import type { Locator, Page } from '@playwright/test';
import { TOTP } from 'otpauth';
import { createCustomer, createMisdial, createStaff, literally, uniqueId } from './support/factories';
import {
  expect,
  expectAccessible,
  signIn,
  streamSettled,
  submitAndWait,
  test,
  totpNow,
} from './support/fixtures';

// Found by using the portal as real users: a keyboard user arriving at the second factor, a phone
// user tapping the header, a keyboard user reading a table that scrolls sideways on a phone.

/** A phone held upright (WCAG 2.2 SC 2.5.8 and 1.4.10 are judged on such a screen). */
const PHONE = { width: 360, height: 740 };
/** A comfortable touch target (the size many design systems use); WCAG's minimum is 24 px. */
const TOUCH = 44;

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

// Found by a tester using a screen reader: a refusal shown under the field that already had the focus
// (Enter pressed in it) was never read, as the focus did not move and a changed description on the
// focused field is not announced. The form's live region says it then, to screen readers only
// (components/ui/answer-at-field.ts); sent with the button, the focus moves to the field, which is
// read with its error, and the region stays quiet, so nothing is heard twice.
test('a wrong second-factor code sent from its field is said by the live region, once', async ({ page }) => {
  const staff = await createStaff('agent');
  await signIn(page, staff, '/staff');
  await expect(page).toHaveURL(/\/security\/verify/);
  const code = page.getByLabel('Authentication code');
  const region = page.locator('#code-message');
  await expect(code).toBeFocused();
  const valid = [-1, 0, 1].map((d) =>
    new TOTP({ secret: staff.totpSecret, digits: 6, period: 30 }).generate({
      timestamp: Date.now() + d * 30_000,
    }),
  );
  const [wrong, again] = ['000000', '123456', '654321', '111111'].filter((c) => !valid.includes(c));
  const WRONG = "That code is not correct. Check your authenticator app's clock and try again.";
  await page.keyboard.type(wrong!);
  await page.keyboard.press('Enter');
  await expect(page.locator('#code-error')).toHaveText(WRONG);
  await expect(code).toBeFocused();
  await expect(code).toHaveAttribute('aria-invalid', 'true');
  await expect(region).toHaveText(WRONG);
  await expect(region.locator('p')).toHaveClass('sr-only');
  // With the button: the focus moves to the field, whose description says it; the region says nothing.
  await code.fill(again!);
  await submitAndWait(page, 'Verify');
  await expect(code).toBeFocused();
  await expect(page.locator('#code-error')).toHaveText(WRONG);
  await expect(region).toBeEmpty();
  // And from the field again: the same words, read again (the region emptied as the form was sent).
  await code.fill(wrong!);
  await code.press('Enter');
  await expect(region).toHaveText(WRONG);
});

test('a SIP password the server refuses, sent from its field, is said by the live region', async ({
  page,
}) => {
  const { user, accounts } = await createCustomer([
    { name: 'Heard Refusal Co', block: { calls: [{ to: '+252611234567', sourceIp: '185.220.101.47' }] } },
  ]);
  const [account] = accounts;
  const [cred] = account!.credentials;
  await signIn(page, user, `/credentials/${cred!.id}/reset?block=${account!.blockId}`);
  const field = page.getByLabel('New SIP password');
  await field.fill(`${cred!.username}-${uniqueId()}`);
  await field.press('Enter');
  const error = page.locator('#password-error');
  await expect(error).toBeVisible();
  await expect(field).toBeFocused();
  await expect(page.locator('#reset-message')).toHaveText((await error.textContent())!);
  await expect(page.getByTestId('new-password')).toHaveCount(0);
});

// The tester again: after "Create staff login" the focus stayed on the button and the first password,
// in a paragraph before the live region, was neither read nor focused. It now replaces the form, as the
// SIP password's does: its message takes the focus, and the next Tab reaches its Copy button.
test('a new staff login’s first password takes the focus from the keyboard, with a Copy button named for it', async ({
  admin,
}) => {
  const { page } = admin;
  await page.goto('/staff/users');
  const email = `keyboard-${uniqueId()}@tollgate.example`;
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Name', { exact: true }).fill('Kim Keyboard');
  await page.getByLabel('Name', { exact: true }).press('Enter');
  const told = page.getByText(literally(`${email} can now sign in as agent.`));
  await expect(told).toBeFocused();
  await expect(page.getByTestId('initial-password')).toHaveText(/^.{20}$/);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Copy the first password' })).toBeFocused();
  await expectAccessible(page);
  // Another login: an empty form again.
  await page.getByRole('button', { name: 'Add another staff login' }).click();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('');
  await expect(page.getByTestId('initial-password')).toHaveCount(0);
});

type Target = { name: string; width: number; height: number };

/** Every control in `area` a person can tap (links, buttons, fields), with its size. */
async function targetsIn(area: Locator): Promise<Target[]> {
  const targets = area.locator('a, button, select, input:not([type="hidden"])');
  await expect(targets.first()).toBeVisible();
  const out = [];
  for (const t of await targets.all()) {
    const box = await t.boundingBox();
    expect(box, `a control without a box: ${await t.evaluate((e) => e.outerHTML)}`).not.toBeNull();
    const name = (await t.getAttribute('aria-label')) ?? (await t.innerText()) ?? '';
    out.push({ name: name.trim().split('\n')[0]!, width: box!.width, height: box!.height });
  }
  return out;
}

function expectTouchSized(targets: Target[], where: string) {
  const small = targets.filter((t) => t.height < TOUCH || t.width < TOUCH);
  expect(small, `${where}: targets under ${TOUCH}×${TOUCH} px on a ${PHONE.width} px screen`).toEqual([]);
}

test('on a phone every header and navigation control is a comfortable touch target', async ({ page }) => {
  await page.setViewportSize(PHONE);
  await page.goto('/sign-in');
  const signedOut = await targetsIn(page.getByRole('banner'));
  expect(signedOut.map((t) => t.name)).toEqual(expect.arrayContaining(['Tollgate', 'Change']));
  expectTouchSized(signedOut, 'header, signed out');

  // A staff member's header has the most in it: the console's link besides the customer's.
  const staff = await createStaff('admin');
  await signIn(page, staff, '/staff');
  await page.getByLabel('Authentication code').fill(await totpNow(staff.totpSecret, staff.email));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL((url) => url.pathname.startsWith('/staff'));
  const signedIn = await targetsIn(page.getByRole('banner'));
  expect(signedIn.map((t) => t.name)).toEqual(
    expect.arrayContaining(['Accounts', 'Support console', 'Your login', 'Sign out']),
  );
  expectTouchSized(signedIn, 'header, signed in');
  // The console's own navigation, under the header.
  const sections = await targetsIn(page.getByRole('navigation', { name: 'Support console sections' }));
  expect(sections.map((t) => t.name)).toEqual([
    'Queue and search',
    'Blocks in force',
    'Audit log',
    'Staff logins',
    'Lift policy',
  ]);
  expectTouchSized(sections, 'support console sections');
  // axe's target-size rule is on in expectAccessible (WCAG 2.2 SC 2.5.8).
  await expectAccessible(page);

  // The audit log's filters fit the phone (WCAG 2.2 SC 1.4.10): its list of actions is as wide as
  // its longest option, and the whole page scrolled sideways with it (break-25).
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByLabel('Action')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  // Its table stays a table on a phone (the customer's tables stack: the next test), wider than the
  // screen, in a box the keyboard reaches after the filters and scrolls.
  await expectKeyboardScrollable(
    page,
    page.getByRole('table', { name: 'Audit log entries, newest first', exact: true }),
    page.getByRole('button', { name: 'Filter', exact: true }),
  );
});

/**
 * The scrolling box around `table` (the nearest element with role="region") is the next tab stop after
 * `before` (the control before it), shows where the focus is, and scrolls with the arrow keys.
 */
async function expectKeyboardScrollable(page: Page, table: Locator, before: Locator) {
  const box = table.locator('xpath=ancestor::*[@role="region"][1]');
  await expect(box).toHaveCount(1);
  // The table is wider than the phone: the box really scrolls (else this journey proves nothing).
  expect(await box.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
  await before.focus();
  await page.keyboard.press('Tab');
  await expect(box).toBeFocused();
  await expect(box).not.toHaveCSS('outline-style', 'none');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => box.evaluate((e) => e.scrollLeft)).toBeGreaterThan(0);
}

/**
 * On a phone `table` (a DataTable with `stack`) shows each row as a card of labelled cells: its box
 * does not scroll sideways, every cell is on the screen, labelled by its column's header, and the
 * table is still a table to a screen reader: `headers` as its column headers, rows and cells by role.
 */
async function expectStacked(table: Locator, headers: string[]) {
  // Each cell is read one at a time: not while React swaps a streamed boundary in (streamSettled).
  await streamSettled(table.page());
  const box = table.locator('xpath=ancestor::*[@role="region"][1]');
  expect(await box.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
  expect(await table.getByRole('columnheader').allTextContents()).toEqual(headers);
  const rows = table.getByRole('row');
  expect(await rows.count()).toBeGreaterThan(1);
  for (const row of (await rows.all()).slice(1)) {
    const cells = await row.getByRole('cell').all();
    expect(cells).toHaveLength(headers.length);
    for (const [i, cell] of cells.entries()) {
      await expect(cell).toBeVisible();
      const b = (await cell.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(PHONE.width);
      // The card's label, its column's header, shown beside the value (app/globals.css table-stack).
      expect(await cell.evaluate((e) => getComputedStyle(e, '::before').content)).toContain(
        `"${headers[i]}"`,
      );
    }
  }
}

test('on a phone the customer’s tables show every column, a card for each row', async ({ page }) => {
  await page.setViewportSize(PHONE);
  const {
    user,
    accounts: [acct],
  } = await createCustomer(
    [
      {
        name: 'Narrow Screens Dental',
        credentials: [
          // A long SIP username and a long address, without a hyphen or space to wrap at for 50
          // characters: the page breaks them rather than scrolling sideways (break-25).
          { label: 'Reception desk phone', stem: 'reception.desk.phone.ground.floor.north.wing.main' },
          { label: 'Office PBX', stem: 'pbx' },
        ],
        block: { calls: [{ from: 0, to: '+252611234567', sourceIp: '185.220.101.47', secondsBefore: 20 }] },
      },
    ],
    { stem: 'direccion.general.administrativa.distribuidora.intl' },
  );
  await signIn(page, user);
  const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
  expect(await pageWidth()).toBeLessThanOrEqual(PHONE.width);

  // The dashboard's credentials, named by the table's caption (whose they are): on a 375 px phone
  // "Strength then" was off the screen, with nothing to say the table scrolled.
  const credentials = `SIP credentials of ${acct.name} (${acct.number})`;
  await expect(page.getByRole('region', { name: credentials, exact: true })).toHaveCount(1);
  await expectStacked(page.getByRole('table', { name: credentials, exact: true }), [
    'Credential',
    'SIP username',
    'Password last changed',
    'Strength then',
  ]);
  await expectAccessible(page);

  // The block page's trigger calls: only the time and the SIP credential were on the screen. Each
  // call is a card, the destination and the number first: where the call went is the point.
  await page.getByRole('link', { name: 'See why and fix it' }).click();
  await expect(page).toHaveURL(new RegExp(`/blocks/${acct.blockId}`));
  await expect(
    page.getByRole('region', { name: 'Calls that triggered the block, oldest first' }),
  ).toHaveCount(1);
  const calls = page.getByRole('table', { name: 'Calls that triggered the block' });
  await expectStacked(calls, [
    'Time',
    'SIP credential',
    'Dialled number',
    'Destination',
    'Source IP',
    'Duration',
  ]);
  const call = calls.getByRole('row').nth(1);
  const top = async (cell: Locator) => (await cell.boundingBox())!.y;
  const destination = call.getByRole('cell', { name: 'Somalia', exact: true });
  const number = call.getByRole('cell', { name: '+252 61 123 4567', exact: true });
  expect(await top(destination)).toBeLessThan(await top(number));
  expect(await top(number)).toBeLessThan(await top(call.getByRole('cell').first()));
  await expectAccessible(page);
  expect(await pageWidth()).toBeLessThanOrEqual(PHONE.width);
  // The profile names the login by its address.
  await page.goto('/profile');
  await expect(page.getByText(user.email)).toBeVisible();
  expect(await pageWidth()).toBeLessThanOrEqual(PHONE.width);
});

test('on a phone the pages of a long list of calls are comfortable touch targets', async ({ page }) => {
  await page.setViewportSize(PHONE);
  // One call more than a page of /blocks/{id}/calls holds (lib/blocks/call-overview.ts CALLS_PER_PAGE).
  const calls = Array.from({ length: 101 }, (_, i) => ({
    to: `+2526112${String(i).padStart(5, '0')}`,
    sourceIp: '185.220.101.47',
    secondsBefore: 200 - i,
  }));
  const {
    user,
    accounts: [acct],
  } = await createCustomer([{ name: 'Long List Dental', block: { calls } }]);
  await signIn(page, user);
  await page.goto(`/blocks/${acct.blockId}/calls`);
  const pages = page.getByRole('navigation', { name: 'Pages of calls' });
  expectTouchSized(await targetsIn(pages), 'pages of calls');
  await pages.getByRole('link', { name: 'Later calls' }).click();
  await expect(pages.getByRole('link', { name: 'Earlier calls' })).toBeVisible();
  const back = await targetsIn(pages);
  expect(back.map((t) => t.name)).toEqual(['First calls', 'Earlier calls']);
  expectTouchSized(back, 'pages of calls');
  await expectAccessible(page);
});

// Review, session 43: the staff request page's notice of a decision came back with the decision's
// `?done=` in the address (Back from the next request, a reload later), focused and read out as if
// the decision had just been made; and support's reason, typed on two lines, was shown on one.
test('a decision’s notice takes the focus once, right after it, not again on coming Back; its reason keeps its lines', async ({
  page,
  agent: { page: agent },
}) => {
  const {
    user,
    accounts: [acct],
  } = await createCustomer([
    { name: 'Notice Once Optics', block: { calls: [{ to: '+252611234567', sourceIp: '185.220.101.47' }] } },
  ]);
  const misdial = {
    intendedNumber: '+1 252 611 2345',
    whatHappened: 'Our receptionist typed 00252 instead of 1-252 for a supplier in North Carolina.',
    callbackPhone: '+1 202 555 0143',
  };
  const first = await createMisdial(user, acct, misdial);
  const reason = 'Nobody answered on the callback number.\nPlease change the SIP passwords first.';

  await agent.goto(`/staff/requests/${first.id}`);
  await agent.getByRole('radio', { name: 'I called and could not reach them' }).check();
  await agent.getByLabel('Reason for the customer').fill(reason);
  await agent.getByRole('button', { name: 'Deny', exact: true }).click();
  const notice = agent.getByText('You denied this request.', { exact: false });
  await expect(notice).toBeFocused();
  await expect(agent).toHaveURL(/done=denied/);

  // On to the next request, then Back: the request as it stands, and no notice of a decision just made.
  await agent.getByRole('link', { name: 'Next request', exact: true }).click();
  await expect(agent).toHaveURL((u) => u.pathname !== `/staff/requests/${first.id}`);
  await agent.goBack();
  await expect(agent).toHaveURL(/done=denied/);
  await expect(agent.getByRole('status').filter({ hasText: /^Request: Denied by / })).toBeVisible();
  await expect(agent.getByRole('heading', { name: 'Decision', exact: true })).toBeVisible();
  await expect(notice).toHaveCount(0);
  await expectAccessible(agent);
  // Nor on a reload in this tab: the notice was brought once, right after the decision.
  await agent.reload();
  await expect(agent.getByRole('status').filter({ hasText: /^Request: Denied by / })).toBeVisible();
  await expect(notice).toHaveCount(0);

  // The reason, as typed, where the customer reads it and where support reads the account's history.
  await signIn(page, user);
  await page.goto(`/blocks/${acct.blockId}`);
  const said = page.getByText('Nobody answered on the callback number.', { exact: false });
  expect(await said.innerText()).toContain(reason);
  const second = await createMisdial(user, acct, misdial);
  await agent.goto(`/staff/requests/${second.id}`);
  const history = agent.getByText('Nobody answered on the callback number.', { exact: false });
  expect(await history.innerText()).toContain(reason);
});

// Accessibility review, finding 1: Enter on "Skip to content" reloaded the whole page (Chromium fires
// popstate for a link to #main, and components/fresh-history.tsx reloaded on every popstate), and the
// focus went back to the top. Now the browser moves where the next Tab starts into <main>, in the same
// document (a plain fragment link: no tabindex on main, so a click on its text keeps Tab's place).
/**
 * Opens `path`, presses Tab (the skip link), Enter and Tab: the focus is then on a control inside
 * <main>, and the page asked the server for no document meanwhile (no reload).
 */
async function expectSkipLinkWorks(page: Page, path: string) {
  await page.goto(path);
  const documents: string[] = [];
  const count = (r: { isNavigationRequest(): boolean; url(): string }) => {
    if (r.isNavigationRequest()) documents.push(r.url());
  };
  page.on('request', count);
  await page.evaluate(() => ((window as { sameDocument?: boolean }).sameDocument = true));
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return {
      inMain: !!el && el.tagName !== 'MAIN' && !!el.closest('main'),
      html: el?.outerHTML.slice(0, 120),
    };
  });
  expect(focused.inMain, `${path}: after the skip link, Tab reached ${focused.html}`).toBe(true);
  expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument), path).toBe(true);
  expect(documents, `${path}: documents asked for after the skip link`).toEqual([]);
  page.off('request', count);
}

test('the skip link moves the focus into the page’s main part without a reload, for customers and support', async ({
  page,
  agent: { page: agent },
}) => {
  const {
    user,
    accounts: [acct],
  } = await createCustomer([
    { name: 'Skip Link Optics', block: { calls: [{ to: '+252611234567', sourceIp: '185.220.101.47' }] } },
  ]);
  const request = await createMisdial(user, acct, {
    intendedNumber: '+1 252 611 2345',
    whatHappened: 'Our receptionist typed 00252 instead of 1-252.',
    callbackPhone: '+1 202 555 0143',
  });
  await expectSkipLinkWorks(page, '/sign-in');
  await signIn(page, user);
  for (const path of ['/', `/blocks/${acct.blockId}`, `/accounts/${acct.number}`, '/profile'])
    await expectSkipLinkWorks(page, path);
  for (const path of ['/staff', `/staff/requests/${request.id}`, `/staff/accounts/${acct.number}`])
    await expectSkipLinkWorks(agent, path);

  // Back and Forward still ask the server again for another page (components/fresh-history.tsx),
  // and leave a Back that only drops the #main alone.
  const documents: string[] = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest()) documents.push(new URL(r.url()).pathname);
  });
  await expect(page).toHaveURL(/\/profile#main$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/profile$/);
  expect(documents).toEqual([]);
  await page.getByRole('link', { name: 'Accounts', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/profile$/);
  await expect.poll(() => documents).toEqual(['/profile']);
});

/** `control` itself (a link or button), with its size, as targetsIn gives each control of an area. */
async function targetOf(control: Locator): Promise<Target[]> {
  await expect(control).toBeVisible();
  const box = (await control.boundingBox())!;
  return [{ name: (await control.innerText()).trim(), width: box.width, height: box.height }];
}

// Accessibility review, finding 6: on a phone the dashboard's "Account details" (108 × 20) and "Block
// history", the "Back…" links (20 px tall), "Audit log of this account" (16 px) and the Copy button
// after a reset (32 px) were under the 44 px that TARGET_SIZE gives small controls outside forms.
test('on a phone the links and compact buttons that stand alone are comfortable touch targets', async ({
  page,
  agent: { page: agent },
}) => {
  await page.setViewportSize(PHONE);
  const {
    user,
    accounts: [acct],
  } = await createCustomer([
    {
      name: 'Thumb Sized Dental',
      credentials: [{ label: 'Front desk', stem: 'front' }],
      block: { calls: [{ to: '+252611234567', sourceIp: '185.220.101.47' }] },
    },
  ]);
  await signIn(page, user);
  const card = await targetsIn(page.getByRole('region', { name: literally(acct.name) }));
  expect(card.map((t) => t.name)).toEqual(['Account details', 'Block history', 'See why and fix it']);
  expectTouchSized(card, 'the dashboard’s account card');

  await page.getByRole('link', { name: 'See why and fix it' }).click();
  const back = page.getByRole('link', { name: 'Back to your accounts' });
  expectTouchSized(await targetOf(back), 'the block page’s Back link');
  await page.getByRole('link', { name: 'Reset SIP password' }).click();
  expectTouchSized(
    await targetOf(page.getByRole('link', { name: 'Back', exact: true })),
    'the reset page’s Back link',
  );
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Password updated')).toBeFocused();
  expectTouchSized(
    await targetOf(page.getByRole('button', { name: 'Copy' })),
    'the Copy button after a reset',
  );
  await expectAccessible(page);

  await agent.setViewportSize(PHONE);
  await agent.goto(`/staff/accounts/${acct.number}`);
  expectTouchSized(
    await targetOf(agent.getByRole('link', { name: 'Audit log of this account' })),
    'the staff account page’s audit link',
  );
  expectTouchSized(
    await targetOf(agent.getByRole('link', { name: 'Back to the queue' })),
    'the staff Back link',
  );
});

/** The colours forced colours left on `el`: its border's (top), width and style, its background, and the page's. */
async function forcedLook(el: Locator) {
  return el.evaluate((e) => {
    const c = getComputedStyle(e);
    return {
      border: c.borderTopColor,
      borderWidth: parseFloat(c.borderTopWidth),
      borderStyle: c.borderTopStyle,
      background: c.backgroundColor,
      canvas: getComputedStyle(document.body).backgroundColor,
    };
  });
}

/** `button` keeps a box in forced colours: a solid border of 1 px or more, in a colour other than the page's. */
async function expectOutlined(button: Locator, name: string) {
  const look = await forcedLook(button);
  expect(look.borderWidth, `${name}: border width`).toBeGreaterThanOrEqual(1);
  expect(look.borderStyle, `${name}: border style`).toBe('solid');
  expect(look.border, `${name}: border colour against the page's`).not.toBe(look.canvas);
}

/** The strength meter's bars show its level in forced colours: that many filled, the rest outlined. */
async function expectMeterVisible(page: Page) {
  const meter = page.getByRole('meter', { name: 'Password strength' });
  const level = Number(await meter.getAttribute('aria-valuenow'));
  const bars = meter.locator('span');
  await expect(bars).toHaveCount(4);
  for (let i = 0; i < 4; i++) {
    const look = await forcedLook(bars.nth(i));
    if (i < level) expect(look.background, `bar ${i + 1} of level ${level}: filled`).not.toBe(look.canvas);
    else {
      expect(look.background, `bar ${i + 1} of level ${level}: empty`).toBe(look.canvas);
      expect(look.borderWidth, `bar ${i + 1} of level ${level}: outlined`).toBeGreaterThanOrEqual(1);
      expect(look.border, `bar ${i + 1} of level ${level}: outlined`).not.toBe(look.canvas);
    }
  }
}

// Accessibility review, finding 4: in Windows high contrast (forced colours) the main and danger
// buttons lost their background and had no border, so they read as bold text; the strength meter's
// bars, backgrounds only, disappeared.
test('in forced colours every button keeps its outline and the strength meter its bars', async ({
  page,
  agent: { page: agent },
}) => {
  const {
    user,
    accounts: [acct],
  } = await createCustomer([
    {
      name: 'High Contrast Dental',
      credentials: [{ label: 'Front desk', stem: 'front' }],
      block: { calls: [{ to: '+252611234567', sourceIp: '185.220.101.47' }] },
    },
  ]);
  const request = await createMisdial(user, acct, {
    intendedNumber: '+1 252 611 2345',
    whatHappened: 'Our receptionist typed 00252 instead of 1-252.',
    callbackPhone: '+1 202 555 0143',
  });
  await page.emulateMedia({ forcedColors: 'active' });
  await signIn(page, user);
  const fix = page.getByRole('link', { name: 'See why and fix it' });
  await expectOutlined(fix, 'See why and fix it');
  await fix.click();
  const reset = page.getByRole('link', { name: 'Reset SIP password' });
  await expectOutlined(reset, 'Reset SIP password');
  await reset.click();
  await expectOutlined(
    page.getByRole('button', { name: 'Generate strong password' }),
    'Generate strong password',
  );
  await expectOutlined(page.getByRole('button', { name: 'Set password' }), 'Set password');
  // A weak password (no bar filled, or one) and a generated one (every bar filled).
  await page.getByLabel('New SIP password').fill('frontdesk1');
  await expect(page.getByRole('meter', { name: 'Password strength' })).toHaveAttribute(
    'aria-valuetext',
    /weak/i,
  );
  await expectMeterVisible(page);
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  await expect(page.getByRole('meter', { name: 'Password strength' })).toHaveAttribute('aria-valuenow', '4');
  await expectMeterVisible(page);

  await agent.emulateMedia({ forcedColors: 'active' });
  await agent.goto(`/staff/requests/${request.id}`);
  for (const name of ['Approve and lift block', 'Deny'])
    await expectOutlined(agent.getByRole('button', { name, exact: true }), name);
});
