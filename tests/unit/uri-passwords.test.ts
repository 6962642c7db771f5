import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { RegisteredDeviceList } from '@/components/devices/registered-devices';
import { asReceived, readTriggerCalls } from '@/lib/blocks/trigger-calls';
import { CATALOGUES } from '@/lib/i18n/translate';
import { HIDDEN_URI_PASSWORD, hideUriPasswords } from '@/lib/phone/uri';
import { readRegistrations, REGISTRATION_TEXT_MAX } from '@/lib/switch/schemas';
import { binding } from '@/tests/helpers/device-binding';
import { render, text } from '@/tests/helpers/intl-markup';

// A SIP password in a URI's userinfo (RFC 3261 §19.1.1 `user:password@host`, "NOT RECOMMENDED")
// reached the customer's page: a registration's contact was shown as the switch holds it, and a
// trigger call's unread From was kept and shown as received (session 52's note, left alone). Every
// way the portal takes such text in now hides the password.

const H = HIDDEN_URI_PASSWORD;

describe('hideUriPasswords', () => {
  it.each([
    ['sip:desk:s3cret@198.51.100.20:5060;transport=tcp', `sip:desk:${H}@198.51.100.20:5060;transport=tcp`],
    ['sips:desk:s3cret@[2001:db8::1]:5061', `sips:desk:${H}@[2001:db8::1]:5061`],
    ['SIP:Desk:S3cret@h', `SIP:Desk:${H}@h`],
    // A name-addr with parameters and a second binding of a Contact list.
    ['"Desk" <sip:desk:a,b&c=d@h>;expires=60, <sip:b@h2>', `"Desk" <sip:desk:${H}@h>;expires=60, <sip:b@h2>`],
    // RFC 3261's password characters ("&" "=" "+" "$" "," and escapes) all hidden.
    ['sip:u:a%40b+c$d=e&f,g@h', `sip:u:${H}@h`],
    // An unescaped "@" inside the password: none of its tail is shown.
    ['sip:u:p@ss@h', `sip:u:${H}@h`],
    // A telephone-subscriber user part keeps its parameters.
    ['sip:+15555550123;isub=1:pw@h;user=phone', `sip:+15555550123;isub=1:${H}@h;user=phone`],
    ['<sip:u:p@h>;+sip.instance="<urn:uuid:1>"', `<sip:u:${H}@h>;+sip.instance="<urn:uuid:1>"`],
    // Malformed but sent: spaces in the user part or the password.
    ['sip:front desk:my pass@h', `sip:front desk:${H}@h`],
    // Wherever the scheme starts, escaped or not (a word before it: more hidden, never less).
    ['%3Csip:desk:s3cret@h%3E', `<sip:desk:${H}@h>`],
    ['x_sip:desk:s3cret@h', `x_sip:desk:${H}@h`],
    ['sip%3Adesk%3As3cret%40h', `sip:desk:${H}@h`],
    ['sip:desk%3As3cret@h', `sip:desk:${H}@h`],
    // Escaped twice, with no scheme, another scheme, a provisioning URL in a user agent (tester, 2026-12).
    ['sip%253Adesk%253ADbl3nc0ded%2540host.example', `sip:desk:${H}@host.example`],
    ['desk:NoScheme55@192.168.1.52', `desk:${H}@192.168.1.52`],
    ['tel:desk:TelPw11@192.168.1.52', `tel:desk:${H}@192.168.1.52`],
    ['MyPBX admin:UaNoScheme9@pbx.example', `MyPBX admin:${H}@pbx.example`],
    ['Provisioned from http://admin:HttpPw3@10.0.0.1/cfg', `Provisioned from http://admin:${H}@10.0.0.1/cfg`],
    ['FPBX sip%253Aroot%253ADblUa8%2540pbx', `FPBX sip:root:${H}@pbx`],
    ['sip:desk:1234@h', `sip:desk:${H}@h`],
    // Two URIs, two passwords.
    ['<sip:a:1@h>, <sip:b:2@h>', `<sip:a:${H}@h>, <sip:b:${H}@h>`],
  ])('hides the password of %s', (text, shown) => {
    expect(hideUriPasswords(text)).toEqual({ text: shown, hidden: true });
  });

  it.each([
    'sip:desk@198.51.100.20:5060;transport=tcp',
    'sip:198.51.100.20:5060',
    '<sip:[2001:db8::1]:5060>',
    'tel:+15555550123;phone-context=example.com',
    'friendly-scanner',
    '',
    // A host's port and parameters, with an "@" in a parameter.
    'sip:[2001:db8::1]:5060;x=a@b',
    'sip:pbx.example.com:5060;x-owner=ops@example',
    // Free text in a user agent with a colon and an address: no password.
    'Foo 1.2 (build: 2024) support@vendor.example',
    'Yealink SIP-T46U 108.86.0.20',
    'mailto support@vendor.example',
    '100%25 cotton',
  ])('leaves %j as it is', (text) => {
    expect(hideUriPasswords(text)).toEqual({ text, hidden: false });
  });

  it('hides more than the password, never less, in a list without spaces whose first URI has no user', () => {
    const { text } = hideUriPasswords('sip:h:5060,sip:b:pw@h2');
    expect(text).not.toContain('pw');
  });
});

describe('a registration read from the switch', () => {
  const read = (contact: string) =>
    readRegistrations({
      registrations: [
        {
          contact,
          sourceIp: '198.51.100.20',
          userAgent: 'Grandstream GXP2170',
          expiresAt: '2026-12-07T10:00:00Z',
        },
      ],
    })!.registrations[0]!;

  it('keeps its contact with the password hidden, and says so', () => {
    const r = read('sip:desk:s3cret@192.168.1.45:5060');
    expect(r.contact).toBe(`sip:desk:${H}@192.168.1.45:5060`);
    expect(r.passwordHidden).toBe(true);
    expect(read('sip:desk@192.168.1.45:5060').passwordHidden).toBe(false);
  });

  it('hides a password that runs past the length Tollgate keeps before cutting the contact', () => {
    // Cut first, the password would lose its "@" at the cut and be kept in the first 499 characters.
    const head = 'sip:desk:';
    const secret = 'x'.repeat(REGISTRATION_TEXT_MAX);
    const r = read(`${head}${secret}@192.168.1.45:5060`);
    expect(r.contact).toBe(`${head}${H}@192.168.1.45:5060`);
    expect(r.contact).not.toContain('xx');
    expect(r.shortened).toEqual([]);
    expect(r.passwordHidden).toBe(true);
  });
});

describe('a registration’s user agent', () => {
  const read = (userAgent: string) =>
    readRegistrations({
      registrations: [
        {
          contact: 'sip:desk@192.168.1.45',
          sourceIp: '198.51.100.20',
          userAgent,
          expiresAt: '2026-12-07T10:00:00Z',
        },
      ],
    })!.registrations[0]!;

  it('loses a SIP URI’s password too', () => {
    const r = read('PBX sip:trunk:s3cret@pbx.example');
    expect(r.userAgent).toBe(`PBX sip:trunk:${H}@pbx.example`);
    expect(r.passwordHidden).toBe(true);
  });

  it('names a scanner past the length Tollgate keeps, looked for before the cut', () => {
    const r = read(`${'a'.repeat(600)}friendly-scanner`);
    expect(r.userAgent).not.toContain('friendly-scanner');
    expect(r.scannerUserAgent).toBe(true);
    expect(read('Yealink SIP-T46U 108.86.0.20').scannerUserAgent).toBe(false);
  });
});

describe('a trigger call’s text kept as received', () => {
  it('never keeps a password of a From that is not a username', () => {
    expect(asReceived('sip:bad user:s3cret@203.0.113.9')).toBe(`sip:bad user:${H}@203.0.113.9`);
    const { kept: calls } = readTriggerCalls(
      [
        {
          at: '2026-12-07T06:00:00Z',
          to: '+252611234567',
          durationSec: 30,
          from: '"Desk" <sip:not a username:s3cret@203.0.113.9>;tag=1',
          sourceIp: '203.0.113.9',
        },
      ],
      'US',
      new Date('2026-12-07T06:01:00Z'),
    );
    expect(JSON.stringify(calls)).not.toContain('s3cret');
  });

  it('reads the username of a From that carries a password, without the password', () => {
    const { kept: calls } = readTriggerCalls(
      [
        {
          at: '2026-12-07T06:00:00Z',
          to: '+252611234567',
          durationSec: 30,
          from: '<sip:acme-reception:s3cret@203.0.113.9>',
          sourceIp: '203.0.113.9',
        },
      ],
      'US',
      new Date('2026-12-07T06:01:00Z'),
    );
    expect(calls[0]).toMatchObject({ sipUsername: 'acme-reception' });
    expect(JSON.stringify(calls)).not.toContain('s3cret');
  });
});

describe('the device list', () => {
  it.each(['en', 'es'] as const)(
    'says in %s why a device with a password in its contact needs a look',
    (locale) => {
      const leaking = binding({ contact: `sip:desk:${H}@192.168.1.45:5060`, flags: ['password_in_contact'] });
      const devices = {
        accountCountry: 'ES',
        credentials: [
          {
            id: 'c1',
            username: 'acme-desk',
            label: 'Front desk',
            bindings: [leaking],
            notRead: null,
            unreadable: 0,
          },
        ],
      };
      const html = render(h(RegisteredDeviceList, { devices }), locale);
      expect(text(html)).toContain(CATALOGUES[locale].devices.flag.passwordInContact);
      expect(html).toContain('border-red-300');
      const quiet = render(
        h(RegisteredDeviceList, {
          devices: { ...devices, credentials: [{ ...devices.credentials[0]!, bindings: [binding({})] }] },
        }),
        locale,
      );
      expect(text(quiet)).not.toContain(CATALOGUES[locale].devices.flag.passwordInContact);
    },
  );
});
