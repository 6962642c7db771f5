import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { BindingList } from '@/components/devices/binding-list';
import { RegisteredDeviceList } from '@/components/devices/registered-devices';
import type { CredentialDevices } from '@/lib/devices/registrations';
import { CATALOGUES } from '@/lib/i18n/translate';
import { binding } from '@/tests/helpers/device-binding';
import { render, text } from '@/tests/helpers/intl-markup';

// Testers R and S (2026-12): with the switch down, "Registered devices" on the block and reset pages
// put one role="status" paragraph per SIP credential, each saying "Could not get the registered
// devices from our phone system just now…": a screen reader said it 3, 4 or 45 times. The section
// now says why once, as its one status; each credential reads a short plain note.

const cred = (id: string, over: Partial<CredentialDevices> = {}): CredentialDevices => ({
  id,
  username: `acme-${id}`,
  label: '',
  bindings: null,
  notRead: { reason: 'failed' },
  unreadable: 0,
  ...over,
});
const paused = (id: string, until: string): Partial<CredentialDevices> => ({
  notRead: { reason: 'paused', until: new Date(until) },
});
const list = (credentials: CredentialDevices[], locale: 'en' | 'es' = 'en') =>
  render(h(RegisteredDeviceList, { devices: { accountCountry: 'ES', credentials } }), locale);
const statuses = (html: string) =>
  [...html.matchAll(/<p role="status"[^>]*>(.*?)<\/p>/g)].map((m) => text(m[1]!).trim());
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('"Registered devices" says once why credentials were not read', () => {
  it.each(['en', 'es'] as const)(
    'four credentials the switch did not answer for: one status (%s)',
    (locale) => {
      const d = CATALOGUES[locale].devices;
      const html = list([cred('a'), cred('b'), cred('c'), cred('d')], locale);
      expect(statuses(html)).toEqual([d.couldNotLoad]);
      expect(count(text(html), d.couldNotLoad)).toBe(1);
      // Each credential still says it was not read, as a plain note, not a status.
      const note = locale === 'en' ? 'Could not be read just now.' : 'No se han podido leer ahora.';
      expect(count(text(html), note)).toBe(4);
      // The status comes first, before any credential's heading.
      expect(html.indexOf('role="status"')).toBeLessThan(html.indexOf('<h3'));
    },
  );

  it('a pause: one status, with the latest time any credential is read again', () => {
    const html = list([
      cred('a', paused('a', '2026-12-07T10:15:30Z')),
      cred('b', paused('b', '2026-12-07T10:16:00Z')),
      cred('c', paused('c', '2026-12-07T10:15:30Z')),
    ]);
    const [status, ...more] = statuses(html);
    expect(more).toEqual([]);
    expect(status).toContain('Our phone system asked the portal to pause its questions');
    expect(status).toContain('Dec 7, 2026, 10:16:00 AM GMT+0');
    expect(count(html, '<time dateTime=')).toBe(1);
    expect(count(text(html), 'Not read: our phone system asked for a pause.')).toBe(3);
  });

  it('some read, some not, for two reasons: still one status, each reason once, how many were not read', () => {
    const html = list([
      cred('a'),
      cred('b', { bindings: [binding({ sourceIp: '192.168.1.70' })], notRead: null }),
      cred('c', paused('c', '2026-12-07T10:15:30Z')),
      cred('d'),
    ]);
    const s = statuses(html);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatch(/^The devices of 3 of the SIP passwords below were not read\. Could not get/);
    expect(count(s[0]!, CATALOGUES.en.devices.couldNotLoad)).toBe(1);
    expect(s[0]).toContain('asked the portal to pause');
    expect(html).toContain('aria-label="Devices registered as acme-b"');
  });

  it('every credential read: no status at all', () => {
    const html = list([
      cred('a', { bindings: [], notRead: null }),
      cred('b', { bindings: [], notRead: null }),
    ]);
    expect(statuses(html)).toEqual([]);
  });

  it('a BindingList shown alone (the staff account page today) keeps its own status with the whole sentence', () => {
    const html = render(h(BindingList, { credential: cred('a'), home: 'ES', audience: 'staff' }));
    // In staff's words ("the switch": tests/unit/staff-device-words.test.ts).
    expect(statuses(html)).toEqual([CATALOGUES.en.staff.devices.couldNotLoad]);
  });
});
