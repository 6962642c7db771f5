import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { BindingList } from '@/components/devices/binding-list';
import { IpPlace } from '@/components/ui/ip-place';
import { SuspiciousList } from '@/components/devices/suspicious-devices';
import {
  type CredentialDevices,
  type FlagContext,
  liveDevices,
  OWN_NETWORK_MIN,
  OWN_NETWORK_MIN_CREDENTIALS,
  readableSwitchText,
  suspiciousBindings,
} from '@/lib/devices/registrations';
import { CATALOGUES } from '@/lib/i18n/translate';
import { createSwitchClient } from '@/lib/switch/client';
import { render, text } from '@/tests/helpers/intl-markup';

// A tester's PBX customer (ACC-TB52 on a demo: 45 SIP credentials, 1–14 devices each, office phones
// behind one NAT on 83.45.12.200, IPv6, scanners) read its registered devices and found: control
// characters of a user agent in the page's DOM (item 1), private and link-local sources shown as
// "country unknown" (item 2), a scanner on credential 131 found only in the 32nd of 45 sections, and
// 54 office phones each flagged as registered from the fraud's address, the office PBX's own (item 3).
// The read (lib/devices/registrations.ts) with a switch that answers as written here, and the pieces
// of the pages that show it, rendered.

const later = () => new Date(Date.now() + 3600_000).toISOString();
type Reg = { contact: string; sourceIp: string; userAgent: string; expiresAt?: string };

/**
 * A switch client whose registrations answer is the JSON text `bodyOf(username)` gives (raw text, so
 * that a test can write JSON escapes no JavaScript string keeps, such as half a surrogate pair).
 */
const switchAnswering = (bodyOf: (username: string) => string) =>
  createSwitchClient({
    baseUrl: 'http://switch.invalid',
    token: 't',
    retries: 0,
    log: () => {},
    fetch: (async (url: string | URL) => {
      const username = decodeURIComponent(String(url).split('/').at(-2)!);
      return new Response(bodyOf(username), { headers: { 'content-type': 'application/json' } });
    }) as typeof fetch,
  });
const listing = (regs: Reg[]) =>
  JSON.stringify({ registrations: regs.map((r) => ({ expiresAt: later(), ...r })) });

const cred = (username: string, label = username) => ({ id: `id-${username}`, username, label });

/** Any C0 control (tab and line breaks included), DEL or C1 control. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;

describe('switch-written text in a registration', () => {
  const TESTER_UA = 'Evil\u0007UA\u001b[31mred\r\nX-Injected: 1\u202eredro';

  it('has every control character replaced, C0, DEL and C1 alike, and a lone surrogate escaped', () => {
    expect(readableSwitchText(TESTER_UA)).toBe(
      'Evil\uFFFDUA\uFFFD[31mred\uFFFD\uFFFDX-Injected: 1\u202eredro',
    );
    for (const c of [
      '\u0000',
      '\u0001',
      '\t',
      '\n',
      '\u000b',
      '\r',
      '\u001f',
      '\u007f',
      '\u0080',
      '\u0085',
      '\u009b',
      '\u009f',
    ])
      expect(readableSwitchText(`a${c}b`), JSON.stringify(c)).toBe('a\uFFFDb');
    expect(readableSwitchText('a\ud800b')).toBe('a\\ud800b');
    expect(readableSwitchText('b\udc00')).toBe('b\\udc00');
    // What is not a control stays: a pair (an emoji), accents, an override (shown escaped by pages).
    expect(readableSwitchText('Señal 😀 \u202e \u00a0x')).toBe('Señal 😀 \u202e \u00a0x');
  });

  it('reaches the devices of every page without them: user agent and contact, as the switch sent them', async () => {
    // Half a surrogate pair written as a JSON escape: no JavaScript string literal could carry it here.
    const body = `{"registrations":[{"contact":"sip:evil@185.220.101.47:5060;x=\\u0000\\u001b[2J\\u0085","sourceIp":"185.220.101.47","userAgent":${JSON.stringify(TESTER_UA).replace('Evil', 'Evil\\ud800')},"expiresAt":"${later()}"},{"contact":"sip:desk@192.168.1.70:5060","sourceIp":"192.168.1.70","userAgent":"Yealink\\u009b\\u007fT46U\\tv2","expiresAt":"${later()}"}]}`;
    const [c] = await liveDevices(
      [cred('acme-reception', 'Reception')],
      { accountCountry: 'US', triggerIps: [] },
      switchAnswering(() => body),
    );
    const [evil, desk] = c!.bindings!;
    expect(evil!.userAgent).toBe('Evil\\ud800\uFFFDUA\uFFFD[31mred\uFFFD\uFFFDX-Injected: 1\u202eredro');
    expect(evil!.contact).toBe('sip:evil@185.220.101.47:5060;x=\uFFFD\uFFFD[2J\uFFFD');
    expect(desk!.userAgent).toBe('Yealink\uFFFD\uFFFDT46U\uFFFDv2');
    for (const b of c!.bindings!) {
      expect(b.userAgent).not.toMatch(CONTROLS);
      expect(b.contact).not.toMatch(CONTROLS);
    }
    // The scanner test still reads the cleaned text.
    expect(evil!.flags).toEqual(['foreign_country']);

    // As a page shows them: no control character in the markup, the override written out.
    const html = render(h(BindingList, { credential: c!, home: 'US' }));
    expect(html).not.toMatch(CONTROLS);
    expect(html).not.toContain('\u202e');
    expect(text(html)).toContain('Evil\\ud800�UA�[31mred��X-Injected: 1\\u202eredro');
  });
});

describe('where a device registers from, when that is no country', () => {
  it.each([
    [
      '192.168.1.70',
      'an internal address, inside a private network and not on the internet',
      'una dirección interna',
    ],
    [
      'fe80::1',
      'an internal address, inside a private network and not on the internet',
      'una dirección interna',
    ],
    [
      '100.64.0.1',
      'an internal address, inside a private network and not on the internet',
      'una dirección interna',
    ],
    [
      'fd00::1',
      'an internal address, inside a private network and not on the internet',
      'una dirección interna',
    ],
    ['198.51.100.20', 'an example address, not one in use on the internet', 'una dirección de ejemplo'],
    ['185.220.101.47', 'Germany', 'Alemania'],
  ])('%s reads "%s"', (ip, en, es) => {
    expect(text(render(h(IpPlace, { ip })))).toContain(`${ip} ${ip === '185.220.101.47' ? '🇩🇪 ' : ''}${en}`);
    expect(text(render(h(IpPlace, { ip }), 'es'))).toContain(es);
    expect(text(render(h(IpPlace, { ip })))).not.toContain('country unknown');
  });
});

describe('an office whose own PBX placed the fraud calls', () => {
  const OFFICE = '83.45.12.200'; // Spain, the account's country
  const ATTACKER = '185.220.101.47'; // Germany
  const ctx: FlagContext = { accountCountry: 'ES', triggerIps: [OFFICE, ATTACKER] };
  const phone = (n: number): Reg => ({
    contact: `sip:ext${n}@192.168.1.${n}:5060`,
    sourceIp: OFFICE,
    userAgent: 'Yealink SIP-T46U',
  });
  /** `phones` office phones spread over three credentials, and the attacker's scanner on a fourth. */
  async function read(phones: number) {
    const spread: Record<string, Reg[]> = { 'tb52-101': [], 'tb52-102': [], 'tb52-103': [] };
    for (let i = 0; i < phones; i++) spread[`tb52-10${(i % 3) + 1}`]!.push(phone(i + 10));
    spread['tb52-131'] = [
      { contact: `sip:x@${ATTACKER}:5071`, sourceIp: ATTACKER, userAgent: 'friendly-scanner' },
    ];
    return liveDevices(
      Object.keys(spread).map((u) => cred(u)),
      ctx,
      switchAnswering((u) => listing(spread[u]!)),
    );
  }

  it('flags its phones as behind the account’s own network, not as the attacker’s address', async () => {
    const read54 = await read(54);
    const office = read54.slice(0, 3).flatMap((c) => c.bindings!);
    expect(office).toHaveLength(54);
    for (const b of office) expect(b).toMatchObject({ flags: ['own_network'], sameAddress: 54 });
    // The attacker's machine, alone at its address, keeps what it is.
    expect(read54[3]!.bindings![0]).toMatchObject({
      flags: ['trigger_ip', 'foreign_country', 'scanner'],
      sameAddress: 1,
    });

    const html = render(h(BindingList, { credential: read54[0]!, home: 'ES' }));
    expect(text(html)).toContain(
      'The fraud calls that caused this block came through your own network or PBX at this address: 54 registered devices use it.',
    );
    expect(text(html)).not.toContain('Registered from an address the fraud calls');
    expect(text(render(h(BindingList, { credential: read54[0]!, home: 'ES' }), 'es'))).toContain(
      'pasaron por su propia red o central telefónica en esta dirección: 54 dispositivos registrados la usan',
    );
  });

  it(`counts from ${OWN_NETWORK_MIN} devices at the address: fewer are still "the fraud’s address"`, async () => {
    const few = (await read(OWN_NETWORK_MIN - 1)).slice(0, 3).flatMap((c) => c.bindings!);
    for (const b of few) expect(b.flags).toEqual(['trigger_ip']);
    const enough = (await read(OWN_NETWORK_MIN)).slice(0, 3).flatMap((c) => c.bindings!);
    for (const b of enough) expect(b.flags).toEqual(['own_network']);
  });

  it('never calls an address in another country the account’s own network', async () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ ...phone(i), sourceIp: ATTACKER }));
    const [c] = await liveDevices(
      [cred('tb52-101')],
      ctx,
      switchAnswering(() => listing(many)),
    );
    for (const b of c!.bindings!)
      expect(b).toMatchObject({ flags: ['trigger_ip', 'foreign_country'], sameAddress: 6 });
  });

  it('never lets one cracked credential pass for an office by registering many contacts (review, 2026-12-07)', async () => {
    // Six contacts at the office's own-country address, all of one credential (and then of
    // OWN_NETWORK_MIN_CREDENTIALS - 1): whoever holds that password made them.
    const six = Array.from({ length: 6 }, (_, i) => phone(i));
    const [alone] = await liveDevices(
      [cred('tb52-101')],
      ctx,
      switchAnswering(() => listing(six)),
    );
    for (const b of alone!.bindings!) expect(b).toMatchObject({ flags: ['trigger_ip'], sameAddress: 6 });
    const spread = Array.from({ length: OWN_NETWORK_MIN_CREDENTIALS - 1 }, (_, i) => cred(`tb52-10${i + 1}`));
    const few = await liveDevices(
      spread,
      ctx,
      switchAnswering(() => listing(six)),
    );
    for (const b of few.flatMap((c) => c.bindings!)) expect(b.flags).toEqual(['trigger_ip']);
  });

  it('never calls an address of no known country the account’s own network', async () => {
    const UNKNOWN = '198.51.100.20'; // a documentation address: no country
    const unknownCtx: FlagContext = { accountCountry: 'ES', triggerIps: [UNKNOWN] };
    const regs = Array.from({ length: 3 }, (_, i) => cred(`tb52-10${i + 1}`));
    const read = await liveDevices(
      regs,
      unknownCtx,
      switchAnswering(() =>
        listing(Array.from({ length: 2 }, (_, i) => ({ ...phone(i), sourceIp: UNKNOWN }))),
      ),
    );
    for (const b of read.flatMap((c) => c.bindings!))
      expect(b).toMatchObject({ flags: ['trigger_ip'], sameAddress: 6 });
  });
});

describe('the devices that look like an attacker’s, among 45 credentials', () => {
  const OFFICE = '83.45.12.200';
  /** ACC-TB52: 45 credentials tb52-101…145 with 1–14 office devices each; a scanner on 131, from abroad. */
  async function tb52(extra: Record<string, Reg[]> = {}) {
    const credentials = Array.from({ length: 45 }, (_, i) => cred(`tb52-${101 + i}`, `Extension ${101 + i}`));
    const regs = (u: string): Reg[] => {
      const n = Number(u.slice(-3)) - 100;
      const own: Reg[] = Array.from({ length: (n % 14) + 1 }, (_, i) => ({
        contact: `sip:${u}@${i % 2 ? `[fe80::${i}]` : `192.168.1.${i + 2}`}:5060`,
        sourceIp: i % 3 === 2 ? '2a0c:5a80::10' : OFFICE, // a mobile softphone on IPv6, in Spain
        userAgent: i % 2 ? 'Grandstream GXP2170' : 'Yealink SIP-T46U',
      }));
      return [...own, ...(extra[u] ?? [])];
    };
    const devices = await liveDevices(
      credentials,
      { accountCountry: 'ES', triggerIps: [OFFICE] },
      switchAnswering((u) => listing(regs(u))),
    );
    return { accountCountry: 'ES', credentials: devices };
  }
  const scanner: Reg = {
    contact: 'sip:tb52-131@[2a0b:f4c0::66]:5060',
    sourceIp: '2a0b:f4c0::66',
    userAgent: 'friendly-scanner',
  };
  const toReset = (id: string) => `/credentials/${id}/reset?block=blk-1`;

  it('lists the scanner at the top, naming its credential and linking its reset page', async () => {
    const devices = await tb52({ 'tb52-131': [scanner] });
    expect(
      suspiciousBindings(devices.credentials).map((s) => [s.credential.username, s.binding.sourceIp]),
    ).toEqual([['tb52-131', '2a0b:f4c0::66']]);
    const html = render(h(SuspiciousList, { devices, href: toReset }));
    // A region named by its heading, with a list.
    expect(html).toMatch(
      /^<section aria-labelledby="suspicious-devices"[^>]*><h2 id="suspicious-devices"[^>]*>Devices that look like an attacker’s<\/h2>/,
    );
    expect(html).toContain('<ul aria-labelledby="suspicious-devices"');
    expect([...html.matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => m[1])).toEqual([toReset('id-tb52-131')]);
    const words = text(html);
    expect(words).toContain('One registered device looks like an attacker’s');
    expect(words).toContain('Extension 131 (tb52-131)');
    expect(words).toContain('Registered from 2a0b:f4c0::66 🇩🇪 Germany');
    expect(words).toContain('Device software: friendly-scanner');
    expect(words).toContain('Software that guesses SIP passwords, not a phone.');
    expect(words).toContain('An address in Germany, not in the account’s country (Spain).');
    expect(words).toContain('Change the SIP password of Extension 131 (tb52-131)');
    // Not the block page's own "Reset SIP password" buttons' name (e2e finds those by it).
    expect(words.toLowerCase()).not.toContain('reset sip password');

    const es = text(render(h(SuspiciousList, { devices, href: toReset }), 'es'));
    expect(es).toContain('Dispositivos que parecen de un atacante');
    expect(es).toContain('Un dispositivo registrado parece de un atacante');
    expect(es).toContain('Una dirección en Alemania, no en el país de la cuenta (España).');
    expect(es).toContain('Cambiar la contraseña SIP de Extension 131 (tb52-131)');
  });

  it('lists a phone registered from another country too, and says so; a scanner at home only as a scanner', async () => {
    const devices = await tb52({
      'tb52-107': [
        { contact: 'sip:tb52-107@81.2.69.142', sourceIp: '81.2.69.142', userAgent: 'Yealink SIP-T46U' },
      ],
      'tb52-140': [{ contact: 'sip:tb52-140@83.45.12.9', sourceIp: '83.45.12.9', userAgent: 'sipcli/v1.8' }],
    });
    const words = text(render(h(SuspiciousList, { devices, href: toReset })));
    expect(words).toContain('2 registered devices look like an attacker’s');
    expect(words).toMatch(
      /Extension 107 \(tb52-107\).*United Kingdom.*An address in United Kingdom, not in the account’s country \(Spain\)\./,
    );
    expect(words).toMatch(
      /Extension 140 \(tb52-140\).*Spain.*sipcli\/v1\.8 Software that guesses SIP passwords, not a phone\. Change/,
    );
  });

  it('shows nothing when no device looks like an attacker’s: office phones, internal and IPv6 addresses', async () => {
    const devices = await tb52();
    expect(devices.credentials.flatMap((c) => c.bindings!).length).toBeGreaterThan(300);
    expect(render(h(SuspiciousList, { devices, href: toReset }))).toBe('');
  });

  it('says why the devices of a credential were not read, and lists nothing for it', () => {
    const notRead: CredentialDevices = {
      ...cred('tb52-131'),
      bindings: null,
      notRead: { reason: 'failed' },
      unreadable: 0,
    };
    expect(suspiciousBindings([notRead])).toEqual([]);
    expect(text(render(h(BindingList, { credential: notRead, home: 'ES' })))).toContain(
      CATALOGUES.en.devices.couldNotLoad,
    );
    const paused = {
      ...notRead,
      notRead: { reason: 'paused' as const, until: new Date('2026-12-07T10:15:30Z') },
    };
    expect(render(h(BindingList, { credential: paused, home: 'ES' }))).toContain(
      '<time dateTime="2026-12-07T10:15:30.000Z">Dec 7, 2026, 10:15:30 AM GMT+0</time>',
    );
  });
});
