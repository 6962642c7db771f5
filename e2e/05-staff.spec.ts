import type { Browser, BrowserContext, Page } from '@playwright/test';
import {
  accountLabel,
  createCustomer,
  createMisdial,
  createStaff,
  literally,
  type TestAccount,
  type TestUser,
  uniqueId,
} from './support/factories';
import { HARBOR, LABS } from './support/demo-copies';
import {
  expect,
  expectAccessible,
  signIn,
  signInStaff,
  submitAndWait,
  test,
  totpNow,
} from './support/fixtures';
import { query } from './support/db';
import { waitForMail } from './support/mail';
import { emailedEnrolmentCode } from './support/sign-in-steps';
import { E2E } from './support/env';
import { sim, simAccount } from './support/sim';
import { queueOfAccount } from './support/staff-queue';
import { runTsx } from './support/tsx';

// The support console against the real portal and the simulated switch. Every journey makes its own
// customers (copies of the demo's Acme Labs and Harbor Logistics, ./support/demo-copies.ts) and its own
// staff logins. One agent (like the demo's Sam) is shared by the journeys whose steps the audit-log
// journey then finds; the others get fresh ones, which also never wait for an unused TOTP step.
test.describe.configure({ mode: 'serial' });

let samUser: TestUser & { totpSecret: string };
test.beforeAll(async () => {
  samUser = await createStaff('agent');
});

const pendingRequestOf = (account: string) =>
  query<{ id: string; blockId: string }>(
    `SELECT r.id, r."blockId" FROM "UnblockRequest" r JOIN "CustomerAccount" a ON a.id = r."accountId" WHERE a.number = ? AND r.status = 'pending'`,
    account,
  )[0];
const requestStatus = (id: string) =>
  query<{ status: string }>(`SELECT status FROM "UnblockRequest" WHERE id = ?`, id)[0].status;
const liftsFor = (blockId: string) =>
  query<{ n: number }>(`SELECT COUNT(*) AS n FROM "SwitchOperation" WHERE "blockId" = ?`, blockId)[0].n;
const changesOf = async (account: string) =>
  (await simAccount(account)).internationalCallingChanges as number;
const region = (page: Page, a: TestAccount) => page.getByRole('region', { name: literally(a.name) });
/**
 * Whether the element with the keyboard focus is in a live region (or is one): a notice that takes the
 * focus there is read twice, once as the region's change and once as it takes the focus.
 */
const focusInLiveRegion = (page: Page) =>
  page.evaluate(
    () =>
      !!document.activeElement?.closest(
        '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]',
      ),
  );

async function newPage(browser: Browser): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext();
  return [context, await context.newPage()];
}

/** The fraud monitor of the simulated switch blocks the Labs account; wait until Dana's dashboard shows it. */
async function freshFraudBlock(dana: Page, labs: TestAccount) {
  await sim('/_sim/fraud', { method: 'POST', body: { accountNumber: labs.number, to: '+2526112345' } });
  await expect(async () => {
    await dana.goto('/');
    await expect(region(dana, labs).getByText('International calling blocked')).toBeVisible({
      timeout: 1000,
    });
  }).toPass({ timeout: 15_000 });
}

/** Dana says it was a misdial (011 252… instead of 1 252…); returns the new request. */
async function askMisdial(dana: Page, labs: TestAccount) {
  await region(dana, labs).getByRole('link', { name: 'See why and fix it' }).click();
  await dana.getByRole('link', { name: 'This was a misdial' }).click();
  await dana.getByRole('checkbox').first().check(); // of several calls, none comes ticked
  await dana.getByLabel('Number you meant to dial').fill('(252) 611-2345');
  await dana
    .getByLabel('What happened?')
    .fill('Our lab assistant dialled 011 in front of a North Carolina number by habit.');
  await dana.getByLabel('Callback phone').fill('+1 202 555 0143');
  await dana.getByRole('button', { name: 'Request unblock' }).click();
  await expect(dana.getByText('Pending: support will call you back')).toBeVisible();
  return pendingRequestOf(labs.number);
}

/** A customer with her own Acme Labs, a fresh fraud block on it and her misdial request, as in the demo. */
async function labsWithRequest(browser: Browser) {
  const {
    user,
    accounts: [labs],
  } = await createCustomer([LABS]);
  const [, dana] = await newPage(browser);
  await signIn(dana, user);
  await freshFraudBlock(dana, labs);
  const request = await askMisdial(dana, labs);
  expect(request).toBeTruthy();
  return { user, labs, dana, request };
}

/** From the queue of one account (queueOfAccount), open its request. */
async function openRequest(page: Page, account: RegExp) {
  await page.getByRole('article', { name: account }).getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /unblock request/ })).toBeVisible();
}

async function fillApproval(page: Page) {
  await page.getByRole('checkbox', { name: 'I spoke with the account holder' }).check();
  await page
    .getByLabel('Note', { exact: true })
    .fill('Called Dana back: a habit of dialling 011 first. Told her about the 1 prefix.');
}

/** The staff approve action exactly as the browser posts it, captured and stopped before it runs. */
async function captureApprovePost(page: Page) {
  let captured: { action: string; contentType: string; body: Buffer; url: string } | null = null;
  await page.route('**/staff/requests/**', async (route) => {
    const req = route.request();
    const headers = await req.allHeaders();
    if (req.method() === 'POST' && headers['next-action']) {
      captured = {
        action: headers['next-action'],
        contentType: headers['content-type'],
        body: req.postDataBuffer()!,
        url: req.url(),
      };
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

test('a customer asks for a misdial unblock on a fresh block', async ({ browser }) => {
  const { request } = await labsWithRequest(browser);
  expect(requestStatus(request.id)).toBe('pending');
});

test('an agent who signs in on the sign-in page itself lands on the support console', async ({ page }) => {
  const agent = await createStaff('agent');
  await signIn(page, agent);
  await expect(page).toHaveURL(/\/security\/verify/);
  await page.getByLabel('Authentication code').fill(await totpNow(agent.totpSecret, agent.email));
  await page.getByRole('button', { name: 'Verify' }).click();
  // Not the customer dashboard, which would tell an agent to ask their provider for an account.
  await expect(page).toHaveURL((url) => url.pathname === '/staff');
  await expect(page.getByText('Your login is not linked to any account yet')).toHaveCount(0);
});

test('without a verified second factor, or as a customer, nothing can be seen or decided — pages or direct posts', async ({
  browser,
}) => {
  const { user: danaUser, labs, request: first } = await labsWithRequest(browser);
  const agentUser = await createStaff('agent');
  const [agentCtx, agent] = await newPage(browser);
  await signInStaff(agent, agentUser);
  await agent.goto(`/staff/requests/${first.id}`);
  // The tab says whose request it is: an agent with several open tells them apart.
  await expect(agent).toHaveTitle(`Unblock request · ${labs.number} · Tollgate`);
  const post = await captureApprovePost(agent);

  const tryPost = (p: Page) =>
    p.request.post(post.url, {
      headers: {
        'next-action': post.action,
        'content-type': post.contentType,
        accept: 'text/x-component',
        origin: E2E.appUrl,
      },
      data: post.body,
      maxRedirects: 0,
    });

  // Sam again, in another browser, password only: every staff page sends him to the code prompt.
  const [halfCtx, half] = await newPage(browser);
  await signIn(half, agentUser, '/staff');
  await expect(half).toHaveURL(/\/security\/verify/);
  // The header does not tell whoever has the password only that the login is a staff one.
  await expect(half.getByRole('link', { name: 'Support console' })).toHaveCount(0);
  for (const path of [
    '/staff',
    `/staff/requests/${first.id}`,
    '/staff/audit',
    `/staff/accounts/${labs.number}`,
    '/',
  ]) {
    await half.goto(path);
    await expect(half).toHaveURL(/\/security\/verify/);
    // ... and, the code given, back to the staff page asked for, not the queue.
    if (path.startsWith('/staff')) expect(new URL(half.url()).searchParams.get('next')).toBe(path);
  }
  expect((await tryPost(half)).status()).toBe(404);
  // The queue's watch answers only verified staff; what it cannot read is a 400, never a 500.
  const queueChanges = (p: Page, query = `since=${Date.now()}`) =>
    p.request.get(`/api/version/staff-queue?${query}`).then((r) => r.status());
  expect(await queueChanges(half)).toBe(404);
  expect(await queueChanges(agent)).toBe(200);
  expect(await queueChanges(agent, `since=${Date.now()}&account=${labs.number}`)).toBe(200);
  for (const bad of ['since=yesterday', 'since=-1', '', `since=1&account=${encodeURIComponent("x' OR 1=1")}`])
    expect(await queueChanges(agent, bad)).toBe(400);
  // So does a request page's watch (a mark: status, holder, since, timeline entries).
  const requestChanges = (p: Page, query = 'seen=pending...0', id = first.id) =>
    p.request.get(`/api/staff/requests/${id}/watch?${query}`).then((r) => r.status());
  expect(await requestChanges(half)).toBe(404);
  expect(await requestChanges(agent)).toBe(200);
  expect(await requestChanges(agent, 'seen=pending...0', 'no-such-request')).toBe(404);
  for (const bad of ['', 'seen=yesterday', `seen=${encodeURIComponent("pending.x' OR 1=1..0")}`])
    expect(await requestChanges(agent, bad)).toBe(400);
  await half.goto(`/staff/requests/${first.id}`);
  await half.getByLabel('Authentication code').fill(await totpNow(agentUser.totpSecret, agentUser.email));
  await half.getByRole('button', { name: 'Verify' }).click();
  await expect(half).toHaveURL((url) => url.pathname === `/staff/requests/${first.id}`);

  // Signed out, an agent who opens an account's link signs in and gives the code, and is on it.
  const [outCtx, out] = await newPage(browser);
  const other = await createStaff('agent');
  await out.goto(`/staff/accounts/${labs.number}`);
  await expect(out).toHaveURL((url) => url.pathname === '/sign-in');
  await out.getByLabel('Email', { exact: true }).fill(other.email);
  await out.getByLabel('Password', { exact: true }).fill(other.password);
  await out.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(out).toHaveURL(/\/security\/verify/);
  await out.getByLabel('Authentication code').fill(await totpNow(other.totpSecret, other.email));
  await out.getByRole('button', { name: 'Verify' }).click();
  await expect(out).toHaveURL((url) => url.pathname === `/staff/accounts/${labs.number}`);

  // A customer: the staff area does not exist, and its actions answer 404.
  const [custCtx, customer] = await newPage(browser);
  await signIn(customer, danaUser);
  expect((await customer.goto(`/staff/requests/${first.id}`))?.status()).toBe(404);
  expect((await tryPost(customer)).status()).toBe(404);
  expect(await queueChanges(customer)).toBe(404);
  expect(await requestChanges(customer)).toBe(404);

  expect(requestStatus(first.id)).toBe('pending');
  expect(liftsFor(first.blockId)).toBe(0);
  expect((await simAccount(labs.number)).internationalCalling).toBe('blocked');
  expect(query(`SELECT id FROM "AuditLog" WHERE action = 'access.denied'`).length).toBeGreaterThanOrEqual(2);

  await Promise.all([agentCtx.close(), halfCtx.close(), custCtx.close(), outCtx.close()]);
});

test("a busy queue shows 25 at a time with later pages; a search shows only its results and leads to one account's requests", async ({
  browser,
}) => {
  // 26 requests of this test's own (one customer each: a customer may send 5 a day), so there is a
  // second page whatever else is pending.
  const mine: TestAccount[] = [];
  const myRequests = new Set<string>();
  for (let i = 0; i < 26; i++) {
    const {
      user,
      accounts: [a],
    } = await createCustomer([{ ...HARBOR, name: `Queue Paging ${i}` }]);
    const { id } = await createMisdial(user, a, {
      intendedNumber: '01481 712345',
      whatHappened: 'Our dispatcher misdialled a supplier in Guernsey.',
      callbackPhone: '+44 20 7946 0018',
    });
    myRequests.add(`q-${id}`);
    mine.push(a);
  }
  const [, sam] = await newPage(browser);
  await signInStaff(sam, await createStaff('agent'));
  const queue = sam.getByRole('region', { name: /^Unblock requests waiting \(/ });
  const shown = () =>
    queue.getByRole('article').evaluateAll((els) => els.map((e) => e.getAttribute('aria-labelledby')));
  await expect(queue.getByRole('article')).toHaveCount(25);
  await expect(queue).toContainText('Showing the oldest 25.');
  const oldest = await shown();
  // A request sent while the agent reads: the queue says so in a live region and leaves the list alone.
  const {
    user: late,
    accounts: [lateAccount],
  } = await createCustomer([{ ...HARBOR, name: 'Queue Paging late' }]);
  const { id: lateId } = await createMisdial(late, lateAccount, {
    intendedNumber: '01481 712345',
    whatHappened: 'Our dispatcher misdialled a supplier in Guernsey.',
    callbackPhone: '+44 20 7946 0018',
  });
  myRequests.add(`q-${lateId}`);
  // Above the lists (it covers the allowance requests and the claims too), in words of what changed.
  const changed = sam
    .getByRole('status')
    .filter({ hasText: /^Since this list was shown: .*\bnew unblock requests?\b/ });
  await expect(changed).toBeVisible({ timeout: 15_000 });
  expect(await shown()).toEqual(oldest);
  await expectAccessible(sam);
  await changed.getByRole('link', { name: 'Show the queue as it is now' }).click();
  await expect(changed).toHaveCount(0);
  await expect(queue.getByRole('article')).toHaveCount(25);
  // The page the "Later requests" link continues from: the queue as it is now, not `oldest` (the
  // other worker's journeys put refused lifts back in the queue with their first date: break, CI).
  const now = await shown();
  const pages = queue.getByRole('navigation', { name: 'Unblock request pages' });
  await pages.getByRole('link', { name: 'Later requests' }).click();
  await expect(sam).toHaveURL(/queueAfter=/);
  await expect(queue.getByRole('article').first()).toBeVisible();
  const later = await shown();
  expect(later.length).toBeGreaterThanOrEqual(1);
  expect(later.length).toBeLessThanOrEqual(25);
  expect(later.filter((id) => now.includes(id))).toEqual([]);
  await expectAccessible(sam);
  await pages.getByRole('link', { name: 'Oldest requests' }).click();
  await expect(queue.getByRole('article')).toHaveCount(25);
  // The same oldest page again. The other worker's journeys may decide, withdraw or put back (a
  // refused lift reopens its request with its first date) their own requests meanwhile, so only
  // ours are compared: they keep their order, first.
  const again = await shown();
  const ours = (ids: (string | null)[]) => ids.filter((id) => id !== null && myRequests.has(id));
  expect(ours(again).slice(0, ours(oldest).length)).toEqual(ours(oldest));

  // A search is its own view: its results, a way back, and no queue.
  const last = mine[25];
  await sam.getByLabel('Account number, company, member name or email, or SIP username').fill(last.number);
  await sam.getByRole('button', { name: 'Search' }).click();
  await expect(sam.getByRole('link', { name: accountLabel(last) })).toBeVisible();
  // The answer takes the focus (break-29: the page loaded anew with the focus at its top).
  await expect(sam.getByText(`One account matches “${last.number}”.`)).toBeFocused();
  await expect(sam.getByRole('region', { name: /Unblock requests waiting/ })).toHaveCount(0);
  await expect(sam.getByRole('article')).toHaveCount(0);
  await expect(sam.getByRole('link', { name: 'Back to the queue' })).toBeVisible();
  await expectAccessible(sam);
  // Its "1 unblock request waiting" is the queue of that account alone.
  await sam.getByRole('link', { name: '1 unblock request waiting' }).click();
  const own = sam.getByRole('region', { name: `Unblock requests waiting for ${last.number} (1)` });
  await expect(own.getByRole('article')).toHaveCount(1);
  await expect(own.getByRole('article', { name: literally(accountLabel(last)) })).toContainText(
    'Against: The calls came from an internet address in a known fraud hotspot',
  );
  await expectAccessible(sam);
  // A malformed account filter says so and shows the whole queue. What it says back is the text
  // typed, isolated (<bdi>) and without the bidi override a link may carry (break-29: U+202E
  // reversed the rest of the sentence), and a search with no hits says back only what it searched.
  await sam.goto('/staff?account=%E2%80%AEnot-an-account');
  await expect(
    sam.getByRole('status').filter({ hasText: '“not-an-account” is not an account number' }),
  ).toBeVisible();
  await expect(sam.getByRole('status').locator('bdi')).toHaveText('not-an-account');
  await sam.goto(`/staff?q=${encodeURIComponent(`\u202ezz-none-${'y'.repeat(200)}`)}`);
  await expect(
    sam.getByRole('status').getByText(`No account matches “zz-none-${'y'.repeat(92)}”.`),
  ).toBeFocused();
  await sam.goto('/staff?account=not-an-account');
  await expect(queue.getByRole('article')).toHaveCount(25);
});

test('an out-of-sync wave pages 25 at a time like the other lists: every account reachable, the count true', async ({
  agent: { page },
}) => {
  const {
    accounts: [wave],
  } = await createCustomer([{ name: `Sync Wave ${uniqueId()}` }]);
  const task = (...args: string[]) =>
    runTsx('e2e/support/db-task.ts', args, { DATABASE_URL: E2E.databaseUrl });
  expect(task('sync-issues', wave.number, '30')).toBe('30');
  try {
    const out = page.getByRole('region', { name: /^Out of sync with the switch \(\d+\)$/ });
    const ours = out.getByRole('article', { name: literally(accountLabel(wave)) });
    const later = page
      .getByRole('navigation', { name: 'Out-of-sync account pages' })
      .getByRole('link', { name: 'Later out-of-sync accounts' });
    // Later pages by their link, to the end: every open issue once, ours (found last) among them. The
    // other worker's journeys open and resolve issues of their own meanwhile, which moves the count
    // under a walk: a walk that met one is walked again from the start.
    await expect(async () => {
      await page.goto('/staff');
      const total = Number((await out.getByRole('heading', { level: 2 }).innerText()).match(/\((\d+)\)/)![1]);
      expect(total).toBeGreaterThanOrEqual(30);
      await expect(out.getByRole('article')).toHaveCount(25);
      await expect(out).toContainText(`Showing the oldest 25.`);
      let seen = await out.getByRole('article').count();
      let mine = await ours.count();
      while ((await later.count()) > 0) {
        const next = new URL((await later.getAttribute('href'))!, page.url()).toString();
        await later.click();
        await expect(page).toHaveURL(next);
        seen += await out.getByRole('article').count();
        mine += await ours.count();
      }
      expect(mine).toBe(30);
      expect(seen).toBe(total);
    }).toPass({ timeout: 60_000 });
    await expectAccessible(page);
  } finally {
    task('resolve-sync-issues', wave.number);
  }
});

test('the agent works the queue, approves after the callback, and the switch lifts the block', async ({
  browser,
}) => {
  const { user: danaUser, labs, request: first } = await labsWithRequest(browser);
  const labsItem = literally(accountLabel(labs));
  const [, sam] = await newPage(browser);
  await signInStaff(sam, samUser);
  await queueOfAccount(sam, labs);
  const item = sam.getByRole('article', { name: labsItem });
  await expect(item).toContainText('Somalia');
  await expect(item).toContainText(/Misdial hint: (Likely|Possibly) a misdial/);
  await expect(item).toContainText('(252) 611-2345');
  await expectAccessible(sam);

  await openRequest(sam, labsItem);
  await expect(sam.getByRole('link', { name: '+1 202 555 0143' })).toHaveAttribute(
    'href',
    'tel:+12025550143',
  );
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
  // The form is gone: the keyboard goes on from the outcome, not from the top of an unknown place.
  await expect(sam.getByText('You approved this request.')).toBeFocused();
  // Read once, as it takes the focus: not also as a change of the page's status region, which stays
  // mounted across the redirect back to this page.
  expect(await focusInLiveRegion(sam)).toBe(false);
  await expect
    .poll(async () => (await simAccount(labs.number)).internationalCalling, { timeout: 15_000 })
    .toBe('allowed');
  await expect(sam.getByText('Block: Lifted')).toBeVisible();

  const [, dana] = await newPage(browser);
  await signIn(dana, danaUser);
  await expect(region(dana, labs).getByText('International calling allowed')).toBeVisible();
});

test('a denial keeps the block and shows the customer the reason', async ({ browser }) => {
  const {
    user: omarUser,
    accounts: [harbor],
  } = await createCustomer([HARBOR]);
  const harborItem = literally(accountLabel(harbor));
  const [, omar] = await newPage(browser);
  await signIn(omar, omarUser);
  await region(omar, harbor).getByRole('link', { name: 'See why and fix it' }).click();
  await expect(omar).toHaveURL(/\/blocks\/\w+$/);
  const blockUrl = omar.url();
  await omar.getByRole('link', { name: 'This was a misdial' }).click();
  await omar.getByRole('checkbox').first().check(); // of several calls, none comes ticked
  await omar.getByLabel('Number you meant to dial').fill('01481 712345');
  await omar.getByLabel('What happened?').fill('I think our dispatcher misdialled a supplier in Guernsey.');
  await omar.getByLabel('Callback phone').fill('+44 20 7946 0018');
  await omar.getByRole('button', { name: 'Request unblock' }).click();
  await expect(omar.getByText('Pending: support will call you back')).toBeVisible();

  const [, sam] = await newPage(browser);
  await signInStaff(sam, await createStaff('agent'));
  await queueOfAccount(sam, harbor);
  await expect(sam.getByRole('article', { name: harborItem })).toContainText(
    'Against: The calls came from an internet address in a known fraud hotspot',
  );
  await openRequest(sam, harborItem);
  const reason =
    'The calls came from an address in a known fraud hotspot, not from your office. Please change the PBX trunk password.';
  await sam.getByRole('radio', { name: 'I called and spoke with the account holder' }).check();
  await sam.getByLabel('Reason for the customer').fill(reason);
  await sam.getByRole('button', { name: 'Deny', exact: true }).click();
  await expect(sam.getByText('You denied this request.')).toBeVisible();

  await omar.goto(blockUrl);
  await expect(omar.getByText('Denied', { exact: true })).toBeVisible();
  await expect(omar.getByText(`Reason from support: ${reason}`)).toBeVisible();
  expect((await simAccount(harbor.number)).internationalCalling).toBe('blocked');
});

test('two agents approve the same request at once: one wins, the other is told, the switch lifts once', async ({
  browser,
}) => {
  const { labs, request: race } = await labsWithRequest(browser);

  const agents: Page[] = [];
  const staff = [await createStaff('agent'), await createStaff('admin')];
  for (const who of staff) {
    const [, p] = await newPage(browser);
    await signInStaff(p, who);
    await p.goto(`/staff/requests/${race.id}`);
    await fillApproval(p);
    agents.push(p);
  }
  const before = await changesOf(labs.number);
  await Promise.all(agents.map((p) => p.getByRole('button', { name: 'Approve and lift block' }).click()));
  const outcome = /You approved this request|has already approved this request/;
  for (const p of agents) await expect(p.getByText(outcome).first()).toBeVisible();
  const won = await Promise.all(agents.map((p) => p.getByText('You approved this request.').count()));
  expect(won.reduce((a, b) => a + b, 0)).toBe(1);
  const loser = agents[won.indexOf(0)];
  // The loser reads who decided, and that nothing of theirs was applied.
  await expect(
    loser.getByText(
      `${staff[won.indexOf(1)].email} has already approved this request. Nothing was changed and nothing was sent to the switch or the customer.`,
      { exact: false },
    ),
  ).toBeVisible();

  await expect
    .poll(async () => (await simAccount(labs.number)).internationalCalling, { timeout: 15_000 })
    .toBe('allowed');
  await new Promise((r) => setTimeout(r, 2500)); // a second lift, if there were one, would have arrived by now
  expect(await changesOf(labs.number)).toBe(before + 1);
  expect(liftsFor(race.blockId)).toBe(1);
  expect(requestStatus(race.id)).toBe('approved');
});

test('the agent who loses a decision sees the request as it now is, still told who decided, without a reload', async ({
  browser,
  agent,
  admin,
}) => {
  const { user: dana, labs, request } = await labsWithRequest(browser);
  for (const { page } of [agent, admin]) await page.goto(`/staff/requests/${request.id}`);
  const a = agent.page;
  const b = admin.page;
  // Each decision button keeps its name (CONTRACTS §6) and is described by the account and the customer;
  // Approve, here for a request whose customer marked 1 of its calls, then by what the approval
  // would leave unexplained (B8, 2026-12-08).
  const subject = `^${literally(`These decisions apply to ${labs.name} (${labs.number}), asked by `).source}.*${literally(`(${dana.email}).`).source}`;
  await expect(b.getByRole('button', { name: 'Deny', exact: true })).toHaveAccessibleDescription(
    new RegExp(`${subject}$`),
  );
  await expect(
    b.getByRole('button', { name: 'Approve and lift block', exact: true }),
  ).toHaveAccessibleDescription(new RegExp(`${subject} The customer marked 1 of the \\d+ calls`));
  await expectAccessible(b);
  const reason = 'We could not confirm this was a misdial on the callback; please rotate the passwords.';
  await b.getByRole('radio', { name: 'I called and spoke with the account holder' }).check();
  await b.getByLabel('Reason for the customer').fill(reason);
  // B marks the window (a reload would lose the mark) and keeps the deny form's live region as an element.
  await b.evaluate(() => ((window as unknown as { kept: boolean }).kept = true));
  const region = await b.locator('#deny-message').elementHandle();

  await fillApproval(a);
  await a.getByRole('button', { name: 'Approve and lift block' }).click();
  await expect(a.getByText('You approved this request.')).toBeVisible();

  await b.getByRole('button', { name: 'Deny', exact: true }).click();
  const refusal = `${agent.user.email} has already approved this request. Nothing was changed and nothing was sent to the switch or the customer. This page now shows where it stands.`;
  await expect(b.getByText(refusal)).toBeVisible();
  // The page shows the request as it now is: approved, by whom, when; no decision is offered again.
  await expect(
    b.getByText(new RegExp(`^Request: Approved by ${literally(agent.user.email).source} on .+ · Block: `)),
  ).toBeVisible();
  await expect(b.getByRole('button', { name: 'Deny', exact: true })).toHaveCount(0);
  await expect(b.getByRole('button', { name: 'Approve and lift block' })).toHaveCount(0);
  await expect(b.getByLabel('Reason for the customer')).toHaveCount(0);
  // The Deny button that had the focus is gone: the section's heading has it, not <body>.
  await expect(b.getByRole('heading', { name: 'Decision', exact: true })).toBeFocused();
  // No reload: the same document, and the refusal arrived in the same live region element, which a
  // screen reader therefore announces (a region inserted together with its words often is not).
  expect(await b.evaluate(() => (window as unknown as { kept?: boolean }).kept)).toBe(true);
  expect(await region!.evaluate((el) => el.isConnected && el.getAttribute('aria-live'))).toBe('polite');
  expect(await region!.evaluate((el) => el.textContent)).toBe(refusal);
  await expectAccessible(b);
  expect(requestStatus(request.id)).toBe('approved');
  expect(
    query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM "AuditLog" WHERE action = 'request.decision_conflict' AND "targetId" = ?`,
      request.id,
    )[0].n,
  ).toBe(1);
});

let manualLabs: TestAccount;

test('support places a manual block and lifts it, each shown only once the switch confirms', async ({
  browser,
}) => {
  const {
    user: danaUser,
    accounts: [labs],
  } = await createCustomer([LABS]);
  manualLabs = labs; // the audit-log journey below filters by it
  const [, sam] = await newPage(browser);
  await signInStaff(sam, samUser);
  await sam
    .getByLabel('Account number, company, member name or email, or SIP username')
    .fill(labs.credentials[0].username.toUpperCase());
  await sam.getByRole('button', { name: 'Search' }).click();
  await sam.getByRole('link', { name: accountLabel(labs) }).click();
  await expect(sam.getByRole('heading', { level: 1, name: accountLabel(labs) })).toBeVisible();
  await expectAccessible(sam);

  await sam
    .getByLabel('Note', { exact: true })
    .fill('Customer asked us to block while they audit their lab PBX.');
  await sam.getByRole('button', { name: 'Block international calling' }).click();
  // The refreshed page shows the block on its way, and no form to place one; the answer stays under
  // the section's heading, which has the focus (the button is gone): not <body>, and outside the live
  // region that says the answer (review: the answer went with the form, and the focus too).
  const place = sam.getByRole('region', { name: 'Block international calling' });
  await expect(place.getByText(/^On its way to the switch\. The block is in force once/)).toBeVisible();
  await expect(place.getByRole('heading', { name: 'Block international calling' })).toBeFocused();
  expect(await focusInLiveRegion(sam)).toBe(false);
  await expect(place.getByLabel('Note', { exact: true })).toHaveCount(0);
  await expect(
    sam.getByRole('status').getByText('International calling blocked', { exact: true }),
  ).toBeVisible({ timeout: 15_000 });
  expect((await simAccount(labs.number)).internationalCalling).toBe('blocked');
  // Gone once the page, refreshing itself, shows the switch's confirmation ("On its way" stood beside
  // "In force", tester, session 42), and the section with it: the focus goes to the heading before.
  await expect(sam.getByText(/^On its way to the switch\./)).toHaveCount(0);
  await expect(sam.getByRole('heading', { name: 'Block international calling' })).toHaveCount(0);
  await expect(sam.getByRole('heading', { level: 1, name: accountLabel(labs) })).toBeFocused();

  const [, dana] = await newPage(browser);
  await signIn(dana, danaUser);
  const labsRegion = region(dana, labs);
  await expect(labsRegion.getByText('International calling blocked')).toBeVisible();
  await labsRegion.getByRole('link', { name: 'See why and fix it' }).click();
  await expect(dana.getByText('Block placed by support')).toBeVisible();
  await expect(dana.getByRole('link', { name: 'This was a misdial' })).toHaveCount(0);

  const manual = sam.getByRole('article', { name: /Manual \(placed by support\)/ });
  await manual
    .getByLabel('Note', { exact: true })
    .fill('Audit finished; the PBX now only accepts our addresses.');
  await manual.getByRole('button', { name: 'Lift block' }).click();
  // The status reads "blocked" before and after (a lift on its way is still a block in force): the
  // answer under the block is what says it, and the block's heading has the focus.
  await expect(manual.getByText(/^Lift on its way to the switch\./)).toBeVisible();
  await expect(manual.getByRole('heading')).toBeFocused();
  expect(await focusInLiveRegion(sam)).toBe(false);
  await expect(manual.getByRole('button', { name: 'Lift block' })).toHaveCount(0);
  await expect(
    sam.getByRole('status').getByText('International calling allowed', { exact: true }),
  ).toBeVisible({ timeout: 15_000 });
  expect((await simAccount(labs.number)).internationalCalling).toBe('allowed');
  // Gone once the page shows the lift confirmed; the block's heading keeps the focus.
  await expect(manual.getByText(/^Lift on its way to the switch\./)).toHaveCount(0);
  await expect(manual.getByRole('heading')).toBeFocused();
  // A block can be placed again: the form is offered afresh, without the earlier answer.
  await expect(place.getByLabel('Note', { exact: true })).toBeVisible();
  await expect(place.getByText(/On its way to the switch/)).toHaveCount(0);
  await expectAccessible(sam);
});

test('the audit log shows decisions and manual actions, filterable by account, actor and action', async ({
  browser,
}) => {
  const [, sam] = await newPage(browser);
  await signInStaff(sam, samUser);
  await sam.goto('/staff/audit');
  await expectAccessible(sam);
  await sam.getByLabel('Account number').fill(manualLabs.number);
  await sam.getByLabel('Actor email').fill(samUser.email);
  await sam.getByLabel('Action', { exact: true }).selectOption('block.place_requested');
  await sam.getByRole('button', { name: 'Filter' }).click();
  const rows = sam.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(2); // header + one entry
  // The page's first sentence answers the filter and has the keyboard focus.
  await expect(sam.getByText('1 entry matches these filters on this page.')).toBeFocused();
  await expect(rows.nth(1)).toContainText('audit their lab PBX');
  // The action by its name for people, with the code logs and docs use.
  await expect(rows.nth(1).getByRole('cell').nth(1)).toHaveText('Block requestedblock.place_requested');
  await expect(sam.getByLabel('Action', { exact: true }).locator('option:checked')).toHaveText(
    'Block requested (block.place_requested)',
  );
  // The agent's approvals in this file were on other customers' accounts: filter by actor and action.
  await sam.getByLabel('Account number').fill('');
  await sam.getByLabel('Action', { exact: true }).selectOption('request.approved');
  await sam.getByRole('button', { name: 'Filter' }).click();
  const approvals = query(
    `SELECT id FROM "AuditLog" WHERE action = 'request.approved' AND "actorEmail" = ?`,
    samUser.email,
  ).length;
  expect(approvals).toBeGreaterThanOrEqual(1);
  await expect(rows).toHaveCount(1 + approvals);
  await expect(sam.getByRole('status').getByText(/match(es)? these filters on this page/)).toBeFocused();
  // The detail in words: each label, then its value (lib/staff/audit-detail.ts), not the stored JSON.
  await expect(rows.nth(1).getByRole('cell').last()).toContainText('Spoke with the account holderyes');
  await expect(rows.nth(1)).not.toContainText('attestedCallback');
});

test('an admin creates, re-roles and disables a staff login; agents cannot manage staff', async ({
  browser,
}) => {
  const [, sam] = await newPage(browser);
  await signInStaff(sam, await createStaff('agent'));
  expect((await sam.goto('/staff/users'))?.status()).toBe(404);

  const [, alex] = await newPage(browser);
  await signInStaff(alex, await createStaff('admin'));
  const rileyEmail = `riley-${uniqueId()}@tollgate.example`;
  await alex.getByRole('link', { name: 'Staff logins' }).click();
  // This page's own title, not the queue's still in place: axe once ran in the moment Next swapped
  // the streamed <title> after this client navigation, and found none (CI133, document-title).
  await expect(alex).toHaveTitle(/Staff logins/);
  await expectAccessible(alex);
  await alex.getByLabel('Email', { exact: true }).fill(rileyEmail);
  // A refused form keeps the role chosen (review 13: the form's reset showed "agent" again, and the
  // corrected form created an agent).
  await alex.getByLabel('Role', { exact: true }).selectOption('admin');
  await alex.getByRole('button', { name: 'Create staff login' }).click();
  await expect(alex.locator('#name-error')).toBeVisible();
  await expect(alex.getByLabel('Role', { exact: true })).toHaveValue('admin');
  await alex.getByLabel('Role', { exact: true }).selectOption('agent');
  await alex.getByLabel('Name', { exact: true }).fill('Riley Moss');
  await alex.getByRole('button', { name: 'Create staff login' }).click();
  await expect(alex.getByTestId('initial-password')).toHaveText(/^.{20}$/);
  const password = (await alex.getByTestId('initial-password').textContent())!;

  // Riley signs in and must set up a second factor before seeing anything.
  const [, riley] = await newPage(browser);
  await signIn(riley, { email: rileyEmail, password }, '/staff');
  await expect(riley).toHaveURL(/\/security\/two-factor/);

  await alex.reload();
  await alex.getByRole('combobox', { name: `Role of ${rileyEmail}` }).selectOption('admin');
  // Every change to a staff login asks why (since 2026-12-05): sent without one, refused at the field,
  // which says so to a screen reader, and the role chosen stays.
  await alex.getByRole('button', { name: `Change role of ${rileyEmail}` }).click();
  const roleReason = alex.getByLabel(`Reason to change the role of ${rileyEmail}`, { exact: true });
  await expect(roleReason).toHaveAttribute('aria-invalid', 'true');
  await expect(roleReason).toHaveAccessibleDescription(/Give a reason of at least 5 characters/);
  await expect(alex.getByRole('combobox', { name: `Role of ${rileyEmail}` })).toHaveValue('admin');
  // Each reason's hint is worded for a staff login, not borrowed from the customer-login forms
  // ("the customer's call, or the address it was used from": tester, staff console).
  for (const label of [
    `Reason to change the role of ${rileyEmail}`,
    `Reason to disable ${rileyEmail}`,
    `Reason to reset two-factor authentication of ${rileyEmail}`,
  ]) {
    const reason = alex.getByLabel(label, { exact: true });
    await expect(reason).toHaveAccessibleDescription(/team lead’s request, or a ticket number/);
    await expect(reason).not.toHaveAccessibleDescription(/customer/);
  }
  await roleReason.fill('Runs the night shift from now on');
  await alex.getByRole('button', { name: `Change role of ${rileyEmail}` }).click();
  await expect(alex.getByText(`${rileyEmail} is now admin.`)).toBeVisible();
  // The list shows the new role (review 13: the form's reset put back the role the page was loaded with).
  await expect(alex.getByRole('combobox', { name: `Role of ${rileyEmail}` })).toHaveValue('admin');
  await alex
    .getByLabel(`Reason to disable ${rileyEmail}`, { exact: true })
    .fill('Laptop stolen on the train');
  await alex.getByRole('button', { name: `Disable ${rileyEmail}` }).click();
  await expect(alex.getByText(literally(`${rileyEmail} is disabled; 1 session ended.`))).toBeVisible();
  // Enabling offers to remove the password, ticked at first (someone may hold the old one).
  await expect(
    alex.getByRole('checkbox', { name: `Also remove the portal password of ${rileyEmail}` }),
  ).toBeChecked();
  await expectAccessible(alex);

  await riley.goto('/staff');
  await expect(riley).toHaveURL(/\/sign-in/);
  const actions = query<{ action: string }>(
    `SELECT l.action FROM "AuditLog" l JOIN "User" u ON u.id = l."targetId" WHERE l.action LIKE 'staff_user.%' AND u.email = ? ORDER BY l.at`,
    rileyEmail,
  ).map((r) => r.action);
  expect(actions).toEqual(['staff_user.created', 'staff_user.role_changed', 'staff_user.disabled']);
  const reasons = query<{ detail: string }>(
    `SELECT l.detail FROM "AuditLog" l JOIN "User" u ON u.id = l."targetId" WHERE l.action IN ('staff_user.role_changed', 'staff_user.disabled') AND u.email = ? ORDER BY l.at`,
    rileyEmail,
  ).map((r) => (JSON.parse(r.detail) as { reason?: string }).reason);
  expect(reasons).toEqual(['Runs the night shift from now on', 'Laptop stolen on the train']);
});

test('an admin resets the second factor of an agent who lost it: a new first password, then enrolment', async ({
  browser,
}) => {
  const lost = await createStaff('agent');
  const [, agent] = await newPage(browser);
  await signInStaff(agent, lost);
  const [, alex] = await newPage(browser);
  await signInStaff(alex, await createStaff('admin'));
  await alex.goto('/staff/users');
  await alex
    .getByLabel(`Reason to reset two-factor authentication of ${lost.email}`, { exact: true })
    .fill('Lost phone and codes; called back on the number on file');
  await alex.getByRole('button', { name: `Reset two-factor authentication of ${lost.email}` }).click();
  await expect(
    alex.getByText(`${lost.email}: two-factor authentication reset and 1 session ended.`, { exact: false }),
  ).toBeVisible();
  const shown = alex.getByTestId(/^reset-password-/);
  await expect(shown).toHaveText(/^.{20}$/);
  const password = (await shown.textContent())!;
  await expectAccessible(alex);

  // The agent's session ended; the old password no longer signs in; the new one leads to enrolment.
  await agent.goto('/staff');
  await expect(agent).toHaveURL(/\/sign-in/);
  await agent.getByLabel('Email', { exact: true }).fill(lost.email);
  await agent.getByLabel('Password', { exact: true }).fill(lost.password);
  await submitAndWait(agent);
  await expect(agent.locator('#sign-in-message')).toContainText('The email or password is not correct.');
  const [, again] = await newPage(browser);
  await signIn(again, { email: lost.email, password }, '/staff');
  await expect(again).toHaveURL(/\/security\/two-factor/);
  const actions = query<{ action: string }>(
    `SELECT l.action FROM "AuditLog" l JOIN "User" u ON u.id = l."targetId" WHERE l.action LIKE 'staff_user.%' AND u.email = ? ORDER BY l.at`,
    lost.email,
  ).map((r) => r.action);
  expect(actions).toEqual(['staff_user.second_factor_reset']);
  // The agent is told by mail that support reset it (someone may have asked in their name).
  expect(
    query(
      `SELECT 1 FROM "MailMessage" WHERE "to" = ? AND template = 'security_change' AND payload LIKE '%mfa_reset_by_support%'`,
      lost.email,
    ),
  ).toHaveLength(1);
});

test('a customer may turn on two-factor too, and is then asked for the code at every sign-in', async ({
  browser,
}) => {
  const {
    user: omarUser,
    accounts: [harbor],
  } = await createCustomer([HARBOR]);
  const [, omar] = await newPage(browser);
  await signIn(omar, omarUser);
  await omar.getByRole('link', { name: 'Your login' }).click();
  await omar.getByRole('link', { name: 'Set up two-factor authentication' }).click();
  await expect(omar.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await expectAccessible(omar);
  const secret = (await omar.locator('main code').textContent())!.trim();
  // Someone in a session of the login must also read its mailbox (review, session 35): a code is mailed.
  const mailed = await emailedEnrolmentCode(omar, omarUser.email);
  await expectAccessible(omar);
  await omar.getByLabel('Code from the email').fill(mailed === '000 000' ? '111 111' : '000 000');
  await omar.getByLabel('Code from your authenticator app').fill(await totpNow(secret));
  await omar.getByRole('button', { name: 'Verify' }).click();
  const wrong = 'That is not the code we emailed. Check the latest email and try again.';
  await expect(omar.locator('#code-mail-error')).toHaveText(wrong);
  await expect(omar.getByLabel('Code from the email')).toBeFocused();
  await expectAccessible(omar);
  // The emailed code right, the app's code mistyped: refused at the app's field, the emailed code kept.
  await omar.getByLabel('Code from the email').fill(mailed);
  await omar.getByLabel('Code from your authenticator app').fill('12 34');
  await omar.getByRole('button', { name: 'Verify' }).click();
  await expect(omar.locator('#code-error')).toHaveText(
    'Enter the 6-digit code your app shows (spaces and dashes are fine).',
  );
  await expect(omar.getByLabel('Code from the email')).toHaveValue(mailed);
  await omar.getByLabel('Code from your authenticator app').fill(await totpNow(secret));
  await omar.getByRole('button', { name: 'Verify' }).click();
  await expect(omar.getByText('Two-factor authentication is on.')).toBeFocused();
  // The enrolment's new session cookie re-renders the page: the codes shown once stay on screen, and
  // the new session (a new token: the one before the code is gone) carries on signed in.
  await expect(omar.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await omar.getByRole('link', { name: 'Continue' }).click();
  await expect(omar).toHaveURL(/\/profile$/);
  await expect(omar.getByText('Two-factor authentication is on: signing in asks for a code')).toBeVisible();
  // Told by mail (review, session 35: someone in a session of theirs could turn it on unheard).
  const alert = await waitForMail(
    omarUser.email,
    /^Two-factor authentication was turned on for your .*login$/,
  );
  expect(alert.text).toContain('If it was not you, someone else signed in to your login');

  const [, again] = await newPage(browser);
  await signIn(again, omarUser);
  await expect(again).toHaveURL(/\/security\/verify/);
  await again.goto(`/blocks/${harbor.blockId}`);
  await expect(again).toHaveURL(/\/security\/verify/);
  await again.getByLabel('Authentication code').fill(await totpNow(secret));
  await again.getByRole('button', { name: 'Verify' }).click();
  await expect(
    again.getByRole('heading', { name: new RegExp(`International calling blocked on ${harbor.name}`) }),
  ).toBeVisible(); // back where it was going
});

test('search ignores accents, and a damaged page link says so and shows the first page', async ({
  browser,
}) => {
  const {
    accounts: [clinic],
  } = await createCustomer([{ ...LABS, name: 'Clínica Dental Peñalara' }]);
  const [, agent] = await newPage(browser);
  await signInStaff(agent, await createStaff('agent'));
  await agent.getByLabel('Account number, company, member name or email, or SIP username').fill('penalara');
  await agent.getByRole('button', { name: 'Search' }).click();
  await expect(agent.getByRole('link', { name: accountLabel(clinic) })).toBeVisible();

  await agent.goto(`/staff?q=penalara&searchAfter=${encodeURIComponent('not-a-cursor')}`);
  await expect(agent.getByRole('status').filter({ hasText: 'That page link is damaged' })).toBeVisible();
  await expect(agent.getByRole('link', { name: accountLabel(clinic) })).toBeVisible();
  await expectAccessible(agent);

  const audit = await agent.goto('/staff/audit?before=AAAA');
  expect(audit?.status()).toBe(200);
  await expect(agent.getByRole('status').filter({ hasText: 'That page link is damaged' })).toBeVisible();
  await expect(agent.getByRole('table').getByRole('row').nth(1)).toBeVisible();
});
