import type { Page } from '@playwright/test';
import { credentialIdOf, query, requestIdOnBlock } from './support/db';
import {
  ATTACKER_IP,
  bindingsOf,
  blockedAccountWithDevices,
  devicesRegion as devices,
  expectBlockPageWithoutDevices,
  OFFICE_IP,
  withRegistrationFaults,
} from './support/devices';
import { E2E } from './support/env';
import { literally } from './support/factories';
import { expect, expectAccessible, signIn, test } from './support/fixtures';
import { waitForMail } from './support/mail';
import { clearFaults, passwordMatches, setFaults, sim } from './support/sim';
import { queueOfAccount } from './support/staff-queue';
import { runTsx } from './support/tsx';

// Issue 16, the device side, in Chromium against the simulated switch: registered devices (item 1,
// and item 2 as the page shows it), where source IPs are (item 3), other doors (item 5). Each
// journey makes its own account, customer and block (e2e/support/devices.ts).

/** A /v1 request as the simulator's control API lists it (switch/simulator/context.ts RequestRecord). */
type SimRequest = { at: string; method: string; path: string; status: number | null };

const attacker = {
  contact: `sip:desk@${ATTACKER_IP}:5071`,
  sourceIp: ATTACKER_IP,
  userAgent: 'friendly-scanner',
};
const office = { contact: 'sip:desk@192.168.1.45:5060', sourceIp: OFFICE_IP, userAgent: 'Yealink SIP-T46U' };

test('registered devices: the attacker’s binding is flagged in words, and a new password ends it', async ({
  page,
}) => {
  const w = await blockedAccountWithDevices({ desk: [attacker, office], pbx: [] });
  await signIn(page, w.user);
  await page.goto(`/blocks/${w.blockId}`);

  await expect(devices(page).getByRole('heading', { name: 'Registered devices' })).toBeVisible();
  const desk = bindingsOf(page, w.desk.username);
  await expect(desk).toHaveCount(2);
  const bad = desk.filter({ hasText: 'friendly-scanner' });
  await expect(bad).toContainText(ATTACKER_IP);
  await expect(bad).toContainText('Germany');
  await expect(bad).toContainText(attacker.contact);
  await expect(bad).toContainText(
    'Registered from an address the fraud calls that caused this block came from.',
  );
  await expect(bad).toContainText(
    'Registered from another country (Germany), not from your account’s (United States).',
  );
  // inputs-20: the user agent says what it is, wherever it registers from.
  await expect(bad).toContainText('This device software is a tool that scans the internet for SIP accounts');
  await expect(bad.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);
  const good = desk.filter({ hasText: 'Yealink SIP-T46U' });
  // A documentation range is said to be one (components/ui/ip-place.tsx), not "country unknown".
  await expect(good).toContainText(`${OFFICE_IP} an example address, not one in use on the internet`);
  await expect(good).not.toContainText('Registered from');
  await expect(devices(page)).toContainText('No device is registered with this SIP password right now.');
  await expectAccessible(page);

  // The credential's own reset page lists its devices too; a new password ends them all on the switch.
  await page.goto(`/credentials/${w.desk.id}/reset?block=${w.blockId}`);
  await expect(bindingsOf(page, w.desk.username).filter({ hasText: 'friendly-scanner' })).toHaveCount(1);
  // Before "Set password", the form names the phone that goes silent, national calls included, and
  // the intruder's binding as logged out too (tester, 2026-12: the office's Yealink vanished unsaid).
  const silenced = page.locator('#reset-devices');
  await expect(silenced).toContainText(
    `Front desk phone (Yealink SIP-T46U, ${OFFICE_IP}) will stop making and receiving all calls, national ones too, until the new password is typed into it.`,
  );
  await expect(silenced).toContainText(`friendly-scanner, ${ATTACKER_IP} will be logged out too.`);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  const password = await page.getByLabel('New SIP password').inputValue();
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Password updated')).toBeVisible();
  // After it, the same phone as the one to type the new password into; never the intruder's.
  const updated = page.getByRole('status').filter({ hasText: 'Password updated' });
  await expect(updated).toContainText('Type the new password into this device');
  await expect(updated).toContainText(`Front desk phone (Yealink SIP-T46U, ${OFFICE_IP})`);
  await expect(updated).not.toContainText('friendly-scanner');
  expect(await passwordMatches(w.desk.username, password)).toBe(true);
  await expect(devices(page)).toContainText('No device is registered with this SIP password right now.');
  await expect(devices(page)).not.toContainText('friendly-scanner');

  await page.getByRole('link', { name: 'Done' }).click();
  await expect(page).toHaveURL(new RegExp(`/blocks/${w.blockId}$`));
  await expect(devices(page)).not.toContainText('friendly-scanner');
  await expect(bindingsOf(page, w.desk.username)).toHaveCount(0);
});

// A credential an operator added without --label has its username as label (lib/accounts/commands.ts):
// its devices were listed under "dev-bare dev-bare" (review, session 43). Named as every page names it.
test('registered devices: a SIP credential added without a label is named once', async ({ page }) => {
  const w = await blockedAccountWithDevices({ desk: [office], pbx: [] });
  const bare = w.desk.username.replace(/-desk$/, '-bare');
  runTsx('scripts/admin.ts', ['add-sip-credential', '--account', w.number, '--username', bare], {
    DATABASE_URL: E2E.databaseUrl,
  });
  await signIn(page, w.user);
  for (const path of [
    `/blocks/${w.blockId}`,
    `/credentials/${credentialIdOf(bare)}/reset?block=${w.blockId}`,
  ]) {
    await page.goto(path);
    await expect(devices(page).getByRole('heading', { name: bare, exact: true })).toBeVisible();
    await expect(devices(page).getByRole('heading', { name: new RegExp(`${bare}.*${bare}`) })).toHaveCount(0);
  }
  // The labelled ones as before: the label, then the username.
  await page.goto(`/blocks/${w.blockId}`);
  await expect(
    devices(page).getByRole('heading', { name: `Front desk phone ${w.desk.username}`, exact: true }),
  ).toBeVisible();
});

test('registered devices: a switch that fails shows "could not load", and the rest of the page is there', async ({
  page,
}) => {
  const w = await blockedAccountWithDevices({ desk: [office], pbx: [] });
  await signIn(page, w.user);
  // The registration reads of this account's two credentials fail; nothing else on the switch does.
  await withRegistrationFaults(w, { failNext: 1000, failStatus: 503 }, async () => {
    await page.goto(`/blocks/${w.blockId}`);
    await expectBlockPageWithoutDevices(page, w);
    await expectAccessible(page);
  });
  await page.reload();
  await expect(bindingsOf(page, w.desk.username)).toHaveCount(1);
});

test('registered devices: a slow switch times out into "could not load", and the rest of the page is not held', async ({
  page,
}) => {
  const w = await blockedAccountWithDevices({ desk: [office], pbx: [] });
  await signIn(page, w.user);
  // The switch holds this account's registration reads for 60 s: far past the portal's budget
  // (SWITCH_API_TIMEOUT_MS, 2 s in e2e/support/global-setup.ts; docs/switch-api.md). Nothing else is slow.
  await withRegistrationFaults(w, { delayMs: 60_000 }, async () => {
    // The whole document (the streamed devices section included) arrives while the switch still
    // holds both reads: were the page waiting for the switch, this navigation would time out.
    await page.goto(`/blocks/${w.blockId}`, { timeout: 20_000 });
    // The switch client gave up at its timeout (no retries on a page read): each credential says so.
    await expectBlockPageWithoutDevices(page, w);
    await expect(devices(page)).not.toContainText('Asking our phone system which devices are registered');
    await expectAccessible(page);
  });
  await page.reload();
  await expect(bindingsOf(page, w.desk.username)).toHaveCount(1);
});

// A 429 with Retry-After quiets the portal instance towards the switch (lib/switch/quiet.ts), and
// a page's devices are then not read at all: the page said "Could not load … Reload the page", untrue
// (nothing was asked, and a reload read nothing until the quiet ended). The quiet is caused for real,
// by a read of this journey's own credential (a scoped fault), on its reset page; the block page
// viewed next asks the switch nothing. The quiet is the whole e2e server's (its outbox, reconciler
// and allowance watch wait too), so Retry-After is 5 s: well inside the 10–20 s every other journey
// gives the switch to confirm, and waited out here before this file's next journey reads devices.
// A machine too slow to show the block page within the 5 s goes round again (a fresh 429).
test('registered devices: a switch that asks Tollgate to pause is told as a pause with when to reload, not "could not load"', async ({
  page,
}) => {
  const w = await blockedAccountWithDevices({ desk: [office], pbx: [] });
  await signIn(page, w.user);
  const paused =
    /^Our phone system asked the portal to pause its questions for a moment \(it is busy\), so the registered devices were not read\. They will be read again from .+; reload the page then\.$/;
  const notes = devices(page).getByRole('status').filter({ hasText: paused });
  const usernames = [w.desk.username, w.pbx.username];
  await expect(async () => {
    await setFaults(w.desk.username, {
      failNext: 1,
      failStatus: 429,
      retryAfter: '5',
      pathContains: '/registrations',
    });
    try {
      // The desk's read is answered 429: its own page says the switch asked for a pause.
      await page.goto(`/credentials/${w.desk.id}/reset?block=${w.blockId}`);
      await expect(notes).toHaveCount(1, { timeout: 2000 });
    } finally {
      await clearFaults(w.desk.username);
    }
    const refused = (await sim<{ requests: SimRequest[] }>('/_sim/requests')).requests
      .filter((r) => r.status === 429 && r.path.includes(`/${w.desk.username}/registrations`))
      .at(-1);
    expect(refused).toBeTruthy();
    // The block page, during the pause: neither credential is read, and the section says why and until
    // when once, for both (one status: a screen reader heard it once per credential before).
    await page.goto(`/blocks/${w.blockId}`);
    await expect(notes).toHaveCount(1, { timeout: 2000 });
    const reads = (await sim<{ requests: SimRequest[] }>('/_sim/requests')).requests.filter(
      (r) =>
        r.at > refused!.at &&
        r.path.endsWith('/registrations') &&
        usernames.some((u) => r.path.includes(`/${u}/`)),
    );
    expect(reads).toEqual([]);
  }).toPass({ timeout: 40_000 });
  await expect(devices(page)).not.toContainText('Could not load');
  // The time is the pause's end, to the second, in the reader's zone (a <time> element).
  const until = Date.parse((await notes.first().locator('time').getAttribute('datetime'))!);
  expect(until).toBeGreaterThan(Date.now() - 5_000);
  expect(until).toBeLessThanOrEqual(Date.now() + 6_000);
  await expect(notes.first().locator('time')).toHaveText(/\d:\d\d:\d\d/);
  await expectAccessible(page);
  // After that time, a reload reads the switch again, as the page says.
  await expect(async () => {
    await page.reload();
    await expect(bindingsOf(page, w.desk.username)).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(notes).toHaveCount(0);
});

test('source IPs carry their country on the block page, in the notice email and in the staff console', async ({
  browser,
  agent: { page: agent },
}) => {
  const w = await blockedAccountWithDevices({ desk: [], pbx: [] });
  const notice = await waitForMail(w.user.email, new RegExp(`^International calling blocked on ${w.name}`));
  expect(notice.text).toContain(`From address ${ATTACKER_IP} (Germany)`);

  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, w.user);
  await customer.goto(`/blocks/${w.blockId}`);
  const calls = customer.getByRole('table', { name: 'Calls that triggered the block' });
  await expect(calls.getByRole('row').nth(1)).toContainText(ATTACKER_IP);
  await expect(calls.getByRole('row').nth(1)).toContainText('Germany');
  // In the page's main part: until React reveals the block's second render (after the switch read,
  // app/blocks/[id]/page.tsx WithLiveSuspects), its streamed copy waits hidden at the end of the body.
  await expect(customer.locator('#main').getByText(`from ${ATTACKER_IP} (Germany)`)).toBeVisible();

  // The firewall request (item 5) puts the block in front of staff, who see the same.
  await fileFirewallRequest(customer, w.blockId);
  await agent.goto(`/staff/requests/${requestIdOnBlock(w.blockId)}`);
  const staffRow = agent
    .getByRole('table', { name: 'Calls that triggered the block' })
    .getByRole('row')
    .nth(1);
  await expect(staffRow).toContainText(ATTACKER_IP);
  await expect(staffRow).toContainText('Germany');
  await expectAccessible(agent);
});

test('other doors: the block page says how to close each, and the firewall request confirms each for staff', async ({
  browser,
  agent: { page: agent },
}) => {
  const w = await blockedAccountWithDevices({ desk: [], pbx: [] });
  const page = await (await browser.newContext()).newPage();
  await signIn(page, w.user);
  await page.goto(`/blocks/${w.blockId}`);
  const doors = page.getByRole('region', { name: 'Other ways in' });
  const items = doors.getByRole('listitem');
  await expect(items).toHaveCount(4);
  await expect(items.nth(0)).toContainText('Voicemail call-back and DISA.');
  await expect(items.nth(1)).toContainText('Call forwarding to international numbers.');
  await expect(items.nth(2)).toContainText('SIP ports open to the internet.');
  await expect(items.nth(3)).toContainText('The router’s web admin on port 80.');

  // Every door is one required checkbox: leaving one out names it and sends nothing.
  await page.getByRole('link', { name: 'We have hardened our firewall' }).click();
  const boxes = page.getByRole('group', { name: 'Confirm what you have done' }).getByRole('checkbox');
  await expect(boxes).toHaveCount(5);
  for (let i = 0; i < 5; i++) if (i !== 1) await boxes.nth(i).check();
  await sendFirewallRequest(page);
  await expect(page.getByText('Confirm that call forwarding to international numbers is off.')).toBeVisible();
  expect(query(`SELECT id FROM "UnblockRequest" WHERE "blockId" = ?`, w.blockId)).toHaveLength(0);
  await expectAccessible(page);
  await page
    .getByRole('checkbox', { name: 'Call forwarding to international numbers is turned off' })
    .check();
  await page.getByRole('button', { name: 'Request unblock' }).click();
  await expect(page.getByText('Pending: support will call you back')).toBeVisible();

  // The customer claimed no misdial: no misdial hint for the agent, in the queue or on the request
  // (tester: "Misdial hint: Unlikely to be a misdial" on a firewall request misled). The queue still
  // summarises the calls.
  await queueOfAccount(agent, w);
  const item = agent.getByRole('article', { name: literally(`${w.name} (${w.number})`) });
  await expect(item).toContainText('Somalia');
  await expect(item).not.toContainText('Misdial hint');
  await expectAccessible(agent);
  await item.getByRole('link').click();
  await expect(agent.getByRole('heading', { level: 1, name: /unblock request/ })).toBeVisible();
  await expect(agent.getByText(OFFICE_IP, { exact: true })).toBeVisible();
  await expect(agent.getByText(/Misdial hint|(Likely|Possibly|Unlikely to be) a misdial/)).toHaveCount(0);
  for (const confirmed of [
    'Voicemail call-back and DISA are turned off or protected by a long PIN',
    'Call forwarding to international numbers is turned off',
    'SIP ports 5060 and 5061 accept connections only from the provider’s addresses',
    'The router’s web admin (port 80) is closed to the internet',
    'Default passwords on phones, PBX and router were changed',
  ])
    await expect(agent.getByRole('listitem').filter({ hasText: confirmed })).toHaveCount(1);
});

/** On the firewall form (already open, boxes as the test left them): the office's address, a callback phone, send. */
async function sendFirewallRequest(page: Page) {
  await page.getByLabel(/public IP/).fill(OFFICE_IP);
  await page.getByLabel('Callback phone').fill('+1 202 555 0143');
  await page.getByRole('button', { name: 'Request unblock' }).click();
}

/** The firewall request with every door confirmed; waits until the block page says it is pending. */
async function fileFirewallRequest(page: Page, blockId: string) {
  await page.goto(`/blocks/${blockId}/firewall`);
  const boxes = page.getByRole('checkbox');
  for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
  await sendFirewallRequest(page);
  await expect(page.getByText('Pending: support will call you back')).toBeVisible();
}
