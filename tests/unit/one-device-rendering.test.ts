import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { RegisteredDeviceList } from '@/components/devices/registered-devices';
import { StaffDeviceList } from '@/components/staff/account-devices';
import type { CredentialDevices, StaffCredentialDevices } from '@/lib/devices/registrations';
import { CATALOGUES } from '@/lib/i18n/translate';
import { attacker, binding } from '@/tests/helpers/device-binding';
import { render, text } from '@/tests/helpers/intl-markup';

// Two components rendered a credential's registered devices: the customer's "Registered devices"
// (user agent first, the contact under "Technical details", IpPlace) and the staff account page's
// BindingList (the contact first and shown plainly, its own address words). Now BindingList is the one
// rendering, in the customer's layout, on both pages; these render each page's list from the same
// read and compare them.

const scanner = binding({
  ...attacker,
  contact: 'sip:desk@185.220.101.47:5071;transport=tcp',
  shortened: ['contact'],
});
const office = binding({ sourceIp: '83.45.12.200', country: 'ES', flags: ['own_network'], sameAddress: 7 });
const example = binding({ userAgent: '', shortened: ['userAgent'] });

const credential = (over: Partial<CredentialDevices>): StaffCredentialDevices => ({
  id: 'cred-desk',
  username: 'acme-desk',
  label: 'Front desk phone',
  bindings: [scanner, binding({ sourceIp: '192.168.1.70' }), office, example],
  notRead: null,
  unreadable: 0,
  passwordChangedAt: null,
  unsettled: false,
  ...over,
});
const failed = credential({
  id: 'c-failed',
  username: 'acme-f',
  bindings: null,
  notRead: { reason: 'failed' },
});
const paused = credential({
  id: 'c-paused',
  username: 'acme-p',
  bindings: null,
  notRead: { reason: 'paused', until: new Date('2026-12-07T10:15:30Z') },
});
const none = credential({ id: 'c-none', username: 'acme-n', bindings: [] });
const someUnreadable = credential({ id: 'c-u', username: 'acme-u', bindings: [], unreadable: 2 });
const devices = { accountCountry: 'ES', credentials: [credential({}), failed, paused, none, someUnreadable] };

/**
 * Each credential's part of a page's list, in order: what follows its heading (and on the staff page
 * the line of its password's last change) up to the end of its box.
 */
function parts(html: string): string[] {
  return html
    .split('<h3 class="font-medium">')
    .slice(1)
    .map((piece) =>
      piece
        .slice(piece.indexOf('</h3>') + '</h3>'.length)
        .replace(/^<p class="text-sm text-slate-700">.*?<\/p>/, '')
        .replace(/<\/div>(?:<div[^>]*>|<\/div>)$/, ''),
    );
}

describe('a credential’s registered devices, one rendering on the customer’s and the staff pages', () => {
  it.each(['en', 'es'] as const)(
    'renders the same list, not-read, none and unreadable states on both (%s)',
    (locale) => {
      const customer = parts(render(h(RegisteredDeviceList, { devices }), locale));
      const staff = parts(render(h(StaffDeviceList, { devices }), locale));
      expect(customer).toHaveLength(5);
      // The same markup, but for the flags' words and what is said of the switch's reads: each reader
      // is told in its own (the next test; tests/unit/staff-device-words.test.ts).
      const s = CATALOGUES[locale].staff.devices;
      const d0 = CATALOGUES[locale].devices;
      const staffSaid = (part: string) =>
        part
          .replace(/<ul class="mt-2 list-disc[^"]*">.*?<\/ul>/g, '<ul flags></ul>')
          .replaceAll(s.shortened, d0.shortened)
          .replace(/<p[^>]*>[^<]*(?:switch|el switch)[^<]*<\/p>/gi, '<p said></p>');
      const customerSaid = (part: string) =>
        part
          .replace(/<ul class="mt-2 list-disc[^"]*">.*?<\/ul>/g, '<ul flags></ul>')
          .replace(/<p[^>]*>[^<]*(?:phone system|nuestra central)[^<]*<\/p>/gi, '<p said></p>');
      expect(staff.map(staffSaid)).toEqual(customer.map(customerSaid));
      expect(staff[0]).not.toEqual(customer[0]);
      const d = CATALOGUES[locale].devices;
      // Why a credential was not read is said once for the section, above the list (one status:
      // components/devices/binding-list.tsx DevicesNotRead); each credential carries a short note.
      for (const [html, words] of [
        [render(h(RegisteredDeviceList, { devices }), locale), d],
        [render(h(StaffDeviceList, { devices }), locale), s],
      ] as const) {
        const above = html.slice(0, html.indexOf('<h3 class="font-medium">'));
        expect(above.match(/role="status"/g)).toHaveLength(1);
        expect(text(above)).toContain(words.couldNotLoad);
        expect(above).toContain('<time dateTime="2026-12-07T10:15:30.000Z">');
      }
      expect(customer[1]).not.toContain('role="status"');
      expect(text(customer[1]!)).not.toContain(d.couldNotLoad);
      expect(text(customer[2]!)).not.toContain(d.couldNotLoad);
      expect(text(customer[3]!)).toContain(d.none);
      expect(text(customer[4]!)).not.toContain(d.none);
      expect(customer[4]).not.toContain('<ul');
      expect(text(customer[4]!)).toMatch(
        locale === 'en' ? /2 registrations that could not be read/ : /2 registros/,
      );
    },
  );

  it('keeps the customer’s layout: device software, then where from, then when it ends; the contact under "Technical details"', () => {
    for (const [html, who] of [
      [render(h(RegisteredDeviceList, { devices })), 'our phone system'],
      [render(h(StaffDeviceList, { devices })), 'the switch'],
    ] as const) {
      const items = [
        ...html.matchAll(/<ul aria-label="Devices registered as acme-desk"[^>]*>(.*?)<\/ul><\/div>/g),
      ];
      expect(items).toHaveLength(1);
      const first = items[0]![1]!.split('</li><li')[0]!;
      const terms = [...first.matchAll(/<dt[^>]*>(.*?)<\/dt>/g)].map((m) => m[1]);
      expect(terms).toEqual([
        'Device software',
        'From',
        'Registration ends',
        'Address the device gave (SIP Contact)',
      ]);
      // The contact is folded, closed, under "Technical details"; the other terms are not.
      const folded = first.match(/<details[^>]*><summary[^>]*>(.*?)<\/summary>(.*?)<\/details>/);
      expect(folded?.[1]).toBe('Technical details');
      expect(text(folded![2]!)).toContain(
        `Address the device gave (SIP Contact) sip:desk @185.220.101.47 :5071 ;transport=tcp (shortened: ${who} sent more)`,
      );
      expect(first.indexOf('<details')).toBeGreaterThan(first.indexOf('Registration ends'));
    }
  });

  it('says where each address is in IpPlace’s words, and every flag in words for its reader, on both pages', () => {
    for (const locale of ['en', 'es'] as const) {
      const ip = CATALOGUES[locale].ipPlace;
      const customer = CATALOGUES[locale].devices.flag;
      const support = CATALOGUES[locale].staff.devices.flag;
      for (const [node, f, other] of [
        [h(RegisteredDeviceList, { devices }), customer, support],
        [h(StaffDeviceList, { devices }), support, customer],
      ] as const) {
        const words = text(render(node, locale));
        expect(words).toContain(`192.168.1.70 ${ip.internal}`);
        expect(words).toContain(`198.51.100.20 ${ip.documentation}`);
        expect(words).not.toContain(ip.unknown);
        // Each flag in its reader's words, never the other reader's (support was told "your SIP
        // password" and "our phone system", 2026-12).
        for (const key of ['scanner', 'triggerIp'] as const) {
          expect(words).toContain(f[key]);
          expect(words).not.toContain(other[key]);
        }
        const staffPage = f === support;
        expect(words).toContain(
          locale === 'en'
            ? `Registered from another country (Germany), not from ${staffPage ? 'the account’s' : 'your account’s'} (Spain).`
            : `Registrado desde otro país (Alemania), no desde el de ${staffPage ? 'la' : 'su'} cuenta (España).`,
        );
        expect(words).toContain(
          locale === 'en'
            ? 'at this address: 7 registered devices use it'
            : ': 7 dispositivos registrados la usan',
        );
        expect(words).toContain(
          locale === 'en'
            ? staffPage
              ? 'came through the customer’s own network or PBX'
              : 'came through your own network or PBX'
            : staffPage
              ? 'pasaron por la propia red o centralita del cliente'
              : 'pasaron por su propia red o central telefónica',
        );
        expect(words).toContain(
          `${CATALOGUES[locale].devices.noUserAgent} ${(staffPage ? CATALOGUES[locale].staff.devices : CATALOGUES[locale].devices).shortened}`,
        );
      }
    }
  });
});
