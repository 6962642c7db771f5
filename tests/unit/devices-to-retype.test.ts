import { NextIntlClientProvider } from 'next-intl';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RetypeWords } from '@/components/devices/devices-to-retype';
import { ResetForm, type ResetAnswer } from '@/components/sip/reset-form';
import type { FormAction } from '@/components/ui/action-form';
import type { CredentialDevices } from '@/lib/devices/registrations';
import { CATALOGUES } from '@/lib/i18n/translate';
import { attacker, binding } from '@/tests/helpers/device-binding';
import { renderAnswered, resetForm } from '@/tests/helpers/posted-form';

// A tester (2026-12): before "Set password" the reset form's only warning was "devices registered with
// the old password are logged out and must register again"; after it, the office's Yealink vanished
// from "Registered devices" and the reception could not phone anyone, national calls included. The
// form now names, before Set, each device the switch reports registered with the credential, and what
// it stops doing; after Set, the devices to type the new password into.

const office = binding({});
const desk = (over: Partial<CredentialDevices>): CredentialDevices => ({
  id: 'cred-1',
  username: 'acme-reception',
  label: 'Reception desk phone',
  bindings: [office, attacker],
  notRead: null,
  unreadable: 0,
  ...over,
});

/** The words as a page renders them for a reader of `locale`, as text. */
function words(node: ReactNode, locale: 'en' | 'es' = 'en'): string {
  return renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  )
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('before "Set password": which devices go silent', () => {
  it('names each phone registered with the password, and that national calls stop too', () => {
    const text = words(h(RetypeWords, { devices: desk({}), when: 'before' }));
    expect(text).toContain(
      'Reception desk phone (Yealink SIP-T46U, 198.51.100.20) will stop making and receiving all calls, national ones too, until the new password is typed into it.',
    );
    // The intruder is logged out too, and is not one to type the password into.
    expect(text).toContain('friendly-scanner, 185.220.101.47 will be logged out too.');
    expect(text).not.toMatch(/Reception desk phone \(friendly-scanner/);
    expect(words(h(RetypeWords, { devices: desk({}), when: 'before' }), 'es')).toContain(
      'Reception desk phone (Yealink SIP-T46U, 198.51.100.20) dejará de hacer y recibir todas las llamadas, también las nacionales, hasta que se escriba en él la nueva contraseña.',
    );
  });

  it('treats a device abroad as the summary does: logged out, not one to type the password into', () => {
    // Review, 2026-12-07: the block page's summary calls a device abroad an attacker's, and the reset
    // page listed it under "type the new password into these devices".
    const abroad = binding({ sourceIp: '185.220.101.47', country: 'DE', flags: ['foreign_country'] });
    const before = words(h(RetypeWords, { devices: desk({ bindings: [office, abroad] }), when: 'before' }));
    expect(before).toContain('Yealink SIP-T46U, 185.220.101.47 will be logged out too.');
    const after = words(h(RetypeWords, { devices: desk({ bindings: [office, abroad] }), when: 'after' }));
    expect(after).toContain('198.51.100.20');
    expect(after).not.toContain('185.220.101.47');
  });

  it('says so neutrally when the switch was not read, or reports no device', () => {
    expect(
      words(
        h(RetypeWords, { devices: desk({ bindings: null, notRead: { reason: 'failed' } }), when: 'before' }),
      ),
    ).toBe(
      'We could not ask our phone system just now which devices use this password. Every device that uses it will stop making and receiving all calls, national ones too, until the new password is typed into it.',
    );
    // Paused by a busy switch (a 429 or 503 with Retry-After): not a failure, and from when it asks again.
    const paused = words(
      h(RetypeWords, {
        devices: desk({
          bindings: null,
          notRead: { reason: 'paused', until: new Date(Date.UTC(2026, 11, 7, 12)) },
        }),
        when: 'before',
      }),
    );
    expect(paused).toMatch(
      /^Our phone system asked us to pause our questions to it for a moment \(it is busy\)/,
    );
    expect(paused).not.toContain('could not');
    expect(paused).toContain('Every device that uses it will stop making and receiving all calls');
    expect(words(h(RetypeWords, { devices: desk({ bindings: [] }), when: 'before' }))).toMatch(
      /^Our phone system reports no device using this password right now\./,
    );
    // Registrations the switch reported but Tollgate could not read stop too: said, not "none".
    expect(words(h(RetypeWords, { devices: desk({ bindings: [], unreadable: 2 }), when: 'before' }))).toBe(
      'When you press “Set password”, our phone system logs out every device that uses the old password: Our phone system also reported 2 devices it could not describe: they stop too.',
    );
    expect(words(h(RetypeWords, { devices: desk({ bindings: [] }), when: 'before' }), 'es')).toMatch(
      /^Nuestra central no indica ahora ningún dispositivo que use esta contraseña\./,
    );
  });
});

describe('after "Set password": the devices to type it into', () => {
  it('lists the phones, never the intruder', () => {
    const text = words(h(RetypeWords, { devices: desk({}), when: 'after' }));
    expect(text).toBe(
      'Type the new password into this device: until you do, it cannot make or receive any call, national ones included. Reception desk phone (Yealink SIP-T46U, 198.51.100.20)',
    );
    const two = desk({ bindings: [office, binding({ sourceIp: '198.51.100.21', userAgent: '' })] });
    expect(words(h(RetypeWords, { devices: two, when: 'after' }), 'es')).toBe(
      'Escriba la nueva contraseña en estos dispositivos: hasta que lo haga, no podrán hacer ni recibir ninguna llamada, tampoco las nacionales. Reception desk phone (Yealink SIP-T46U, 198.51.100.20) Reception desk phone (198.51.100.21)',
    );
    // Nothing to name: the form's "Now enter it on the device" says it alone.
    for (const devices of [desk({ bindings: [attacker] }), desk({ bindings: null }), desk({ bindings: [] })])
      expect(words(h(RetypeWords, { devices, when: 'after' }))).toBe('');
  });
});

describe('the reset form', () => {
  it('shows the devices before its Set password button, which they describe', async () => {
    const before = h('p', null, 'DEVICES-BEFORE');
    const form = (action: FormAction<ResetAnswer>) =>
      h(ResetForm, {
        ...(resetForm(action).props as Parameters<typeof ResetForm>[0]),
        devicesBefore: before,
        devicesAfter: h('p', null, 'DEVICES-AFTER'),
      });
    const html = await renderAnswered(form);
    const at = html.indexOf('DEVICES-BEFORE');
    const button = html.indexOf('>Set password</button>');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(button);
    expect(html).toMatch(/<div id="reset-devices"[^>]*><p>DEVICES-BEFORE<\/p><\/div>/);
    expect(html).toMatch(/<button[^>]*aria-describedby="reset-devices"[^>]*>Set password<\/button>/);
    // The after-list waits for an answer that set the password.
    expect(html).not.toContain('DEVICES-AFTER');
  });
});
