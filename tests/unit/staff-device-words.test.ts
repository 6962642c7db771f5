import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { BindingList, DevicesNotRead } from '@/components/devices/binding-list';
import { RegisteredDeviceList } from '@/components/devices/registered-devices';
import { StaffAccountDevices, StaffDeviceList } from '@/components/staff/account-devices';
import type { CredentialDevices, StaffCredentialDevices } from '@/lib/devices/registrations';
import { CATALOGUES } from '@/lib/i18n/translate';
import { binding } from '@/tests/helpers/device-binding';
import { render, text } from '@/tests/helpers/intl-markup';

// B1 (2026-12-08, left open by the testers): the staff account's "Registered devices" still told
// support agents "Asking our phone system…", "Could not get the registered devices from our phone
// system…", "Not read: our phone system asked for a pause", "(shortened: our phone system sent more)"
// and "Our phone system also reported…": customer words. Staff pages say "the switch"; the
// customer's block and reset pages read exactly as before.

const CUSTOMER_WORDS = /phone system|nuestra central/i;

const cred = (id: string, over: Partial<CredentialDevices> = {}): StaffCredentialDevices => ({
  id,
  username: `acme-${id}`,
  label: '',
  bindings: null,
  notRead: { reason: 'failed' },
  unreadable: 0,
  passwordChangedAt: null,
  unsettled: false,
  ...over,
});
const paused = { notRead: { reason: 'paused' as const, until: new Date('2026-12-08T10:16:00Z') } };
const shortened: Partial<CredentialDevices> = {
  bindings: [binding({ shortened: ['userAgent', 'contact'] })],
  notRead: undefined,
  unreadable: 2,
};
// Every sentence the section can say of the switch's reads: a failed read, a pause, a field the
// switch sent longer than Tollgate keeps, registrations it could not read.
const credentials = () => [cred('a'), cred('b', paused), cred('c', shortened)];

describe('the staff account page’s "Registered devices" says "the switch", never "our phone system"', () => {
  it.each(['en', 'es'] as const)('every sentence about the switch’s reads is staff’s (%s)', (locale) => {
    const s = CATALOGUES[locale].staff.devices;
    const html = render(
      h(StaffDeviceList, { devices: { accountCountry: 'ES', credentials: credentials() } }),
      locale,
    );
    const words = text(html);
    expect(words).not.toMatch(CUSTOMER_WORDS);
    expect(words).toContain(s.couldNotLoad);
    expect(words).toContain(s.paused.split('<from>')[0]);
    expect(words).toContain(s.shortened);
    expect(words).toMatch(
      locale === 'en'
        ? /The switch also reported 2 registrations/
        : /El switch informó además de 2 registros/,
    );
    expect(words).toContain(
      locale === 'en'
        ? 'Not read: the switch asked for a pause.'
        : 'No se han leído: el switch pidió una pausa.',
    );
    expect(words).toMatch(/the switch|el switch/i);
  });

  it.each(['en', 'es'] as const)('while it loads: "Asking the switch…" (%s)', (locale) => {
    const html = render(h(StaffAccountDevices, { load: new Promise<never>(() => {}) }), locale);
    expect(text(html)).toContain(CATALOGUES[locale].staff.devices.loading);
    expect(text(html)).not.toMatch(CUSTOMER_WORDS);
  });

  it.each(['en', 'es'] as const)(
    'a BindingList shown alone for staff: its own status in staff words (%s)',
    (locale) => {
      const html = render(
        h(BindingList, { credential: cred('a', paused), home: 'ES', audience: 'staff' }),
        locale,
      );
      expect(text(html)).toContain(CATALOGUES[locale].staff.devices.paused.split('<from>')[0]);
      expect(text(html)).not.toMatch(CUSTOMER_WORDS);
    },
  );
});

describe('the customer’s pages read as before', () => {
  it.each(['en', 'es'] as const)('block and reset pages: "our phone system" (%s)', (locale) => {
    const d = CATALOGUES[locale].devices;
    const html = render(
      h(RegisteredDeviceList, { devices: { accountCountry: 'ES', credentials: credentials() } }),
      locale,
    );
    const words = text(html);
    expect(words).toContain(d.couldNotLoad);
    expect(words).toContain(d.paused.split('<from>')[0]);
    expect(words).toContain(d.shortened);
    expect(words).not.toMatch(/\bswitch\b/i);
    // The section's status alone, with the customer's default: byte for byte the customer's words.
    expect(render(h(DevicesNotRead, { credentials: credentials() }), locale)).toBe(
      render(h(DevicesNotRead, { credentials: credentials(), audience: 'customer' }), locale),
    );
  });
});
