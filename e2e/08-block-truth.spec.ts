import type { Page } from '@playwright/test';
import { query } from './support/db';
import { expect, expectAccessible, signIn, test } from './support/fixtures';
import { clearFaults, putSwitchAccount, setFaults, sim, simAccount } from './support/sim';
import { createCustomer, createMisdial, literally, uniqueId } from './support/factories';
import { E2E } from './support/env';
import { runTsx } from './support/tsx';
import { withoutHasSelector } from './support/no-has';
import { blockPlacedEvent, postBlockLifted, postBlockPlaced, postSwitchEvent } from './support/switch-events';

// Issue 10's inputs in Chromium, against the simulated switch: the portal never shows a state the
// switch does not have. Each scenario has its own account (e2e/support/seed.ts), held by one customer.

test.describe.configure({ mode: 'serial' });

const TRUTH = { email: 'truth@e2e.example', password: 'e2e-truth-password-2026' };

/**
 * The account on the simulated switch. A blocked one says it was blocked `blockedAt`: the time of the
 * test's first block.placed, as a real switch's account and event agree. The reconciler (every 3 s
 * here) may read the account before that event lands: it then shows the switch's block, and the event
 * joins it (lib/blocks/lifecycle.ts, attachToFound) at the switch's time; with the provisioning time
 * instead, that block read as newer than the test's later ones.
 */
async function provision(number: string, state: 'blocked' | 'allowed', blockedAt?: Date) {
  const lower = number.toLowerCase();
  await putSwitchAccount(
    number,
    state,
    [
      { username: `${lower}-desk`, password: 'old-desk-pass' },
      { username: `${lower}-pbx`, password: 'old-pbx-pass' },
    ],
    blockedAt?.toISOString(),
  );
}

/** What the switch posts to the portal (CONTRACTS §4), signed, with the time of the change on the switch. */
const post = (type: 'block.placed' | 'block.lifted', number: string, at: Date) =>
  type === 'block.placed'
    ? postBlockPlaced(
        number,
        [{ from: `${number.toLowerCase()}-desk`, to: '+252611234567', sourceIp: '185.220.101.47' }],
        { at },
      )
    : postBlockLifted(number, at);

const blockOfEvent = (eventId: string) =>
  query<{ id: string; status: string }>(
    `SELECT id, status FROM "Block" WHERE "sourceEventId" = ?`,
    eventId,
  )[0];
const accountStatus = (page: Page, name: string) => page.getByRole('region', { name: new RegExp(name) });

async function fileMisdial(page: Page, blockId: string) {
  await page.goto(`/blocks/${blockId}`);
  await page.getByRole('link', { name: 'This was a misdial' }).click();
  await page.getByLabel('Number you meant to dial').fill('+1 252 611 2345');
  await page
    .getByLabel('What happened?')
    .fill('Our receptionist typed 00252 instead of 1-252 for a supplier in North Carolina.');
  await page.getByLabel('Callback phone').fill('+1 202 555 0143');
  await page.getByRole('button', { name: 'Request unblock' }).click();
  await expect(page.getByText('Pending: support will call you back')).toBeVisible();
  return query<{ id: string }>(
    `SELECT id FROM "UnblockRequest" WHERE "blockId" = ? AND status = 'pending'`,
    blockId,
  )[0].id;
}

async function approve(page: Page, requestId: string) {
  await page.goto(`/staff/requests/${requestId}`);
  await page.getByRole('checkbox', { name: 'I spoke with the account holder' }).check();
  await page.getByLabel('Note', { exact: true }).fill('Called back; the receptionist confirmed the typo.');
  await page.getByRole('button', { name: 'Approve and lift block' }).click();
}

test('lift in flight: a block placed while the switch answers the lift wins, and staff see it out of sync', async ({
  browser,
  agent: staff,
}) => {
  const firstAt = new Date(Date.now() - 120_000);
  await provision('ACC-8001', 'blocked', firstAt);
  const first = blockOfEvent(await post('block.placed', 'ACC-8001', firstAt));
  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, TRUTH);
  const requestId = await fileMisdial(customer, first.id);

  const agent = staff.page;
  await sim('/_sim/requests', { method: 'DELETE' });
  // As soon as the lift has reached the switch, before the switch applies it, its fraud monitoring
  // blocks the account again: the simulator places that block inside the lift's call (fraudNext),
  // where a 1.5 s delay and a block posted from here raced it (CI195 lost the race on a busy machine).
  await setFaults('ACC-8001', { fraudNext: 1, fraudTo: '+252611234567', method: 'PUT' });
  await approve(agent, requestId);
  await expect
    .poll(
      async () =>
        (
          await sim<{ requests: { path: string; method: string; fault: string | null }[] }>('/_sim/requests')
        ).requests.some((r) => r.method === 'PUT' && r.path.includes('ACC-8001') && r.fault === 'fraud'),
      { timeout: 10_000 },
    )
    .toBe(true);
  await clearFaults('ACC-8001');
  const placed = {
    event: (
      await sim<{ events: { id: string; type: string; accountNumber: string }[] }>('/_sim/events')
    ).events.findLast((e) => e.type === 'block.placed' && e.accountNumber === 'ACC-8001')!,
  };
  expect(placed.event).toBeDefined();

  // Staff are told (the lift undid the new block on the switch), and the block is placed again.
  const out = agent.getByRole('region', { name: /Out of sync with the switch/ });
  await expect(async () => {
    await agent.goto('/staff');
    await expect(out.getByRole('article', { name: /Truth Inflight Co \(ACC-8001\)/ })).toBeVisible({
      timeout: 1000,
    });
  }).toPass({ timeout: 30_000 });
  await expect(out.getByRole('article', { name: /ACC-8001/ }).getByText(/switch said allowed/)).toBeVisible();
  await expect
    .poll(
      () =>
        query(`SELECT id FROM "SwitchOperation" WHERE "accountNumber" = 'ACC-8001' AND status = 'pending'`)
          .length,
      { timeout: 30_000 },
    )
    .toBe(0);
  // After both settle: blocked on the switch, blocked in the portal.
  expect((await simAccount('ACC-8001')).internationalCalling).toBe('blocked');
  expect(blockOfEvent(placed.event.id).status).toBe('active');
  await customer.goto('/');
  await expect(
    accountStatus(customer, 'Truth Inflight Co').getByText('International calling blocked'),
  ).toBeVisible();
  await expectAccessible(agent);
  // Two entries resolved one after the other: ACC-8001's while another account's is open, then that
  // one, the last open entry when no other journey has one open (run alone, it is).
  const {
    accounts: [other],
  } = await createCustomer([{ name: `Truth Other Sync ${uniqueId()}` }]);
  const task = (...args: string[]) =>
    runTsx('e2e/support/db-task.ts', args, { DATABASE_URL: E2E.databaseUrl });
  expect(task('sync-issues', other.number, '1')).toBe('1');
  const resolved = async (name: RegExp, note: string) => {
    const entry = out.getByRole('article', { name });
    await entry.getByLabel('Note', { exact: true }).fill(note);
    await entry.getByRole('button', { name: 'Mark resolved' }).click();
    // The refreshed page no longer lists it, but the entry stays with its answer, and its heading has
    // the focus: not <body>, and outside the live region that says the answer (review: the answer went
    // with the entry, and the focus too; after the last open entry, the whole section went).
    await expect(entry.getByText('Marked as resolved.', { exact: true })).toBeVisible();
    await expect(entry.getByRole('heading')).toBeFocused();
    expect(
      await agent.evaluate(
        () => !!document.activeElement?.closest('[aria-live]:not([aria-live="off"]), [role="status"]'),
      ),
    ).toBe(false);
    await expect(entry.getByRole('button', { name: 'Mark resolved' })).toHaveCount(0);
    await expectAccessible(agent);
  };
  const otherName = new RegExp(`\\(${other.number}\\)`);
  try {
    await resolved(/ACC-8001/, 'Checked with the switch team: the new block is real.');
    // Opened again, the other account's entry is listed (found a day from now, it may wait for a busy
    // journey's entries found before it to be resolved, to be on the first page).
    await expect(async () => {
      await agent.goto('/staff');
      await expect(out.getByRole('article', { name: otherName })).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await expect(agent.getByRole('article', { name: /ACC-8001/ })).toHaveCount(0);
    await resolved(otherName, 'Checked with the switch team: the switch had it right.');
    // Opened again: the entry is gone, and the section shows only while something is out of sync:
    // hidden, or listing other journeys' entries, never an empty list to an agent with nothing to do.
    await agent.reload();
    await expect(agent.getByRole('heading', { name: 'Support console', level: 1 })).toBeVisible();
    await expect(agent.getByRole('article', { name: otherName })).toHaveCount(0);
    await expect(out.filter({ hasNot: agent.getByRole('article') })).toHaveCount(0);
    // The same in a browser without CSS :has() (Firefox ESR 115), which showed an empty section.
    await withoutHasSelector(agent);
    await expect(out.filter({ hasNot: agent.getByRole('article') })).toHaveCount(0);
  } finally {
    task('resolve-sync-issues', other.number);
  }
});

// Review, session 40: "Mark resolved" kept its entry from the moment it was sent, whatever the answer.
// An entry refused for its empty note, then resolved by someone else, stayed after the next refresh
// with its form closed and the note's error gone with it: neither a button nor a word of why.
test('an out-of-sync entry refused for its empty note and resolved elsewhere goes with the next refresh', async ({
  agent: staff,
}) => {
  const {
    accounts: [refused, done],
  } = await createCustomer([{ name: `Sync Refused ${uniqueId()}` }, { name: `Sync Done ${uniqueId()}` }]);
  const task = (...args: string[]) =>
    runTsx('e2e/support/db-task.ts', args, { DATABASE_URL: E2E.databaseUrl });
  expect(task('sync-issues', refused.number, '1')).toBe('1');
  expect(task('sync-issues', done.number, '1')).toBe('1');
  const agent = staff.page;
  const out = agent.getByRole('region', { name: /Out of sync with the switch/ });
  const entryOf = (a: { number: string }) =>
    out.getByRole('article', { name: new RegExp(`\\(${a.number}\\)`) });
  try {
    // Found a day from now: listed once the busy journeys' entries found before them are resolved.
    await expect(async () => {
      await agent.goto('/staff');
      await expect(entryOf(done)).toBeVisible({ timeout: 1000 });
      await expect(entryOf(refused)).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await entryOf(refused).getByRole('button', { name: 'Mark resolved' }).click();
    await expect(
      entryOf(refused).getByText('Write what you checked and what you did, for the next person.'),
    ).toBeVisible();
    expect(task('resolve-sync-issues', refused.number)).toBe('1'); // another agent resolves it
    await entryOf(done).getByLabel('Note', { exact: true }).fill('Checked with the switch team.');
    await entryOf(done).getByRole('button', { name: 'Mark resolved' }).click();
    await expect(entryOf(done).getByText('Marked as resolved.', { exact: true })).toBeVisible();
    await expect(entryOf(done).getByRole('heading')).toBeFocused();
    await expect(entryOf(refused)).toHaveCount(0);
    await expectAccessible(agent);
  } finally {
    task('resolve-sync-issues', refused.number);
    task('resolve-sync-issues', done.number);
  }
});

test('late lift: a block.lifted dated before a newer block leaves the account blocked, with no "calling is back" email', async ({
  page,
}) => {
  const at10 = new Date(Date.now() - 60_000);
  await provision('ACC-8002', 'blocked', at10);
  const block = blockOfEvent(await post('block.placed', 'ACC-8002', at10));
  await post('block.lifted', 'ACC-8002', new Date(at10.getTime() - 3600_000));
  expect(
    blockOfEvent(
      query<{ sourceEventId: string }>(`SELECT "sourceEventId" FROM "Block" WHERE id = ?`, block.id)[0]
        .sourceEventId,
    ).status,
  ).toBe('active');
  expect(
    query(`SELECT id FROM "MailMessage" WHERE template = 'block_lifted' AND payload LIKE ?`, `%${block.id}%`),
  ).toHaveLength(0);
  await signIn(page, TRUTH);
  await expect(accountStatus(page, 'Truth Late Co').getByText('International calling blocked')).toBeVisible();
  expect((await simAccount('ACC-8002')).internationalCalling).toBe('blocked');
  // The customer reads the block page while the switch lifts the block for real: the open page says
  // so in its live region within seconds, without a reload, and so does the dashboard left open.
  const dashboard = await page.context().newPage();
  await dashboard.goto('/');
  // The account's own page too (it asks /api/version/accounts/{number}, as the dashboard does).
  const accountPage = await page.context().newPage();
  await accountPage.goto('/accounts/ACC-8002');
  await expect(
    accountStatus(accountPage, 'Truth Late Co').getByText('International calling blocked'),
  ).toBeVisible();
  // Each check of the open page is a short question (/api/version/…); it renders again (an RSC
  // request) only once the answer changed.
  const asked: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/version/')) asked.push(`version ${url.pathname}`);
    else if (r.headers()['rsc'] === '1') asked.push(`render ${url.pathname}`);
  });
  await page.goto(`/blocks/${block.id}`);
  await expect(page.getByRole('status').getByText('Blocked since')).toBeVisible();
  await sim('/_sim/accounts/ACC-8002', {
    method: 'PUT',
    body: { internationalCalling: 'allowed', credentials: [] },
  });
  await post('block.lifted', 'ACC-8002', new Date());
  await expect(page.getByRole('status').getByText('International calling allowed')).toBeVisible({
    timeout: 10_000,
  });
  await expect(
    accountStatus(dashboard, 'Truth Late Co').getByText('International calling allowed'),
  ).toBeVisible({ timeout: 10_000 });
  await expect(
    accountStatus(accountPage, 'Truth Late Co').getByText('International calling allowed'),
  ).toBeVisible({ timeout: 10_000 });
  // Asked first, and rendered only once the answer had changed.
  const firstRender = asked.indexOf(`render /blocks/${block.id}`);
  expect(firstRender).toBeGreaterThan(0);
  expect(new Set(asked.slice(0, firstRender))).toEqual(new Set([`version /api/version/blocks/${block.id}`]));
  // The question is the caller's own: another customer's block is not found, and a signed-out one is refused.
  const foreign = query<{ id: string }>(
    `SELECT b.id FROM "Block" b WHERE NOT EXISTS (SELECT 1 FROM "Membership" m JOIN "User" u ON u.id = m."userId"
      WHERE m."accountId" = b."accountId" AND u.email = ?) LIMIT 1`,
    TRUTH.email,
  )[0];
  expect((await page.request.get(`/api/version/blocks/${foreign.id}`)).status()).toBe(404);
  expect((await page.request.get(`/api/version/blocks/${block.id}`)).status()).toBe(200);
  const foreignAccount = query<{ number: string }>(
    `SELECT a.number FROM "CustomerAccount" a WHERE NOT EXISTS (SELECT 1 FROM "Membership" m JOIN "User" u
      ON u.id = m."userId" WHERE m."accountId" = a.id AND u.email = ?) LIMIT 1`,
    TRUTH.email,
  )[0];
  expect((await page.request.get(`/api/version/accounts/${foreignAccount.number}`)).status()).toBe(404);
  expect((await page.request.get('/api/version/accounts/ACC-8002')).status()).toBe(200);
  const stranger = await page.context().browser()!.newContext();
  const asStranger = await stranger.request.get(new URL(`/api/version/blocks/${block.id}`, page.url()).href);
  expect(asStranger.status()).toBe(401);
  const accountAsStranger = await stranger.request.get(
    new URL('/api/version/accounts/ACC-8002', page.url()).href,
  );
  expect(accountAsStranger.status()).toBe(401);
  await stranger.close();
});

test('two blocks, one review: the agent must decide the other block before anything is lifted', async ({
  browser,
  agent: staff,
}) => {
  const aAt = new Date(Date.now() - 120_000);
  await provision('ACC-8003', 'blocked', aAt);
  const a = blockOfEvent(await post('block.placed', 'ACC-8003', aAt));
  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, TRUTH);
  const requestId = await fileMisdial(customer, a.id);
  const b = blockOfEvent(await post('block.placed', 'ACC-8003', new Date(Date.now() - 30_000)));
  // The customer's dashboard says there are two, and opens the newest.
  await customer.goto('/');
  const card = accountStatus(customer, 'Truth Twoblock Co');
  await expect(card.getByText(/2 blocks are in force; the newest, which the link opens:/)).toBeVisible();
  await expect(card.getByRole('link', { name: 'See why and fix it' })).toHaveAttribute(
    'href',
    `/blocks/${b.id}`,
  );
  // The older block's page, where the customer filed the request, says the newer one is in force too:
  // its own steps alone do not bring international calling back.
  await customer.goto(`/blocks/${a.id}`);
  await expect(
    customer.getByRole('status').getByText(/Another block is in force on this account too/),
  ).toBeVisible();
  await customer.getByRole('link', { name: 'See the other block' }).click();
  await expect(customer).toHaveURL(new RegExp(`/blocks/${b.id}$`));
  await expect(
    customer.getByRole('status').getByText(/Another block is in force on this account too/),
  ).toBeVisible();

  const agent = staff.page;
  await approve(agent, requestId);
  await expect(agent.getByText(/1 other block in force/)).toBeVisible();
  expect(
    query<{ status: string }>(`SELECT status FROM "Block" WHERE id IN (?, ?)`, a.id, b.id).map(
      (r) => r.status,
    ),
  ).toEqual(['active', 'active']);
  expect(
    query<{ status: string }>(`SELECT status FROM "UnblockRequest" WHERE id = ?`, requestId)[0].status,
  ).toBe('pending');
  await expect(agent.getByRole('group', { name: 'Other blocks in force on this account' })).toBeVisible();
  await expectAccessible(agent);

  await agent.getByRole('checkbox', { name: /Also lift: High-risk destination/ }).check();
  await agent.getByRole('button', { name: 'Approve and lift block' }).click();
  await expect(agent).toHaveURL(/done=approved/);
  await expect
    .poll(async () => (await simAccount('ACC-8003')).internationalCalling, { timeout: 20_000 })
    .toBe('allowed');
  await customer.goto('/');
  await expect(
    accountStatus(customer, 'Truth Twoblock Co').getByText('International calling allowed'),
  ).toBeVisible();
});

test('manual block: the firewall request cannot be sent by URL, and nothing lifts it but support', async ({
  browser,
  agent: staff,
}) => {
  await provision('ACC-8004', 'allowed');
  const agent = staff.page;
  await agent.goto('/staff/accounts/ACC-8004');
  await agent.getByLabel('Note', { exact: true }).fill('The owner asked us to block while they travel.');
  await agent.getByRole('button', { name: 'Block international calling' }).click();
  await expect
    .poll(
      () =>
        query(
          `SELECT b.id FROM "Block" b JOIN "CustomerAccount" a ON a.id = b."accountId" WHERE a.number = 'ACC-8004' AND b.reason = 'manual'`,
        ).length,
      { timeout: 20_000 },
    )
    .toBe(1);
  const manual = query<{ id: string }>(
    `SELECT b.id FROM "Block" b JOIN "CustomerAccount" a ON a.id = b."accountId" WHERE a.number = 'ACC-8004'`,
  )[0];

  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, TRUTH);
  await customer.goto(`/blocks/${manual.id}`);
  await expect(customer.getByRole('link', { name: 'We have hardened our firewall' })).toHaveCount(0);
  await customer.goto(`/blocks/${manual.id}/firewall`);
  const checks = customer.getByRole('checkbox');
  for (let i = 0; i < (await checks.count()); i++) await checks.nth(i).check();
  await customer.getByLabel(/public IP/).fill('198.51.100.20');
  await customer.getByLabel('Callback phone').fill('+1 202 555 0143');
  await customer.getByRole('button', { name: 'Request unblock' }).click();
  await expect(customer.getByText(/placed by our support team/)).toBeVisible();
  expect(query(`SELECT id FROM "UnblockRequest" WHERE "blockId" = ?`, manual.id)).toHaveLength(0);
  expect((await simAccount('ACC-8004')).internationalCalling).toBe('blocked');
});

// Tester, with a fault on one account: the switch applied support's manual block at once but answered
// after the portal's time limit (SWITCH_API_TIMEOUT_MS, 2 s here), and the outbox re-sent it until an
// answer came in time. Meanwhile the customer's dashboard and account page read a green "International
// calling allowed", with the demo's "Simulate toll fraud" box, while calls abroad were already blocked.
test('a manual block the switch answers too late: the customer reads it coming, not “allowed”, then blocked once confirmed', async ({
  browser,
  agent: staff,
}) => {
  test.setTimeout(120_000);
  const {
    user,
    accounts: [a],
  } = await createCustomer([{ name: 'Late Answer Dental' }]);
  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, user);
  const card = customer.getByRole('region', { name: literally(a.name) });
  await expect(card.getByText('International calling allowed')).toBeVisible();
  await expect(card.getByRole('button', { name: 'Simulate toll fraud (demo)' })).toBeVisible();

  const op = () =>
    query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM "SwitchOperation" WHERE "accountNumber" = ? AND kind = 'block'`,
      a.number,
    )[0];
  // Only the PUT, applied at once and answered after 4 s: the reconciler's reads (every 3 s) pass.
  await setFaults(a.number, { applyLateMs: 4000, method: 'PUT' });
  try {
    const agent = staff.page;
    await agent.goto(`/staff/accounts/${a.number}`);
    await agent
      .getByLabel('Note', { exact: true })
      .fill('The owner asked us to block while they audit their PBX.');
    await agent.getByRole('button', { name: 'Block international calling' }).click();
    await expect.poll(async () => (await simAccount(a.number)).internationalCalling).toBe('blocked');
    await expect.poll(() => op()?.attempts ?? 0).toBeGreaterThan(0);
    // Nor does the agent's page say "allowed" meanwhile: only that the block is on its way.
    await agent.reload();
    const placing = agent
      .getByRole('status')
      .filter({ hasText: 'Block on its way to the switch: waiting for it to confirm' });
    await expect(placing).toBeVisible();
    await expect(placing).not.toContainText('International calling allowed');
    for (const path of ['/', `/accounts/${a.number}`]) {
      await customer.goto(path);
      const here = customer.getByRole('region', { name: literally(a.name) });
      await expect(
        here.getByText(
          'Support is blocking international calling on this account: waiting for our phone system to confirm.',
        ),
      ).toBeVisible();
      await expect(here.getByText('Calls abroad may already be blocked.')).toBeVisible();
      await expect(here.getByText(/International calling (allowed|blocked)/)).toHaveCount(0);
      await expect(here.getByRole('button', { name: 'Simulate toll fraud (demo)' })).toHaveCount(0);
      await expectAccessible(customer);
    }
    // Still on its way while the customer read it: nothing above came from a confirmation.
    expect(op()!.status).toBe('pending');
  } finally {
    await clearFaults(a.number);
  }
  // The next re-send is answered in time: the account page, following the switch by itself, shows the
  // block, and the dashboard too.
  await expect(card.getByText('International calling blocked')).toBeVisible({ timeout: 45_000 });
  await expect(card.getByText(/^Support is blocking international calling/)).toHaveCount(0);
  expect(op()!.status).toBe('done');
  await customer.goto('/');
  await expect(card.getByText('International calling blocked')).toBeVisible();
  await expect(card.getByText(/^Support is blocking international calling/)).toHaveCount(0);
});

// Review, session 33: a lift Tollgate withdrew itself (a new block arrived while it waited for the
// switch) read "Refused by the switch · the switch answered “superseded”": the switch refused nothing.
test('a new block withdraws a lift still waiting for the switch: staff read it withdrawn by Tollgate, not refused', async ({
  agent: staff,
}) => {
  const { accounts } = await createCustomer([
    {
      name: 'Withdrawn Lift Dental',
      block: { calls: [{ to: '+252611234567', sourceIp: '185.220.101.47' }] },
    },
  ]);
  const [a] = accounts;
  const agent = staff.page;
  await setFaults(a.number, { failNext: 1000, failStatus: 503 });
  try {
    await agent.goto(`/staff/accounts/${a.number}`);
    await agent
      .getByLabel('Note', { exact: true })
      .fill('The owner rotated every SIP password with us on the phone.');
    await agent.getByRole('button', { name: 'Lift block' }).click();
    await expect(agent.getByText(/^Lift on its way to the switch\./)).toBeVisible();
    const lift = () =>
      query<{ status: string; attempts: number }>(
        `SELECT status, attempts FROM "SwitchOperation" WHERE "accountNumber" = ? AND kind = 'lift'`,
        a.number,
      )[0];
    // Tried once and refused with a 503: it waits to be sent again.
    await expect.poll(() => lift()?.attempts ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(lift()!.status).toBe('pending');
    await postBlockPlaced(a.number, [
      { from: a.credentials[0].username, to: '+2693123456', sourceIp: '185.220.101.47' },
    ]);
    expect(lift()!.status).toBe('failed');
    await agent.goto(`/staff/accounts/${a.number}`);
    const changes = agent.getByRole('region', { name: 'Changes for the switch' });
    await expect(changes.getByText('Withdrawn by Tollgate')).toBeVisible();
    await expect(
      changes.getByText('Tollgate withdrew the change: the switch placed a new block on this account'),
    ).toBeVisible();
    await expect(agent.getByText('Refused by the switch')).toHaveCount(0);
    await expect(agent.getByText(/the switch answered/)).toHaveCount(0);
    await expect(agent.getByText('International calling blocked')).toBeVisible();
    await expectAccessible(agent);
  } finally {
    await clearFaults(a.number);
  }
});

// Review, session 33: after a refused manual block, a block the switch placed itself writes no
// change for the switch, so the refusal stayed the newest one and the heading read "The switch
// refused the last block (…). Nothing is in force." under "International calling blocked".
test('a block the switch places after support’s refused one: the heading does not say nothing is in force', async ({
  agent: staff,
}) => {
  const { accounts } = await createCustomer([{ name: 'Refused Then Blocked Labs' }]);
  const [a] = accounts;
  const agent = staff.page;
  // Only the PUT: the reconciler's GET of the account (every 3 s here) would otherwise take the fault.
  await setFaults(a.number, { failNext: 1, failStatus: 409, method: 'PUT' });
  try {
    await agent.goto(`/staff/accounts/${a.number}`);
    await agent.getByLabel('Note', { exact: true }).fill('The owner asked us to block while they travel.');
    await agent.getByRole('button', { name: 'Block international calling' }).click();
    await expect
      .poll(
        async () => {
          await agent.goto(`/staff/accounts/${a.number}`);
          return agent.getByText(/The switch refused the last block .*Nothing is in force\./).count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
  } finally {
    await clearFaults(a.number);
  }
  // The switch's fraud monitoring blocks the account: on the switch, then its event (not the event
  // alone, which the reconciler would rightly answer by placing the block on the switch again).
  await sim('/_sim/fraud', { method: 'POST', body: { accountNumber: a.number, to: '+252611234567' } });
  await agent.goto(`/staff/accounts/${a.number}`);
  await expect(agent.getByText('International calling blocked')).toBeVisible();
  await expect(agent.getByText(/Nothing is in force/)).toHaveCount(0);
  // Nothing to place while a block is in force: no "Block international calling" section, not even its
  // heading, also in a browser without CSS :has() (Firefox ESR 115), which showed the bare heading.
  const place = agent.getByRole('heading', { name: 'Block international calling' });
  await expect(place).toHaveCount(0);
  await withoutHasSelector(agent);
  await expect(place).toHaveCount(0);
});

// Review, session 33: the request page's "You approved this request… shows as lifted once the switch
// has confirmed it" came from the redirect's `?done=approved` alone, so it stayed on the page (and on
// its auto-refresh) after the switch refused the lift and the request went back to the queue.
test('an approval whose lift the switch refuses: the request page says so, not “You approved”', async ({
  agent: staff,
}) => {
  const { user, accounts } = await createCustomer([
    { name: 'Refused Lift Optics', block: { calls: [{ to: '+252611234567', sourceIp: '185.220.101.47' }] } },
  ]);
  const [a] = accounts;
  const { id } = await createMisdial(user, a, {
    intendedNumber: '+1 252 611 2345',
    whatHappened: 'Our receptionist typed 00252 instead of 1-252 for a supplier in North Carolina.',
    callbackPhone: '+1 202 555 0143',
  });
  const agent = staff.page;
  const undone = /The lift you approved did not take effect/;
  const liveAround = (el: Element) =>
    !!el.closest('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]');
  // The switch fails the lift (503) until the page has opened on "You approved" with its lift on its
  // way, then refuses it (409) while the agent is on the page.
  await setFaults(a.number, { failNext: 1000, failStatus: 503, method: 'PUT' });
  try {
    await approve(agent, id);
    await expect(agent).toHaveURL(/done=approved/);
    const approved = agent.getByText('You approved this request', { exact: false });
    await expect(approved).toBeFocused();
    expect(await approved.evaluate(liveAround)).toBe(false);
    await setFaults(a.number, { failNext: 1, failStatus: 409, method: 'PUT' });
    await expect
      .poll(
        () => query<{ status: string }>(`SELECT status FROM "UnblockRequest" WHERE id = ?`, id)[0].status,
        { timeout: 30_000 },
      )
      .toBe('pending');
    // The page refreshes itself: the notice now says the lift did not take effect, and says it once,
    // through a live region inside the notice (review, session 40: outside every live region, nothing
    // read it out), which keeps the focus.
    const said = agent.getByText(undone);
    await expect(said).toBeVisible({ timeout: 30_000 });
    expect(await said.evaluate(liveAround)).toBe(true);
    await expect(approved).toHaveCount(0);
    expect(await agent.evaluate(() => document.activeElement?.textContent ?? '')).toMatch(undone);
  } finally {
    await clearFaults(a.number);
  }
  await agent.reload();
  await expect(agent).toHaveURL(/done=approved/);
  const status = agent.getByRole('status').filter({ hasText: 'Request:' });
  // The banner takes the focus as the page opens (outside the status region, which says where the
  // request stands: a banner inside it was read twice after a decision's redirect).
  await expect(agent.getByText(undone)).toBeFocused();
  expect(await agent.getByText(undone).evaluate(liveAround)).toBe(false);
  await expect(agent.getByText('You approved this request', { exact: false })).toHaveCount(0);
  await expect(status.getByText('Request: Pending · Block: In force')).toBeVisible();
  await expect(agent.getByRole('button', { name: 'Approve and lift block' })).toBeEnabled();
  // Under the status, the page says it came back: who approved it, when, what the switch answered,
  // and to check with the switch first (tester, fraud-wave morning: only the timeline said so, and a
  // second agent approved into the same refusal). The queue's entry says the same.
  const back = agent.locator('#came-back');
  await expect(back).toContainText(
    `Back in the queue after an approval. Approved by ${staff.user.email} on `,
  );
  await expect(back).toContainText('; the switch refused the lift (');
  await expect(back).toContainText('Check with the switch why before you approve this request again');
  await expectAccessible(agent);
  expect((await simAccount(a.number)).internationalCalling).toBe('blocked');
  await agent.goto(`/staff?account=${a.number}`);
  await expect(agent.getByRole('article').filter({ hasText: a.number })).toContainText(
    `Back in the queue after an approval. Approved by ${staff.user.email} on `,
  );
  await agent.goto(`/staff/requests/${id}`);

  // Decided again on this page: the approval's notice is a new one and takes the focus (its form went
  // from under it), read once, as the first was.
  await agent.getByRole('checkbox', { name: 'I spoke with the account holder' }).check();
  await agent
    .getByLabel('Note', { exact: true })
    .fill('Called back again; the switch team fixed the refusal.');
  await agent.getByRole('button', { name: 'Approve and lift block' }).click();
  const again = agent.getByText('You approved this request', { exact: false });
  await expect(again).toBeFocused();
  expect(await again.evaluate(liveAround)).toBe(false);
  await expect
    .poll(async () => (await simAccount(a.number)).internationalCalling, { timeout: 20_000 })
    .toBe('allowed');
});

test('stale placement: a block.placed older than a lift already applied follows the switch, with no notice', async ({
  page,
}) => {
  const placedAt = new Date(Date.now() - 3 * 3600_000);
  await provision('ACC-8005', 'blocked', placedAt);
  await post('block.placed', 'ACC-8005', placedAt);
  await sim('/_sim/accounts/ACC-8005', {
    method: 'PUT',
    body: { internationalCalling: 'allowed', credentials: [] },
  });
  await post('block.lifted', 'ACC-8005', new Date(Date.now() - 3600_000));
  const notices = () =>
    query(
      `SELECT m.id FROM "MailMessage" m WHERE m.template = 'block_notice' AND m."to" = 'truth@e2e.example'`,
    ).length;
  const before = notices();
  const stale = await post('block.placed', 'ACC-8005', new Date(Date.now() - 2 * 3600_000));
  expect(blockOfEvent(stale)).toBeUndefined();
  expect(notices()).toBe(before);
  await signIn(page, TRUTH);
  await expect(
    accountStatus(page, 'Truth Stale Co').getByText('International calling allowed'),
  ).toBeVisible();
  expect((await simAccount('ACC-8005')).internationalCalling).toBe('allowed');
});

test('a block.placed too large to apply: 413, and the block the switch holds still shows within a pass', async ({
  page,
}) => {
  const {
    user,
    accounts: [acct],
  } = await createCustomer([{ name: 'Truth Oversize Co', credentials: [{ label: 'Front desk' }] }]);
  const [cred] = acct.credentials;
  // The switch blocks the account and reports it with 20,000 calls (about 2.3 MiB: past the 1 MiB the
  // portal applies). The body goes through the real server and its proxy, which buffer it.
  await putSwitchAccount(acct.number, 'blocked', [{ username: cred.username, password: cred.password }]);
  const calls = Array.from({ length: 20_000 }, (_, i) => ({
    from: cred.username,
    to: `+2526${String(i).padStart(8, '0')}`,
    sourceIp: '185.220.101.47',
  }));
  const { raw } = blockPlacedEvent(acct.number, calls);
  expect(raw.length).toBeGreaterThan(2 * 1024 * 1024);
  expect(await postSwitchEvent(raw)).toBe(413);
  // Recognised as the switch's (signed) and kept as refused, its account flagged for the reconciler.
  expect(
    query(`SELECT id FROM "SwitchEvent" WHERE "accountNumber" = ? AND status = 'rejected'`, acct.number),
  ).toHaveLength(1);

  // The reconciler (every 3 s here) reads the switch and shows its block; the customer's notice is
  // queued, held for a block.placed that a 413 never brings (it goes out without calls after 75 s).
  await signIn(page, user);
  await expect
    .poll(
      async () => {
        await page.goto('/');
        return accountStatus(page, 'Truth Oversize Co')
          .getByRole('link', { name: 'See why and fix it' })
          .count();
      },
      { timeout: 30_000 },
    )
    .toBe(1);
  await page
    .getByRole('region', { name: /Truth Oversize Co/ })
    .getByRole('link', { name: 'See why and fix it' })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectAccessible(page);
  await expect
    .poll(
      () =>
        query(`SELECT m.id FROM "MailMessage" m WHERE m.template = 'block_notice' AND m."to" = ?`, user.email)
          .length,
    )
    .toBe(1);
});
