import type { Browser, BrowserContext, Page } from '@playwright/test';
import { DEMO, expect, expectAccessible, signIn, signInStaff, test, totpNow } from './support/fixtures';
import { query } from './support/db';
import { E2E } from './support/env';
import { sim, simAccount } from './support/sim';

// The support console against the real portal and the simulated switch. Runs after the customer
// journeys: ACC-1001 is lifted by then, so the misdial journeys make fresh fraud blocks on ACC-1002.
test.describe.configure({ mode: 'serial' });

type Who = { email: string; password: string };
const pendingRequestOf = (account: string) =>
  query<{ id: string; blockId: string }>(`SELECT r.id, r."blockId" FROM "UnblockRequest" r JOIN "CustomerAccount" a ON a.id = r."accountId" WHERE a.number = ? AND r.status = 'pending'`, account)[0];
const requestStatus = (id: string) => query<{ status: string }>(`SELECT status FROM "UnblockRequest" WHERE id = ?`, id)[0].status;
const liftsFor = (blockId: string) => query<{ n: number }>(`SELECT COUNT(*) AS n FROM "SwitchOperation" WHERE "blockId" = ?`, blockId)[0].n;
const changesOf = async (account: string) => (await simAccount(account)).internationalCallingChanges as number;

async function newPage(browser: Browser): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext();
  return [context, await context.newPage()];
}

/** The fraud monitor of the simulated switch blocks ACC-1002; wait until Dana's dashboard shows it. */
async function freshFraudBlock(dana: Page) {
  await sim('/_sim/fraud', { method: 'POST', body: { accountNumber: 'ACC-1002', to: '+2526112345' } });
  const labs = dana.getByRole('region', { name: /Acme Labs/ });
  await expect(async () => {
    await dana.goto('/');
    await expect(labs.getByText('International calling blocked')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
}

/** Dana says it was a misdial (011 252… instead of 1 252…); returns the new request. */
async function askMisdial(dana: Page) {
  await dana.getByRole('region', { name: /Acme Labs/ }).getByRole('link', { name: 'See why and fix it' }).click();
  await dana.getByRole('link', { name: 'This was a misdial' }).click();
  await dana.getByLabel('Number you meant to dial').fill('(252) 611-2345');
  await dana.getByLabel('What happened?').fill('Our lab assistant dialled 011 in front of a North Carolina number by habit.');
  await dana.getByLabel('Callback phone').fill('+1 202 555 0143');
  await dana.getByRole('button', { name: 'Request unblock' }).click();
  await expect(dana.getByText('Pending: support will call you back')).toBeVisible();
  return pendingRequestOf('ACC-1002');
}

async function openRequest(page: Page, account: RegExp) {
  await page.goto('/staff');
  await page.getByRole('article', { name: account }).getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /unblock request/ })).toBeVisible();
}

async function fillApproval(page: Page) {
  await page.getByRole('checkbox', { name: 'I spoke with the account holder' }).check();
  await page.getByLabel('Note', { exact: true }).fill('Called Dana back: a habit of dialling 011 first. Told her about the 1 prefix.');
}

/** The staff approve action exactly as the browser posts it, captured and stopped before it runs. */
async function captureApprovePost(page: Page) {
  let captured: { action: string; contentType: string; body: Buffer; url: string } | null = null;
  await page.route('**/staff/requests/**', async (route) => {
    const req = route.request();
    const headers = await req.allHeaders();
    if (req.method() === 'POST' && headers['next-action']) {
      captured = { action: headers['next-action'], contentType: headers['content-type'], body: req.postDataBuffer()!, url: req.url() };
      return route.abort();
    }
    return route.continue();
  });
  await fillApproval(page);
  await page.getByRole('button', { name: 'Approve and lift block' }).click();
  await expect.poll(() => captured !== null).toBe(true);
  await page.unrouteAll();
  return captured!;
}

let first: { id: string; blockId: string };

test('a customer asks for a misdial unblock on a fresh block', async ({ page }) => {
  await signIn(page, DEMO.dana);
  await freshFraudBlock(page);
  first = await askMisdial(page);
  expect(first).toBeTruthy();
});

test('without a verified second factor, or as a customer, nothing can be seen or decided — pages or direct posts', async ({ browser }) => {
  const [agentCtx, agent] = await newPage(browser);
  await signInStaff(agent, DEMO.sam);
  await agent.goto(`/staff/requests/${first.id}`);
  const post = await captureApprovePost(agent);

  const tryPost = (p: Page) => p.request.post(post.url, {
    headers: { 'next-action': post.action, 'content-type': post.contentType, accept: 'text/x-component', origin: E2E.appUrl },
    data: post.body, maxRedirects: 0,
  });

  // Sam again, in another browser, password only: every staff page sends him to the code prompt.
  const [halfCtx, half] = await newPage(browser);
  await signIn(half, DEMO.sam, '/staff');
  await expect(half).toHaveURL(/\/security\/verify/);
  for (const path of ['/staff', `/staff/requests/${first.id}`, '/staff/audit', '/staff/accounts/ACC-1002', '/']) {
    await half.goto(path);
    await expect(half).toHaveURL(/\/security\/verify/);
  }
  expect((await tryPost(half)).status()).toBe(404);

  // A customer: the staff area does not exist, and its actions answer 404.
  const [custCtx, customer] = await newPage(browser);
  await signIn(customer, DEMO.dana);
  expect((await customer.goto(`/staff/requests/${first.id}`))?.status()).toBe(404);
  expect((await tryPost(customer)).status()).toBe(404);

  expect(requestStatus(first.id)).toBe('pending');
  expect(liftsFor(first.blockId)).toBe(0);
  expect((await simAccount('ACC-1002')).internationalCalling).toBe('blocked');
  expect(query(`SELECT id FROM "AuditLog" WHERE action = 'access.denied'`).length).toBeGreaterThanOrEqual(2);

  await Promise.all([agentCtx.close(), halfCtx.close(), custCtx.close()]);
});

test('the agent works the queue, approves after the callback, and the switch lifts the block', async ({ browser }) => {
  const [, sam] = await newPage(browser);
  await signInStaff(sam, DEMO.sam);
  const item = sam.getByRole('article', { name: /Acme Labs \(ACC-1002\)/ });
  await expect(item).toContainText('Somalia');
  await expect(item).toContainText(/Misdial hint: (Likely|Possibly) a misdial/);
  await expect(item).toContainText('(252) 611-2345');
  await expectAccessible(sam);

  await openRequest(sam, /Acme Labs \(ACC-1002\)/);
  await expect(sam.getByRole('link', { name: '+1 202 555 0143' })).toHaveAttribute('href', 'tel:+12025550143');
  await expect(sam.getByText('Our lab assistant dialled 011')).toBeVisible();
  await expectAccessible(sam);

  // The attestation is required: without it nothing is decided.
  await sam.getByLabel('Note', { exact: true }).fill('Tried to approve without calling.');
  await sam.getByRole('button', { name: 'Approve and lift block' }).click();
  await expect(sam.locator('#attest-error')).toBeVisible();
  expect(requestStatus(first.id)).toBe('pending');

  await fillApproval(sam);
  await sam.getByRole('button', { name: 'Approve and lift block' }).click();
  await expect(sam.getByText('You approved this request.')).toBeVisible();
  await expect.poll(async () => (await simAccount('ACC-1002')).internationalCalling, { timeout: 15_000 }).toBe('allowed');
  await expect(sam.getByText('Block: Lifted')).toBeVisible();

  const [, dana] = await newPage(browser);
  await signIn(dana, DEMO.dana);
  await expect(dana.getByRole('region', { name: /Acme Labs/ }).getByText('International calling allowed')).toBeVisible();
});

test('a denial keeps the block and shows the customer the reason', async ({ browser }) => {
  const [, omar] = await newPage(browser);
  await signIn(omar, DEMO.omar);
  await omar.getByRole('region', { name: /Harbor Logistics/ }).getByRole('link', { name: 'See why and fix it' }).click();
  await expect(omar).toHaveURL(/\/blocks\/\w+$/);
  const blockUrl = omar.url();
  await omar.getByRole('link', { name: 'This was a misdial' }).click();
  await omar.getByLabel('Number you meant to dial').fill('01481 712345');
  await omar.getByLabel('What happened?').fill('I think our dispatcher misdialled a supplier in Guernsey.');
  await omar.getByLabel('Callback phone').fill('+44 20 7946 0018');
  await omar.getByRole('button', { name: 'Request unblock' }).click();
  await expect(omar.getByText('Pending: support will call you back')).toBeVisible();

  const [, sam] = await newPage(browser);
  await signInStaff(sam, DEMO.sam);
  await expect(sam.getByRole('article', { name: /Harbor Logistics/ })).toContainText('Against: The calls came from an internet address in a known fraud hotspot');
  await openRequest(sam, /Harbor Logistics/);
  const reason = 'The calls came from an address in a known fraud hotspot, not from your office. Please change the PBX trunk password.';
  await sam.getByLabel('Reason for the customer').fill(reason);
  await sam.getByRole('button', { name: 'Deny', exact: true }).click();
  await expect(sam.getByText('You denied this request.')).toBeVisible();

  await omar.goto(blockUrl);
  await expect(omar.getByText('Denied', { exact: true })).toBeVisible();
  await expect(omar.getByText(`Reason from support: ${reason}`)).toBeVisible();
  expect((await simAccount('ACC-2001')).internationalCalling).toBe('blocked');
});

test('two agents approve the same request at once: one wins, the other is told, the switch lifts once', async ({ browser }) => {
  const [, dana] = await newPage(browser);
  await signIn(dana, DEMO.dana);
  await freshFraudBlock(dana);
  const race = await askMisdial(dana);

  const agents: Page[] = [];
  for (const who of [DEMO.sam, DEMO.alex] as Who[]) {
    const [, p] = await newPage(browser);
    await signInStaff(p, who);
    await p.goto(`/staff/requests/${race.id}`);
    await fillApproval(p);
    agents.push(p);
  }
  const before = await changesOf('ACC-1002');
  await Promise.all(agents.map((p) => p.getByRole('button', { name: 'Approve and lift block' }).click()));
  const outcome = /You approved this request|already decided by someone else/;
  for (const p of agents) await expect(p.getByText(outcome).first()).toBeVisible();
  const won = await Promise.all(agents.map((p) => p.getByText('You approved this request.').count()));
  expect(won.reduce((a, b) => a + b, 0)).toBe(1);
  const loser = agents[won.indexOf(0)];
  await expect(loser.getByText(/already decided by someone else \(it is approved now\)/)).toBeVisible();

  await expect.poll(async () => (await simAccount('ACC-1002')).internationalCalling, { timeout: 15_000 }).toBe('allowed');
  await new Promise((r) => setTimeout(r, 2500)); // a second lift, if there were one, would have arrived by now
  expect(await changesOf('ACC-1002')).toBe(before + 1);
  expect(liftsFor(race.blockId)).toBe(1);
  expect(requestStatus(race.id)).toBe('approved');
});

test('support places a manual block and lifts it, each shown only once the switch confirms', async ({ browser }) => {
  const [, sam] = await newPage(browser);
  await signInStaff(sam, DEMO.sam);
  await sam.getByLabel('Account number, company, member email or SIP username').fill('LABS-TRUNK');
  await sam.getByRole('button', { name: 'Search' }).click();
  await sam.getByRole('link', { name: 'Acme Labs (ACC-1002)' }).click();
  await expect(sam.getByRole('heading', { level: 1, name: 'Acme Labs (ACC-1002)' })).toBeVisible();
  await expectAccessible(sam);

  await sam.getByLabel('Note', { exact: true }).fill('Customer asked us to block while they audit their lab PBX.');
  await sam.getByRole('button', { name: 'Block international calling' }).click();
  await expect(sam.getByRole('status').getByText('International calling blocked', { exact: true })).toBeVisible({ timeout: 15_000 });
  expect((await simAccount('ACC-1002')).internationalCalling).toBe('blocked');

  const [, dana] = await newPage(browser);
  await signIn(dana, DEMO.dana);
  const labs = dana.getByRole('region', { name: /Acme Labs/ });
  await expect(labs.getByText('International calling blocked')).toBeVisible();
  await labs.getByRole('link', { name: 'See why and fix it' }).click();
  await expect(dana.getByText('Block placed by support')).toBeVisible();
  await expect(dana.getByRole('link', { name: 'This was a misdial' })).toHaveCount(0);

  const manual = sam.getByRole('article', { name: /Manual \(placed by support\)/ });
  await manual.getByLabel('Note', { exact: true }).fill('Audit finished; the PBX now only accepts our addresses.');
  await manual.getByRole('button', { name: 'Lift block' }).click();
  await expect(sam.getByRole('status').getByText('International calling allowed', { exact: true })).toBeVisible({ timeout: 15_000 });
  expect((await simAccount('ACC-1002')).internationalCalling).toBe('allowed');
});

test('the audit log shows decisions and manual actions, filterable by account, actor and action', async ({ browser }) => {
  const [, sam] = await newPage(browser);
  await signInStaff(sam, DEMO.sam);
  await sam.goto('/staff/audit');
  await expectAccessible(sam);
  await sam.getByLabel('Account number').fill('ACC-1002');
  await sam.getByLabel('Actor email').fill(DEMO.sam.email);
  await sam.getByLabel('Action', { exact: true }).selectOption('block.place_requested');
  await sam.getByRole('button', { name: 'Filter' }).click();
  const rows = sam.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(2); // header + one entry
  await expect(rows.nth(1)).toContainText('audit their lab PBX');
  await sam.getByLabel('Action', { exact: true }).selectOption('request.approved');
  await sam.getByRole('button', { name: 'Filter' }).click();
  const approvals = query(`SELECT id FROM "AuditLog" WHERE action = 'request.approved' AND "actorEmail" = ?`, DEMO.sam.email).length;
  expect(approvals).toBeGreaterThanOrEqual(1);
  await expect(rows).toHaveCount(1 + approvals);
  await expect(rows.nth(1)).toContainText('attestedCallback');
});

test('an admin creates, re-roles and disables a staff login; agents cannot manage staff', async ({ browser }) => {
  const [, sam] = await newPage(browser);
  await signInStaff(sam, DEMO.sam);
  expect((await sam.goto('/staff/users'))?.status()).toBe(404);

  const [, alex] = await newPage(browser);
  await signInStaff(alex, DEMO.alex);
  await alex.getByRole('link', { name: 'Staff logins' }).click();
  await expectAccessible(alex);
  await alex.getByLabel('Email', { exact: true }).fill('riley@tollgate.example');
  await alex.getByLabel('Name', { exact: true }).fill('Riley Moss');
  await alex.getByRole('button', { name: 'Create staff login' }).click();
  await expect(alex.getByTestId('initial-password')).toHaveText(/^.{20}$/);
  const password = (await alex.getByTestId('initial-password').textContent())!;

  // Riley signs in and must set up a second factor before seeing anything.
  const [, riley] = await newPage(browser);
  await signIn(riley, { email: 'riley@tollgate.example', password }, '/staff');
  await expect(riley).toHaveURL(/\/security\/two-factor/);

  await alex.reload();
  await alex.getByRole('combobox', { name: 'Role of riley@tollgate.example' }).selectOption('admin');
  await alex.getByRole('button', { name: 'Change role of riley@tollgate.example' }).click();
  await expect(alex.getByText('riley@tollgate.example is now admin.')).toBeVisible();
  await alex.getByRole('button', { name: 'Disable riley@tollgate.example' }).click();
  await expect(alex.getByText(/riley@tollgate.example is disabled; 1 session\(s\) ended/)).toBeVisible();

  await riley.goto('/staff');
  await expect(riley).toHaveURL(/\/sign-in/);
  const actions = query<{ action: string }>(`SELECT action FROM "AuditLog" WHERE action LIKE 'staff_user.%' ORDER BY at`).map((r) => r.action);
  expect(actions).toEqual(['staff_user.created', 'staff_user.role_changed', 'staff_user.disabled']);
});

test('a customer may turn on two-factor too, and is then asked for the code at every sign-in', async ({ browser }) => {
  // Last in this file: from here on Omar signs in with a code.
  const [, omar] = await newPage(browser);
  await signIn(omar, DEMO.omar);
  await omar.getByRole('link', { name: 'Your login' }).click();
  await omar.getByRole('link', { name: 'Set up two-factor authentication' }).click();
  await expect(omar.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await expectAccessible(omar);
  const secret = (await omar.locator('main code').textContent())!.trim();
  await omar.getByLabel('Authentication code').fill(await totpNow(secret));
  await omar.getByRole('button', { name: 'Verify' }).click();
  await expect(omar.getByText('Two-factor authentication is on.')).toBeVisible();

  const [, again] = await newPage(browser);
  await signIn(again, DEMO.omar);
  await expect(again).toHaveURL(/\/security\/verify/);
  await again.goto('/blocks/' + query<{ id: string }>(`SELECT b.id FROM "Block" b JOIN "CustomerAccount" a ON a.id = b."accountId" WHERE a.number = 'ACC-2001'`)[0].id);
  await expect(again).toHaveURL(/\/security\/verify/);
  await again.getByLabel('Authentication code').fill(await totpNow(secret));
  await again.getByRole('button', { name: 'Verify' }).click();
  await expect(again.getByRole('heading', { name: /International calling blocked on Harbor Logistics/ })).toBeVisible(); // back where it was going
});
