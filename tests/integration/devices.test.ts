import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getBlockForUser } from '@/lib/blocks/queries';
import {
  devicesForBlock,
  devicesForCredential,
  devicesOfBlock,
  flagsFor,
  liveDevices,
} from '@/lib/devices/registrations';
import { createSwitchClient } from '@/lib/switch/client';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Issue 16 item 1: the registrations the switch reports, per credential, flagged in words by the
// page; here the domain half, against the real simulator and a real database.

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.stop());

const future = () => new Date(Date.now() + 3600_000).toISOString();
const client = (timeoutMs = 2000) =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, retries: 0, timeoutMs, log: () => {} });

describe('flagsFor', () => {
  const ctx = { accountCountry: 'US', triggerIps: ['185.220.101.47'] };
  it('flags a trigger IP and a foreign country, and never an unknown country', () => {
    expect(flagsFor({ sourceIp: '185.220.101.47' }, 'DE', ctx)).toEqual(['trigger_ip', 'foreign_country']);
    expect(flagsFor({ sourceIp: '8.8.8.8' }, 'US', ctx)).toEqual([]);
    expect(flagsFor({ sourceIp: '198.51.100.20' }, null, ctx)).toEqual([]);
    expect(flagsFor({ sourceIp: '2a00:1450:4001::1' }, 'IE', ctx)).toEqual(['foreign_country']);
  });

  // inputs-20: SIPVicious registered from an address at home was shown as any phone, unflagged.
  it('flags the user agent of a SIP scanning tool wherever it registers from, and no phone or PBX', () => {
    const home = (userAgent: string) => flagsFor({ sourceIp: '8.8.8.8', userAgent }, 'US', ctx);
    for (const ua of [
      'friendly-scanner',
      'Friendly-Scanner',
      'sipvicious',
      'SIPVicious/0.3.4',
      'sipcli/v1.8',
      'sip-scan',
      'sipscan',
      'VaxSIPUserAgent/3.1',
      'pplsip',
      'SIVuS',
      'smap 0.6.0',
      'iWar',
      'sundayddr',
    ])
      expect(home(ua), ua).toEqual(['scanner']);
    for (const ua of [
      'Yealink SIP-T46U 108.86.0.20',
      'Poly Edge E350 8.0.1.1234',
      'PolycomVVX-VVX_411-UA/6.4.3.5018',
      'Grandstream GXP2170 1.0.11.23',
      'Cisco/SPA504G-7.6.2c',
      'snom D785/10.1.101.11',
      'Fanvil X6U 2.12.6',
      'Z 5.6.4 v2.10.20.2',
      'Linphone-Desktop/5.2.4 (belle-sip/5.2.98)',
      'MicroSIP/3.21.3',
      'Asterisk PBX 20.5.0',
      'FPBX-16.0.40(18.20.0)',
      '3CXPhoneSystem 18.0.9.20 (20)',
      'Acme SipClient 2.0',
      'x'.repeat(2000),
    ])
      expect(home(ua), ua).toEqual([]);
    // No user agent at all is no phone's either (2026-12: a padded scanner recorded as "n/a"):
    // tests/integration/device-no-user-agent.test.ts.
    expect(home('')).toEqual(['no_user_agent']);
  });

  // Review 9 item 3: a dual-stack switch writes one attacker as `::ffff:185.220.101.47` in its fraud
  // records and `185.220.101.47` in its registrar, and IPv6 in any case or compression.
  it('compares addresses in one canonical form, whichever side writes them otherwise', () => {
    for (const [trigger, registered] of [
      ['::ffff:185.220.101.47', '185.220.101.47'],
      ['185.220.101.47', '::FFFF:185.220.101.47'],
      ['185.220.101.47:5060', '185.220.101.47'],
      ['2001:DB8:0:0::9', '2001:db8::9'],
      ['2001:db8::9', '2001:0db8:0000:0000:0000:0000:0000:0009'],
      ['fe80::1%eth0', 'FE80::1'],
    ])
      expect(
        flagsFor({ sourceIp: registered }, null, { accountCountry: 'US', triggerIps: [trigger] }),
      ).toEqual(['trigger_ip']);
    // IPv6 by /64 (lib/geo/ip-country.ts hostAddress): one line moves through its /64 at will (a
    // tester registered from the next address of the calls', 2026-12-07); another /64 is another host.
    expect(
      flagsFor({ sourceIp: '2001:db8::10' }, null, { accountCountry: 'US', triggerIps: ['2001:db8::1'] }),
    ).toEqual(['trigger_ip']);
    expect(
      flagsFor({ sourceIp: '2001:db8:0:1::10' }, null, { accountCountry: 'US', triggerIps: ['2001:db8::1'] }),
    ).toEqual([]);
  });
});

describe('bindings a real registrar reports', () => {
  const later = () => new Date(Date.now() + 3600_000).toISOString();
  const binding = (o: Record<string, unknown> = {}) => ({
    contact: 'sip:acme-reception@185.220.101.47:5060',
    sourceIp: '185.220.101.47',
    userAgent: 'friendly-scanner',
    expiresAt: later(),
    ...o,
  });
  const answering = (body: unknown) =>
    createSwitchClient({
      baseUrl: 'http://switch.invalid',
      token: 't',
      retries: 0,
      log: () => {},
      fetch: (async () => Response.json(body)) as typeof fetch,
    });
  const read = async (registrations: unknown[]) =>
    (
      await liveDevices(
        [{ id: 'c1', username: 'acme-reception', label: 'Reception' }],
        { accountCountry: 'US', triggerIps: ['185.220.101.47'] },
        answering({ registrations }),
      )
    )[0]!;

  it('a contact or user agent longer than Tollgate keeps is cut and marked; the other bindings stay', async () => {
    // Kamailio's location.contact is VARCHAR(512); a push softphone's Contact is long.
    const long = `sip:acme-reception@185.220.101.47:5060;pn-prid=${'a'.repeat(440)};transport=udp`.slice(
      0,
      510,
    );
    const c = await read([binding(), binding({ contact: long, userAgent: `Linphone ${'x'.repeat(600)}` })]);
    expect(c.unreadable).toBe(0);
    expect(c.bindings).toHaveLength(2);
    expect(c.bindings![0]).toMatchObject({
      shortened: [],
      flags: ['trigger_ip', 'foreign_country', 'scanner'],
    });
    const cut = c.bindings![1]!;
    expect(cut.shortened).toEqual(['contact', 'userAgent']);
    expect(cut.contact).toHaveLength(500);
    expect(cut.contact).toBe(`${long.slice(0, 499)}…`);
    expect(cut.userAgent).toHaveLength(500);
    expect(cut.flags).toContain('trigger_ip');
  });

  // A phone set up with its SIP password in its own address (RFC 3261 §19.1.1 user:password@host):
  // the page showed the contact as the switch holds it, password and all.
  it('a contact with a SIP password in it comes with the password hidden and flagged', async () => {
    const c = await read([
      binding({
        contact: 'sip:acme-reception:Tr0ub4dor@192.168.1.45:5060',
        userAgent: 'Grandstream GXP2170',
      }),
      binding({ userAgent: 'Grandstream GXP2170' }),
    ]);
    expect(c.bindings![0]!.contact).toBe('sip:acme-reception:••••@192.168.1.45:5060');
    expect(c.bindings![0]!.flags).toEqual(['trigger_ip', 'foreign_country', 'password_in_contact']);
    expect(c.bindings![1]!.flags).not.toContain('password_in_contact');
    expect(JSON.stringify(c)).not.toContain('Tr0ub4dor');
  });

  it('an address with a port, a zone or the IPv4-mapped form is read canonical; a binding it cannot read is counted', async () => {
    const c = await read([
      binding({ sourceIp: '::ffff:185.220.101.47' }),
      binding({ sourceIp: '[2001:DB8::9]:5060' }),
      binding({ sourceIp: 'not-an-address' }),
      binding({ expiresAt: 'tomorrow' }),
      binding({ contact: 42 }),
      'garbage',
      binding({ contact: 'x'.repeat(9000) }),
    ]);
    expect(c.bindings!.map((b) => [b.sourceIp, b.flags.includes('trigger_ip')])).toEqual([
      ['185.220.101.47', true],
      ['2001:db8::9', false],
    ]);
    expect(c.unreadable).toBe(5);
  });

  it('a body that is not a registrations list is still "could not load"', async () => {
    for (const body of [{ registrations: 'x' }, [], { registrations: Array(1001).fill(binding()) }]) {
      const [c] = await liveDevices(
        [{ id: 'c1', username: 'acme-reception', label: 'Reception' }],
        { accountCountry: 'US', triggerIps: [] },
        answering(body),
      );
      expect(c).toMatchObject({ bindings: null, unreadable: 0 });
    }
  });
});

describe.each(dialects())('registered devices on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(() => sim.control('DELETE', '/_sim/faults'));

  async function blockedAccount() {
    const { account, users, creds } = await makeAccount();
    const [desk, pbx] = creds as [(typeof creds)[0], (typeof creds)[0]];
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
              expiresAt: future(),
            },
            {
              contact: `sip:${desk.username}@192.168.1.45:5060`,
              sourceIp: '198.51.100.20',
              userAgent: 'Yealink SIP-T46U',
              expiresAt: future(),
            },
          ],
        },
        {
          username: pbx.username,
          password: 'old-pbx-password',
          registrations: [
            {
              contact: `sip:${pbx.username}@8.8.8.8`,
              sourceIp: '8.8.8.8',
              userAgent: 'PBX',
              expiresAt: future(),
            },
          ],
        },
      ],
    });
    const block = await makeBlock(account.id, {
      calls: [{ sipUsername: desk.username, sourceIp: '185.220.101.47' }],
    });
    return { account, user: users[0]!, desk, pbx, block };
  }

  it('lists every credential of the block’s account with contact, country, user agent and expiry, flagged', async () => {
    const { user, desk, pbx, block } = await blockedAccount();
    const r = await devicesForBlock(user.id, block.id, client());
    expect(r?.accountCountry).toBe('US');
    const [d, p] = [
      r!.credentials.find((c) => c.id === desk.id)!,
      r!.credentials.find((c) => c.id === pbx.id)!,
    ];
    expect(d.bindings).toMatchObject([
      {
        contact: `sip:${desk.username}@185.220.101.47:5071`,
        sourceIp: '185.220.101.47',
        country: 'DE',
        userAgent: 'friendly-scanner',
        flags: ['trigger_ip', 'foreign_country', 'scanner'],
      },
      { sourceIp: '198.51.100.20', country: null, userAgent: 'Yealink SIP-T46U', flags: [] },
    ]);
    expect(d.bindings![0]!.expiresAt).toBeInstanceOf(Date);
    expect(p.bindings).toMatchObject([{ sourceIp: '8.8.8.8', country: 'US', flags: [] }]);
  });

  it('gives the block page the same devices from the block it has already read', async () => {
    const { user, block } = await blockedAccount();
    const view = await getBlockForUser(user.id, block.id);
    const fromView = await devicesOfBlock(view!, client());
    expect(fromView).toEqual(await devicesForBlock(user.id, block.id, client()));
    expect(fromView.credentials.map((c) => c.bindings?.length)).toEqual([2, 1]);
  });

  it('gives nothing for a block of another customer’s account', async () => {
    const { block } = await blockedAccount();
    const { users } = await makeAccount();
    expect(await devicesForBlock(users[0]!.id, block.id, client())).toBeNull();
    expect(await devicesForBlock(users[0]!.id, 'no-such-block', client())).toBeNull();
  });

  it('a failing switch makes that credential "could not load" (null), the others still load', async () => {
    const { user, desk, block } = await blockedAccount();
    await sim.control('PUT', '/_sim/faults', {
      failNext: 1,
      failStatus: 503,
      pathContains: `/${desk.username}/registrations`,
    });
    const r = await devicesForBlock(user.id, block.id, client());
    expect(r!.credentials.find((c) => c.id === desk.id)!.bindings).toBeNull();
    expect(r!.credentials.find((c) => c.id !== desk.id)!.bindings).toHaveLength(1);
  });

  it('a switch slower than the client’s timeout gives "could not load", not a wait for every retry', async () => {
    const { user, block } = await blockedAccount();
    await sim.control('PUT', '/_sim/faults', { delayMs: 1500, pathContains: '/registrations' });
    const r = await devicesForBlock(user.id, block.id, client(200));
    expect(r!.credentials.map((c) => c.bindings)).toEqual([null, null]);
    // Each credential was asked exactly once: no retries behind the page's back.
    const asked = (await sim.control('GET', '/_sim/requests')).body.requests.filter(
      (q: { path: string }) =>
        q.path.endsWith('/registrations') && r!.credentials.some((c) => q.path.includes(c.username)),
    );
    expect(asked).toHaveLength(2);
  });

  it('the reset page shows its credential alone, and a new password leaves it no binding', async () => {
    const { user, desk } = await blockedAccount();
    const before = await devicesForCredential(user.id, desk.id, client());
    expect(before!.credentials.map((c) => c.id)).toEqual([desk.id]);
    expect(before!.credentials[0]!.bindings!.map((b) => b.flags)).toEqual([
      ['trigger_ip', 'foreign_country', 'scanner'],
      [],
    ]);
    expect((await client().setSipPassword(desk.username, 'a-brand-new-desk-password', randomUUID())).ok).toBe(
      true,
    );
    expect((await devicesForCredential(user.id, desk.id, client()))!.credentials[0]!.bindings).toEqual([]);
    const { users } = await makeAccount();
    expect(await devicesForCredential(users[0]!.id, desk.id, client())).toBeNull();
  });
});
