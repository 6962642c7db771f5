// Issue 7, the loop: a real SIP switch (the reference Kamailio) and Tollgate, end to end.
// SIPp is the customer's phone and the carrier; Chromium is the customer. A second portal instance
// (its own port and SQLite database) talks to Kamailio's switch API and receives Kamailio's signed
// events. Nothing here is skipped: missing Debian packages are installed as root, otherwise it fails.
import type { Page } from '@playwright/test';
import { DEMO, expect, signIn, test } from './support/fixtures';
import { freeUdpPort } from '../tests/kamailio/harness';
import { demoPassword, startLoop, type Loop } from './support/kamailio';

const SOMALIA = '+252611234567';
// A valid US number (ACC-1001 is in the US): the reference switch sends unreadable digits nowhere.
const NATIONAL = '2125550123';
const NATIONAL_E164 = '+12125550123';
const OLD = { reception: demoPassword('acme-reception'), pbx: demoPassword('acme-pbx') };

let loop: Loop;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000); // the first run as root may apt-get the switch packages
  loop = await startLoop();
});

test.afterAll(async () => {
  await loop?.stop();
});

// SIPp: each resolves with exit code 0 only when the scenario's expected answers arrived.
const register = (username: string, password: string, localPort?: number) =>
  loop.sipp({ scenario: 'register.xml', service: username, username, password, localPort });
const registerRejected = (username: string, password: string) =>
  loop.sipp({ scenario: 'register-rejected.xml', service: username, username, password });
const call = (username: string, password: string, to: string) =>
  loop.sipp({ scenario: 'call.xml', service: to, username, password });
const callRefused = (username: string, password: string, to: string) =>
  loop.sipp({ scenario: 'call-refused.xml', service: to, username, password });

/**
 * A call to `to` answered 200 by the carrier behind the switch, which receives the number in E.164
 * (`e164`: the switch relays every number it reads so, national ones too: docs/reference-switch.md).
 */
async function expectCallConnected(username: string, password: string, to: string, e164 = to) {
  const before = loop.uas.invites().length;
  const r = await call(username, password, to);
  expect(r.code, `${username} → ${to}: ${r.output}`).toBe(0);
  await expect
    .poll(() => loop.uas.invites().slice(before), { timeout: 3_000 })
    .toEqual([expect.stringMatching(new RegExp(`^sip:${e164.replace('+', '\\+')}@`))]);
}

async function expectCallRefused(username: string, password: string, to: string) {
  const before = loop.uas.invites().length;
  const r = await callRefused(username, password, to);
  expect(r.code, `${username} → ${to} should get 403: ${r.output}`).toBe(0);
  expect(loop.uas.invites().length).toBe(before);
}

const switchState = async (accountNumber: string) =>
  (await loop.switchApi('GET', `/v1/accounts/${accountNumber}`)).json?.internationalCalling;
const registrations = async (username: string) =>
  ((await loop.switchApi('GET', `/v1/sip-credentials/${username}/registrations`)).json
    ?.registrations as unknown[]) ?? [];

type BlockRow = {
  id: string;
  status: string;
  reason: string;
  sourceEventId: string;
  liftedBy: string | null;
};
const acmeBlocks = () =>
  loop.query<BlockRow>(
    `SELECT b.id, b.status, b.reason, b."sourceEventId", b."liftedBy" FROM "Block" b JOIN "CustomerAccount" a ON a.id = b."accountId" WHERE a.number = 'ACC-1001' ORDER BY b."placedAt"`,
  );

/** The "Registered devices" section's bindings of one SIP credential (its top-level items, not their flags). */
const deviceItems = (page: Page, username: string) =>
  page
    .getByRole('region', { name: 'Registered devices' })
    .getByRole('list', { name: `Devices registered as ${username}` })
    .locator(':scope > li');

const credentialRow = (page: Page, username: string) =>
  page
    .getByRole('list', { name: 'Your SIP credentials' })
    .getByRole('listitem')
    .filter({ hasText: username });

/** Rotates one SIP password on the block page, as the customer does; returns the new password. */
async function rotate(page: Page, username: string, lettersAndDigitsOnly: boolean): Promise<string> {
  await credentialRow(page, username).getByRole('link', { name: 'Reset SIP password' }).click();
  if (lettersAndDigitsOnly) await page.getByLabel('Letters and digits only').check();
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  const generated = await page.getByLabel('New SIP password').inputValue();
  expect(generated.length).toBeGreaterThanOrEqual(16);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Password updated')).toBeVisible();
  await expect(page.getByTestId('new-password')).toHaveText(generated);
  await page.getByRole('link', { name: 'Done' }).click();
  return generated;
}

test('Kamailio blocks +252…, Tollgate shows it, the customer rotates the passwords, the policy lifts the block', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ baseURL: loop.portal.url });
  const page = await context.newPage();
  let oldPhonePort = 0;
  try {
    await test.step('before: the phone registers, national calls connect, ACC-1001 is allowed on both sides', async () => {
      expect(await switchState('ACC-1001')).toBe('allowed');
      expect(acmeBlocks()).toEqual([]);
      const r = await register('acme-reception', OLD.reception);
      expect(r.code, r.output).toBe(0);
      oldPhonePort = r.localPort;
      expect(await registrations('acme-reception')).toHaveLength(1);
      await expectCallConnected('acme-reception', OLD.reception, NATIONAL, NATIONAL_E164);

      await signIn(page, DEMO.dana);
      await expect(
        page.getByRole('region', { name: /Acme Dental/ }).getByText('International calling allowed'),
      ).toBeVisible();
    });

    await test.step('+252… gets 403, Kamailio blocks the account and Tollgate receives the signed event', async () => {
      await expectCallRefused('acme-reception', OLD.reception, SOMALIA);
      expect(await switchState('ACC-1001')).toBe('blocked');

      const acme = page.getByRole('region', { name: /Acme Dental/ });
      await expect(async () => {
        await page.reload();
        await expect(acme.getByText('International calling blocked')).toBeVisible({ timeout: 1_000 });
      }).toPass({ timeout: 15_000 });

      const [block] = acmeBlocks();
      expect(block).toMatchObject({ status: 'active', reason: 'high_risk_destination' });
      expect(block.sourceEventId).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
      // Stored verbatim, processed once; the trigger call is the one SIPp made.
      expect(
        loop.query(
          `SELECT type, status, "accountNumber" FROM "SwitchEvent" WHERE id = ?`,
          block.sourceEventId,
        ),
      ).toEqual([{ type: 'block.placed', status: 'processed', accountNumber: 'ACC-1001' }]);
      expect(
        loop.query(`SELECT "sipUsername", "to", "sourceIp" FROM "TriggerCall" WHERE "blockId" = ?`, block.id),
      ).toEqual([{ sipUsername: 'acme-reception', to: SOMALIA, sourceIp: '127.0.0.1' }]);
      // The block notice is queued for the account's member (delivery is the mail worker's job).
      const notices = loop.query<{ to: string; payload: string }>(
        `SELECT "to", payload FROM "MailMessage" WHERE template = 'block_notice'`,
      );
      expect(notices.map((n) => n.to)).toEqual([DEMO.dana.email]);
      expect(JSON.parse(notices[0].payload)).toMatchObject({ blockId: block.id });
    });

    await test.step('during the block: other international calls are refused, national calls still connect', async () => {
      await expectCallRefused('acme-pbx', OLD.pbx, '00441632960123');
      await expectCallConnected('acme-pbx', OLD.pbx, NATIONAL, NATIONAL_E164);
      expect(acmeBlocks()).toHaveLength(1); // later refusals place no second block
    });

    let newPbx = '';
    let newReception = '';
    await test.step('the customer rotates both SIP passwords on the block page', async () => {
      await page
        .getByRole('region', { name: /Acme Dental/ })
        .getByRole('link', { name: 'See why and fix it' })
        .click();
      await expect(
        page.getByRole('heading', { name: /International calling blocked on Acme Dental/ }),
      ).toBeVisible();
      await expect(page.getByRole('table')).toContainText('+252 61 123 4567');
      await expect(credentialRow(page, 'acme-reception')).toContainText('Password not changed yet');
      // The page shows the phone's binding as the switch has it (the old password's).
      await expect(deviceItems(page, 'acme-reception')).toHaveCount(1);
      await expect(deviceItems(page, 'acme-reception')).toContainText(
        `sip:acme-reception@127.0.0.1:${oldPhonePort}`,
      );

      // acme-pbx first: the block names only acme-reception (the refused call), so it stays.
      newPbx = await rotate(page, 'acme-pbx', true);
      await expect(
        page.getByRole('heading', { name: /International calling blocked on Acme Dental/ }),
      ).toBeVisible();
      expect(await switchState('ACC-1001')).toBe('blocked');
      expect(acmeBlocks()[0].status).toBe('active');

      newReception = await rotate(page, 'acme-reception', false);
      expect(newReception).not.toBe(OLD.reception);
      // The rotation ended the phone's registration on the switch (it registered with the old password).
      expect(await registrations('acme-reception')).toEqual([]);
      await expect(
        page
          .getByRole('region', { name: 'Registered devices' })
          .getByRole('heading', { name: /acme-reception/ })
          .locator('xpath=..'),
      ).toContainText('No device is registered with this SIP password right now.');
    });

    let newPhonePort = 0;
    await test.step('the old passwords get 401, the new ones register (200)', async () => {
      // The phone comes back from another UDP port than before, so its new binding has another Contact.
      do newPhonePort = await freeUdpPort();
      while (newPhonePort === oldPhonePort);
      for (const [username, old, fresh, port] of [
        ['acme-reception', OLD.reception, newReception, newPhonePort],
        ['acme-pbx', OLD.pbx, newPbx, undefined],
      ] as const) {
        const rejected = await registerRejected(username, old);
        expect(rejected.code, `${username} with the old password: ${rejected.output}`).toBe(0);
        const ok = await register(username, fresh, port);
        expect(ok.code, `${username} with the new password: ${ok.output}`).toBe(0);
        expect(await registrations(username)).toHaveLength(1);
      }
    });

    await test.step('the page shows the phone back with the new password, and not the old binding', async () => {
      await page.reload();
      const items = deviceItems(page, 'acme-reception');
      await expect(items).toHaveCount(1);
      await expect(items).toContainText(`sip:acme-reception@127.0.0.1:${newPhonePort}`);
      await expect(items).toContainText('Tollgate-SIPp-Phone/1.0');
      await expect(items).not.toContainText(`127.0.0.1:${oldPhonePort}`);
    });

    await test.step('the policy lifts the block through the switch, and +252… connects', async () => {
      await expect(page.getByText('International calling allowed', { exact: true })).toBeVisible({
        timeout: 20_000,
      });
      expect(await switchState('ACC-1001')).toBe('allowed');
      expect(acmeBlocks()).toEqual([expect.objectContaining({ status: 'lifted', liftedBy: 'policy' })]);
      await page.goto('/');
      await expect(
        page.getByRole('region', { name: /Acme Dental/ }).getByText('International calling allowed'),
      ).toBeVisible();

      await expectCallConnected('acme-reception', newReception, SOMALIA);
      await expectCallConnected('acme-reception', newReception, NATIONAL, NATIONAL_E164);
      await expectCallConnected('acme-pbx', newPbx, NATIONAL, NATIONAL_E164);
      // The grace window after a lift: the re-dialled +252… placed no new block, on either side.
      expect(await switchState('ACC-1001')).toBe('allowed');
      expect(acmeBlocks()).toHaveLength(1);
    });
  } finally {
    await context.close();
  }
});
