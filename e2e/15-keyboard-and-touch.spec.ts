import type { Locator, Page } from '@playwright/test';
import { createCustomer, createMisdial, createStaff } from './support/factories';
import { expect, expectAccessible, signIn, test, totpNow } from './support/fixtures';

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
