import type { Page } from '@playwright/test';
import { query } from './support/db';
import { ATTACKER_IP, blockedAccountWithDevices, OFFICE_IP } from './support/devices';
import { createStaff } from './support/factories';
import { expect, expectAccessible, signIn, signInStaff, test } from './support/fixtures';
import { waitForMail } from './support/mail';
import { passwordMatches } from './support/sim';

// A tester playing the fraudster (session 53) cracked two SIP credentials of one account, made the
// fraud calls through one (`desk`) and registered the other (`pbx`) from the same address: the block
// lifted once `desk` was changed, and the calls could go on through `pbx`. A binding proves its
// registrant holds the password, so such a credential now holds the automatic lift until it is
// changed too (lib/blocks/suspects.ts). In Chromium against the simulated switch and a real SMTP
// server, as the customer uses it.

const office = { contact: `sip:desk@${OFFICE_IP}:5060`, sourceIp: OFFICE_IP, userAgent: 'Yealink SIP-T46U' };
const intruder = {
  contact: `sip:pbx@${ATTACKER_IP}:5071`,
  sourceIp: ATTACKER_IP,
  userAgent: 'Grandstream GXP2170',
};

/** The block page's "Your SIP credentials" entry of the credential labelled `label`. */
const credentialEntry = (page: Page, label: string) =>
  page.getByRole('list', { name: 'Your SIP credentials' }).getByRole('listitem').filter({ hasText: label });

/** Sets a generated password on the credential's reset page, reached from the block page's entry. */
async function resetFromBlockPage(page: Page, label: string): Promise<string> {
  await credentialEntry(page, label).getByRole('link', { name: 'Reset SIP password' }).click();
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  const password = await page.getByLabel('New SIP password').inputValue();
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Password updated')).toBeVisible();
  return password;
}

const blockStatus = (blockId: string) =>
  query<{ status: string }>(`SELECT status FROM "Block" WHERE id = ?`, blockId)[0]!.status;

test('a credential registered from the fraud calls’ address must be changed too before calling comes back', async ({
  page,
}) => {
  const w = await blockedAccountWithDevices({ desk: [office], pbx: [intruder] });
  await signIn(page, w.user);
  await page.goto(`/blocks/${w.blockId}`);

  // The first view already asks for the PBX's password, with the address, though no call used it.
  const pbx = credentialEntry(page, 'Office PBX');
  await expect(pbx).toContainText(
    `Registered from the address of the fraud calls (${ATTACKER_IP}): change this password too`,
  );
  await expect(credentialEntry(page, 'Front desk phone')).toContainText('Used in the calls above');
  await expect(page.getByRole('region', { name: 'What probably happened' })).toContainText(
    'was not used for these calls, but it was registered',
  );
  await expectAccessible(page);

  // The credential the calls named, changed alone, does not bring calling back.
  const desk = await resetFromBlockPage(page, 'Front desk phone');
  expect(await passwordMatches(w.desk.username, desk)).toBe(true);
  await page.goto(`/blocks/${w.blockId}`);
  await expect(credentialEntry(page, 'Front desk phone')).toContainText('Password changed since the block');
  await expect(credentialEntry(page, 'Office PBX')).toContainText('change this password too');
  expect(blockStatus(w.blockId)).toBe('active');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    `International calling blocked on ${w.name} (${w.number})`,
  );

  // The PBX's too: the switch lifts the block, and the customer is told so.
  const second = await resetFromBlockPage(page, 'Office PBX');
  expect(await passwordMatches(w.pbx.username, second)).toBe(true);
  await waitForMail(w.user.email, new RegExp(`^International calling is back on ${w.name}`));
  await page.goto(`/blocks/${w.blockId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    `Block on ${w.name} (${w.number}) — lifted`,
  );
  expect(blockStatus(w.blockId)).toBe('lifted');
  await expectAccessible(page);
});

test('straight to one credential’s reset page: the switch’s registrar is read before calling comes back', async ({
  page,
  browser,
}) => {
  // The customer never opens the block page: the reset page reads only the credential it resets,
  // so nothing has recorded the PBX's registration from the fraud calls' address before the lift.
  const w = await blockedAccountWithDevices({ desk: [office], pbx: [intruder] });
  await signIn(page, w.user);
  await page.goto(`/credentials/${w.desk.id}/reset`);
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  const desk = await page.getByLabel('New SIP password').inputValue();
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Password updated')).toBeVisible();
  expect(await passwordMatches(w.desk.username, desk)).toBe(true);

  // The lift the change queued is read against the registrar first, and withdrawn: the block stays.
  const withheld =
    'International calling was not restored: Office PBX (' +
    w.pbx.username +
    ') was registered from the address of the fraud calls; change its password too.';
  await expect
    .poll(
      () =>
        query<{ n: number }>(
          `SELECT COUNT(*) AS n FROM "BlockEvent" WHERE "blockId" = ? AND "detail" LIKE ?`,
          w.blockId,
          '%liftWithheldSuspect%',
        )[0]!.n,
      { timeout: 30_000 },
    )
    .toBe(1);
  expect(blockStatus(w.blockId)).toBe('active');
  await page.goto(`/blocks/${w.blockId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    `International calling blocked on ${w.name} (${w.number})`,
  );
  await expect(page.getByText(withheld)).toBeVisible();
  await expect(credentialEntry(page, 'Office PBX')).toContainText('change this password too');
  await expectAccessible(page);

  // The customer calls support: the agent's account page says why calling is not back, and which
  // password it waits for, without opening the timeline or the audit log.
  const agent = await (await browser.newContext({ timezoneId: 'Europe/Madrid' })).newPage();
  await signInStaff(agent, await createStaff('agent', { timeZone: 'Europe/Madrid' }));
  await agent.goto(`/staff/accounts/${w.number}`);
  const blocks = agent.getByRole('region', { name: 'Blocks', exact: true });
  await expect(blocks).toContainText(
    `the suspect credential Office PBX (${w.pbx.username}) still had the password from before the block`,
  );
  await expect(blocks).toContainText('Still to change before the automatic lift:');
  // An entry of the list itself, not the block's own entry around it.
  const entry = (text: string) =>
    blocks.getByRole('listitem').filter({ hasText: text, hasNot: agent.getByRole('list') });
  const held = entry(w.pbx.username);
  await expect(held).toContainText(`Registered from the address of the fraud calls (${ATTACKER_IP})`);
  await expect(held).toContainText('GMT+1');
  // The credential the calls named was changed: it holds nothing.
  await expect(entry(w.desk.username)).toHaveCount(0);
  await expectAccessible(agent);

  await resetFromBlockPage(page, 'Office PBX');
  await waitForMail(w.user.email, new RegExp(`^International calling is back on ${w.name}`));
  expect(blockStatus(w.blockId)).toBe('lifted');
});
