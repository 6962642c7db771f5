import { createElement as h } from 'react';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StaffDeviceList } from '@/components/staff/account-devices';
import type { CurrentUser } from '@/lib/auth/session';
import { devicesForStaff } from '@/lib/devices/registrations';
import { CATALOGUES } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Staff never saw registered devices: the account page (/staff/accounts/ACC-…) showed none, though
// docs/staff-console.md has the agent review "the calls and devices" there. The page's "Registered
// devices" reads them with the customer pages' read (lib/devices/registrations.ts liveDevices),
// staff only (devicesForStaff), and shows each credential with its password's last change, its
// devices with the customer's fields and flags, and the attacker-looking ones at the top. The real
// simulator, both databases, and the section as it renders once read.

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, retries: 0, timeoutMs: 2000, log: () => {} });
const later = () => new Date(Date.now() + 3600_000).toISOString();
const DAY = 24 * 3600_000;

describe.each(dialects())('registered devices on the staff account page, on %s', (dialect) => {
  let agent: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
    agent = await makeStaff();
  });
  afterAll(() => sim.stop());
  beforeEach(() => sim.control('DELETE', '/_sim/faults'));

  /**
   * A blocked US account with three credentials: `desk` registered by the attacker's scanner (from
   * the block's trigger IP, in Germany) and the office phone; `pbx` (password changed, the latest
   * change unanswered by the switch) from the office; `spare` (password changed and confirmed),
   * nothing registered. A block of 40 days ago names another address.
   */
  async function seeded() {
    const { account, users } = await makeAccount({ credentials: [] });
    const db = getDb();
    const n = account.number.slice(4);
    const mk = (username: string, label: string, passwordChangedAt: Date | null) =>
      db.sipCredential.create({ data: { accountId: account.id, username, label, passwordChangedAt } });
    const desk = await mk(`a${n}-desk`, 'Front desk phone', null);
    const pbx = await mk(`b${n}-pbx`, 'Office PBX', new Date('2026-11-30T09:00:00Z'));
    const spare = await mk(`c${n}-spare`, 'Spare line', new Date('2026-11-29T08:30:00Z'));
    const change = (credentialId: string, status: string, switchConfirmedAt: Date | null, createdAt: Date) =>
      db.sipPasswordChange.create({
        data: { credentialId, userId: users[0]!.id, status, score: 4, switchConfirmedAt, createdAt },
      });
    await change(pbx.id, 'applied', new Date('2026-11-30T09:00:00Z'), new Date('2026-11-30T09:00:00Z'));
    await change(pbx.id, 'unknown', null, new Date('2026-12-01T10:00:00Z'));
    await change(spare.id, 'applied', new Date('2026-11-29T08:30:00Z'), new Date('2026-11-29T08:30:00Z'));
    await change(spare.id, 'failed', null, new Date('2026-12-01T11:00:00Z')); // refused: changes nothing
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      credentials: [
        {
          username: desk.username,
          password: 'old-desk-password',
          registrations: [
            {
              contact: `sip:${desk.username}@185.220.101.47:5071`,
              sourceIp: '185.220.101.47',
              userAgent: 'friendly-scanner',
              expiresAt: later(),
            },
            {
              contact: `sip:${desk.username}@192.168.1.45:5060`,
              sourceIp: '8.8.8.8',
              userAgent: 'Yealink SIP-T46U',
              expiresAt: later(),
            },
          ],
        },
        {
          username: pbx.username,
          password: 'old-pbx-password',
          registrations: [
            {
              contact: `sip:${pbx.username}@10.0.0.5`,
              sourceIp: '192.168.1.70',
              userAgent: 'Asterisk PBX 20.5.0',
              expiresAt: later(),
            },
          ],
        },
        { username: spare.username, password: 'old-spare-password', registrations: [] },
      ],
    });
    await makeBlock(account.id, { calls: [{ sipUsername: desk.username, sourceIp: '185.220.101.47' }] });
    await makeBlock(account.id, {
      placedAt: new Date(Date.now() - 40 * DAY),
      calls: [{ sipUsername: pbx.username, sourceIp: '192.168.1.70' }],
    });
    return { account, customer: asCustomer(users[0]!), desk, pbx, spare };
  }

  it('reads every credential from the switch, flagged as the customer sees them, with its password’s last change', async () => {
    const { account, desk, pbx, spare } = await seeded();
    const r = await devicesForStaff(agent, account.id, client());
    expect(r!.accountCountry).toBe('US');
    expect(r!.credentials.map((c) => [c.id, c.passwordChangedAt, c.unsettled])).toEqual([
      [desk.id, null, false],
      [pbx.id, new Date('2026-11-30T09:00:00Z'), true],
      [spare.id, new Date('2026-11-29T08:30:00Z'), false],
    ]);
    const [d, p, s] = r!.credentials;
    expect(d!.bindings).toMatchObject([
      { sourceIp: '185.220.101.47', country: 'DE', flags: ['trigger_ip', 'foreign_country', 'scanner'] },
      { sourceIp: '8.8.8.8', country: 'US', flags: [] },
    ]);
    // The 40-day-old block's address is no trigger IP (as on the reset page: the last 30 days).
    expect(p!.bindings).toMatchObject([{ sourceIp: '192.168.1.70', country: null, flags: [] }]);
    expect(s).toMatchObject({ bindings: [], notRead: null });
  });

  it('is for staff only: a customer of the account, or staff before the second factor, get the 404 and no switch read', async () => {
    const { account, customer, desk } = await seeded();
    const before = (await sim.control('GET', '/_sim/requests')).body.requests.length;
    await expect(devicesForStaff(customer, account.id, client())).rejects.toThrow();
    await expect(devicesForStaff({ ...agent, mfaVerified: false }, account.id, client())).rejects.toThrow();
    const asked = (await sim.control('GET', '/_sim/requests')).body.requests
      .slice(before)
      .filter((q: { path: string }) => q.path.includes(desk.username));
    expect(asked).toEqual([]);
    expect(await devicesForStaff(agent, 'no-such-account', client())).toBeNull();
  });

  it('a credential the switch did not answer for says so; the others are listed', async () => {
    const { account, desk } = await seeded();
    await sim.control('PUT', '/_sim/faults', {
      failNext: 1,
      failStatus: 503,
      pathContains: `/${desk.username}/registrations`,
    });
    const r = await devicesForStaff(agent, account.id, client());
    expect(r!.credentials.map((c) => c.notRead)).toEqual([{ reason: 'failed' }, null, null]);
    expect(text(render(h(StaffDeviceList, { devices: r! })))).toContain(
      CATALOGUES.en.staff.devices.couldNotLoad,
    );
  });

  it('shows the attacker-looking device at the top, then each credential with its password’s last change and its devices', async () => {
    const { account, desk, pbx } = await seeded();
    const r = (await devicesForStaff(agent, account.id, client()))!;
    const html = render(h(StaffDeviceList, { devices: r }));
    const words = text(html);
    const dash = CATALOGUES.en.dashboard;
    // The summary first, a region under its own (third-level) heading, linking the credential below.
    expect(html).toMatch(
      /^<div[^>]*><section aria-labelledby="suspicious-devices"[^>]*><h3 id="suspicious-devices"/,
    );
    expect(words).toContain(
      'One registered device looks like an attacker’s: software that guesses SIP passwords, a device that does not say what it is, an address in another country, or the address the fraud calls came from. Whoever registered it has that SIP password: the customer should change it',
    );
    expect([...html.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([^<]*)</g)].map((m) => [m[1], m[2]])).toEqual([
      [`#devices-${desk.id}`, `See all devices of Front desk phone (${desk.username})`],
    ]);
    expect(html).toContain(`id="devices-${desk.id}"`);
    // Each credential under its heading: label and username, then the password's last change.
    expect([...html.matchAll(/<h3 class="font-medium">(.*?)<\/h3>/g)].map((m) => text(m[1]!).trim())).toEqual(
      [
        `Front desk phone ${desk.username}`,
        `Office PBX ${pbx.username}`,
        expect.stringMatching(/^Spare line c/),
      ],
    );
    expect(words).toContain(`${dash.changed}: ${dash.never}`);
    // In staff's words (no answer from the switch: the change has no stored error).
    expect(words).toContain(
      `${dash.changed}: Nov 30, 2026, 9:00 AM GMT+0 ${CATALOGUES.en.staff.devices.unsettled}`,
    );
    expect(words).toContain(`${dash.changed}: Nov 29, 2026, 8:30 AM GMT+0`);
    expect(words).not.toMatch(/8:30 AM GMT\+0 (A change|The switch)/);
    // The devices with the customer's fields and flags.
    expect(html).toContain(`aria-label="Devices registered as ${desk.username}"`);
    // The contact in pieces a line may end between (components/devices/contact-text.tsx ContactText).
    expect(words).toContain(`sip:${desk.username} @185.220.101.47 :5071`);
    // Support reads the flags in its own words, not the customer's ("your SIP password").
    expect(words).toContain(CATALOGUES.en.staff.devices.flag.scanner);
    expect(words).toContain(CATALOGUES.en.staff.devices.flag.triggerIp);
    expect(words).not.toContain(CATALOGUES.en.devices.flag.scanner);
    // Nor "this block" in the summary at the top: the account page's trigger addresses are its recent blocks'.
    expect(words).not.toContain(CATALOGUES.en.suspiciousDevices.triggerIp);
    expect(words.split(CATALOGUES.en.staff.devices.flag.triggerIp)).toHaveLength(3);
    expect(words).toContain(
      'Registered from another country (Germany), not from the account’s (United States).',
    );
    expect(words).toContain(
      '192.168.1.70 an internal address, inside a private network and not on the internet',
    );
    expect(words).toContain(CATALOGUES.en.devices.none);

    const es = text(render(h(StaffDeviceList, { devices: r }), 'es'));
    expect(es).toContain('Dispositivos que parecen de un atacante');
    expect(es).toContain(`Ver todos los dispositivos de Front desk phone (${desk.username})`);
    expect(es).toContain('192.168.1.70 una dirección interna, de una red privada y no de internet');
  });

  it('says when the account has no SIP credentials, and shows no summary when nothing looks wrong', async () => {
    const { account } = await makeAccount({ credentials: [] });
    const none = (await devicesForStaff(agent, account.id, client()))!;
    expect(none.credentials).toEqual([]);
    expect(text(render(h(StaffDeviceList, { devices: none })))).toContain(
      'This account has no SIP credentials.',
    );
    const { pbx, account: a } = await seeded();
    const r = (await devicesForStaff(agent, a.id, client()))!;
    const quiet = { ...r, credentials: r.credentials.filter((c) => c.id === pbx.id) };
    expect(render(h(StaffDeviceList, { devices: quiet }))).not.toContain('suspicious-devices');
  });
});
