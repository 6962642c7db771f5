import { createElement as h } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BindingList } from '@/components/devices/binding-list';
import { RetypeWords } from '@/components/devices/devices-to-retype';
import { SuspiciousList } from '@/components/devices/suspicious-devices';
import { StaffDeviceList } from '@/components/staff/account-devices';
import {
  type CredentialDevices,
  devicesForCredential,
  type FlagContext,
  flagsFor,
  liveDevices,
  OWN_NETWORK_MIN,
  suspiciousBindings,
} from '@/lib/devices/registrations';
import { reportedUserAgent } from '@/lib/devices/user-agent';
import { createSwitchClient } from '@/lib/switch/client';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// A tester (2026-12) registered a SIP scanner whose User-Agent was "friendly-scanner" and 260 "a"s
// on the reference Kamailio switch. Its registrar records no User-Agent of 255 bytes or more (it
// writes "n/a"), the switch API passed "n/a" on, and the portal showed "Device software n/a" with no
// flag, left it out of "Devices that look like an attacker’s", and on the reset page called it one of
// the customer's phones: "tally-pbx label (n/a, 127.0.0.78) will stop making and receiving all calls".
// A device that does not say what it is (`""`, or a registrar's `n/a`) is now flagged `no_user_agent`.

const later = () => new Date(Date.now() + 3600_000).toISOString();
type Reg = { contact: string; sourceIp: string; userAgent: string };
const cred = (username: string, label = username) => ({ id: `id-${username}`, username, label });

/** A switch client whose registrations answer, for each username, is `regs(username)`. */
const switchAnswering = (regs: (username: string) => Reg[]) =>
  createSwitchClient({
    baseUrl: 'http://switch.invalid',
    token: 't',
    retries: 0,
    log: () => {},
    fetch: (async (url: string | URL) => {
      const username = decodeURIComponent(String(url).split('/').at(-2)!);
      return Response.json({ registrations: regs(username).map((r) => ({ expiresAt: later(), ...r })) });
    }) as typeof fetch,
  });

const SCANNER: Reg = { contact: 'sip:tally-pbx@127.0.0.78:5060', sourceIp: '127.0.0.78', userAgent: 'n/a' };
const PHONE: Reg = {
  contact: 'sip:tally-pbx@192.168.1.45',
  sourceIp: '198.51.100.20',
  userAgent: 'Yealink SIP-T46U',
};
const US: FlagContext = { accountCountry: 'US', triggerIps: [] };

describe('a user agent that says nothing', () => {
  it('is "", white space or a registrar’s "n/a" in any case; anything else is what the device said', () => {
    for (const ua of ['', '  ', 'n/a', 'N/A', 'N/a', ' n/a ']) expect(reportedUserAgent(ua), ua).toBe('');
    for (const ua of ['Yealink SIP-T46U', 'n/a-phone 1.0', 'friendly-scanner', 'n/ab'])
      expect(reportedUserAgent(ua), ua).toBe(ua);
  });

  it('flags no_user_agent wherever the device registers from; a phone’s or a scanner’s name is not', () => {
    for (const userAgent of ['', 'n/a', 'N/A'])
      for (const [ip, country] of [
        ['127.0.0.78', null],
        ['8.8.8.8', 'US'],
      ] as const)
        expect(flagsFor({ sourceIp: ip, userAgent }, country, US), `${userAgent} ${ip}`).toEqual([
          'no_user_agent',
        ]);
    expect(flagsFor({ sourceIp: '8.8.8.8', userAgent: 'Yealink SIP-T46U' }, 'US', US)).toEqual([]);
    expect(flagsFor({ sourceIp: '8.8.8.8', userAgent: 'friendly-scanner' }, 'US', US)).toEqual(['scanner']);
    // Left out, a user agent is not looked at (the address-only checks).
    expect(flagsFor({ sourceIp: '8.8.8.8' }, 'US', US)).toEqual([]);
    // With the address's own flags.
    expect(
      flagsFor({ sourceIp: '185.220.101.47', userAgent: 'n/a' }, 'DE', {
        accountCountry: 'US',
        triggerIps: ['185.220.101.47'],
      }),
    ).toEqual(['trigger_ip', 'foreign_country', 'no_user_agent']);
  });

  it('is read as "" and flagged, from a switch that sends "" or passes Kamailio’s "n/a" on', async () => {
    const [c] = await liveDevices(
      [cred('tally-pbx', 'tally-pbx label')],
      US,
      switchAnswering(() => [
        SCANNER,
        { ...SCANNER, userAgent: 'N/A', contact: 'sip:x@127.0.0.79' },
        { ...SCANNER, userAgent: '', contact: 'sip:y@127.0.0.80' },
        PHONE,
      ]),
    );
    expect(c!.bindings!.map((b) => [b.userAgent, b.flags])).toEqual([
      ['', ['no_user_agent']],
      ['', ['no_user_agent']],
      ['', ['no_user_agent']],
      ['Yealink SIP-T46U', []],
    ]);
  });
});

describe('an office whose own network placed the fraud calls, and devices with no name there', () => {
  const OFFICE = '83.45.12.200'; // Spain, the account's country
  const ctx: FlagContext = { accountCountry: 'ES', triggerIps: [OFFICE] };
  /** `phones` office phones and `nameless` devices with no user agent, at the office, over three credentials. */
  const read = (phones: number, nameless: number) => {
    const all: Reg[] = [
      ...Array.from({ length: phones }, (_, i) => ({
        contact: `sip:ext${i}@192.168.1.${i + 10}`,
        sourceIp: OFFICE,
        userAgent: 'Yealink SIP-T46U',
      })),
      ...Array.from({ length: nameless }, (_, i) => ({
        contact: `sip:x${i}@${OFFICE}:${5070 + i}`,
        sourceIp: OFFICE,
        userAgent: 'n/a',
      })),
    ];
    const users = ['tb52-101', 'tb52-102', 'tb52-103'];
    return liveDevices(
      users.map((u) => cred(u)),
      ctx,
      switchAnswering((u) => all.filter((_, i) => i % 3 === users.indexOf(u))),
    );
  };

  it(`never count towards its ${OWN_NETWORK_MIN} devices: ${OWN_NETWORK_MIN - 1} phones and nameless devices are still "the fraud’s address"`, async () => {
    const bindings = (await read(OWN_NETWORK_MIN - 1, 3)).flatMap((c) => c.bindings!);
    expect(bindings).toHaveLength(OWN_NETWORK_MIN + 2);
    for (const b of bindings) {
      expect(b.flags).toContain('trigger_ip');
      expect(b.flags).not.toContain('own_network');
      expect(b.sameAddress).toBe(OWN_NETWORK_MIN + 2);
    }
  });

  it(`with ${OWN_NETWORK_MIN} phones it is the office; a nameless device there keeps its own flag`, async () => {
    const bindings = (await read(OWN_NETWORK_MIN, 1)).flatMap((c) => c.bindings!);
    expect(bindings.filter((b) => b.userAgent).map((b) => b.flags)).toEqual(
      Array(OWN_NETWORK_MIN).fill(['own_network']),
    );
    expect(bindings.find((b) => !b.userAgent)!.flags).toEqual(['own_network', 'no_user_agent']);
  });
});

describe('the pages, for a device that did not say what it is', () => {
  const devices = async () => ({
    accountCountry: 'US',
    credentials: await liveDevices(
      [cred('tally-pbx', 'tally-pbx label'), cred('tally-desk', 'Front desk')],
      US,
      switchAnswering((u) => (u === 'tally-pbx' ? [SCANNER, PHONE] : [PHONE])),
    ),
  });
  const toReset = (id: string) => `/credentials/${id}/reset`;

  it('lists it among the devices that look like an attacker’s, with its own reason', async () => {
    const d = await devices();
    expect(suspiciousBindings(d.credentials).map((s) => [s.credential.username, s.binding.sourceIp])).toEqual(
      [['tally-pbx', '127.0.0.78']],
    );
    const en = text(render(h(SuspiciousList, { devices: d, href: toReset })));
    expect(en).toContain(
      'One registered device looks like an attacker’s: software that guesses SIP passwords, a device that does not say what it is, an address in another country, or the address the fraud calls came from.',
    );
    expect(en).toContain('tally-pbx label (tally-pbx)');
    expect(en).toContain('Device software: not reported');
    expect(en).toContain('It did not say what it is, which phones and PBX systems almost always do.');
    expect(en).toContain('Change the SIP password of tally-pbx label (tally-pbx)');
    expect(en).not.toContain('n/a');
    const es = text(render(h(SuspiciousList, { devices: d, href: toReset }), 'es'));
    expect(es).toContain('Software del dispositivo: no indicado');
    expect(es).toContain('No ha dicho qué es, algo que los teléfonos y las centralitas casi siempre hacen.');
    expect(es).toContain('un dispositivo que no dice qué es');
    const staff = text(render(h(SuspiciousList, { devices: d, href: toReset, audience: 'staff' })));
    expect(staff).toContain('a device that does not say what it is');
    expect(staff).toContain('the customer should change it');
  });

  it('reads "Device software not reported" with the flag in words, for the customer and for an agent', async () => {
    const [pbx] = (await devices()).credentials;
    const en = text(render(h(BindingList, { credential: pbx!, home: 'US' })));
    expect(en).toContain('Device software not reported');
    expect(en).not.toContain('n/a');
    expect(en).toContain(
      'This device did not say what it is, which phones and PBX systems almost always do. If you do not recognise its address, treat it as an intruder’s: change this SIP password.',
    );
    // The phone next to it is not flagged.
    expect(en.match(/did not say what it is/g)).toHaveLength(1);
    expect(text(render(h(BindingList, { credential: pbx!, home: 'US' }), 'es'))).toContain(
      'Este dispositivo no ha dicho qué es, algo que los teléfonos y las centralitas casi siempre hacen. Si no reconoce su dirección, trátelo como el de un intruso: cambie esta contraseña SIP.',
    );

    // The staff account page: the agent is not the one who recognises the address or changes the password.
    const staffDevices = {
      accountCountry: 'US',
      credentials: [{ ...pbx!, passwordChangedAt: null, unsettled: false }],
    };
    const staff = text(render(h(StaffDeviceList, { devices: staffDevices })));
    expect(staff).toContain(
      'If the customer does not recognise its address, treat it as an intruder’s: the customer should change this SIP password.',
    );
    expect(staff).not.toContain('If you do not recognise');
    expect(text(render(h(StaffDeviceList, { devices: staffDevices }), 'es'))).toContain(
      'Si el cliente no reconoce su dirección, trátelo como el de un intruso: el cliente debe cambiar esta contraseña SIP.',
    );
  });

  it('on the reset page: logged out too, never one of the customer’s phones, and not one to retype', async () => {
    const [pbx] = (await devices()).credentials;
    const before = text(render(h(RetypeWords, { devices: pbx!, when: 'before' })));
    expect(before).toContain(
      'A device that did not say what it is, at 127.0.0.78, will be logged out too. It is flagged under “Registered devices” below: phones and PBX systems almost always say what they are, so if you do not recognise that address, that is what you want.',
    );
    expect(before).toContain(
      'tally-pbx label (Yealink SIP-T46U, 198.51.100.20) will stop making and receiving all calls, national ones too',
    );
    expect(before).not.toMatch(/tally-pbx label \((n\/a, )?127\.0\.0\.78\)/);
    expect(text(render(h(RetypeWords, { devices: pbx!, when: 'before' }), 'es'))).toContain(
      'Un dispositivo que no ha dicho qué es, en 127.0.0.78, también quedará desconectado.',
    );
    const after = text(render(h(RetypeWords, { devices: pbx!, when: 'after' })));
    expect(after).toContain('Type the new password into this device:');
    expect(after).toContain('tally-pbx label (Yealink SIP-T46U, 198.51.100.20)');
    expect(after).not.toContain('127.0.0.78');
    // Alone, there is nothing to type the password into.
    const alone: CredentialDevices = { ...pbx!, bindings: pbx!.bindings!.filter((b) => !b.userAgent) };
    expect(text(render(h(RetypeWords, { devices: alone, when: 'after' }))).trim()).toBe('');
  });
});

describe.each(dialects())('a reset page read from the switch simulator on %s', (dialect) => {
  let sim: TestSim;
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(() => sim.stop());

  it('the tester’s scanner, "n/a" from the switch, is flagged and not called a phone', async () => {
    const { account, users, creds } = await makeAccount({ credentials: ['tally-pbx-' + dialect] });
    const pbx = creds[0]!;
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'allowed',
      credentials: [
        {
          username: pbx.username,
          password: 'old-tally-password',
          registrations: [{ ...SCANNER, expiresAt: later() }],
        },
      ],
    });
    const client = createSwitchClient({ baseUrl: sim.url, token: TOKEN, retries: 0, log: () => {} });
    const read = await devicesForCredential(users[0]!.id, pbx.id, client);
    const [c] = read!.credentials;
    expect(c!.bindings).toMatchObject([{ sourceIp: '127.0.0.78', userAgent: '', flags: ['no_user_agent'] }]);
    expect(text(render(h(RetypeWords, { devices: c!, when: 'before' })))).toContain(
      'A device that did not say what it is, at 127.0.0.78, will be logged out too.',
    );
    expect(text(render(h(RetypeWords, { devices: c!, when: 'after' }))).trim()).toBe('');
  });
});
