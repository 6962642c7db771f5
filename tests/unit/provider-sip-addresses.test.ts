import { createElement as h, Fragment, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { listOfNodes } from '@/components/block/explanation';
import { sipAddressValues } from '@/components/ui/sip-addresses';
import type { Locale } from '@/lib/i18n/locales';
import { translator } from '@/lib/i18n/translate';
import { blockLifted } from '@/lib/mail/templates/block-lifted';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import { parseEnv } from '@/lib/server/env';
import { VALID_ENV } from '@/tests/helpers/config';

// "Only let our addresses reach SIP ports" never said which addresses: not in the block notice's step,
// the block page, its "Other ways in", nor the "calling is back" mail (tester, 2026-12). An operator
// sets PROVIDER_SIP_ADDRESSES (addresses, CIDR ranges or host names); those texts list them, and
// without it they say to ask support for the list. "Close each of them before you ask us to lift the
// block" was untrue when the lift is automatic after the password change.

const LIST = '203.0.113.10, 2001:db8::/32, sip.example.net';
const ADDRESSES = ['203.0.113.10', '2001:db8::/32', 'sip.example.net'];
const SUPPORT = 'help@voice.example';

describe('PROVIDER_SIP_ADDRESSES', () => {
  it('is optional; a list of addresses, CIDR ranges and host names is read in its order', () => {
    expect(parseEnv(VALID_ENV).PROVIDER_SIP_ADDRESSES).toBeUndefined();
    expect(parseEnv({ ...VALID_ENV, PROVIDER_SIP_ADDRESSES: '' }).PROVIDER_SIP_ADDRESSES).toBeUndefined();
    expect(parseEnv({ ...VALID_ENV, PROVIDER_SIP_ADDRESSES: LIST }).PROVIDER_SIP_ADDRESSES).toEqual(
      ADDRESSES,
    );
    expect(
      parseEnv({ ...VALID_ENV, PROVIDER_SIP_ADDRESSES: '198.51.100.0/24,198.51.100.0/24, ::ffff:192.0.2.1' })
        .PROVIDER_SIP_ADDRESSES,
    ).toEqual(['198.51.100.0/24', '::ffff:192.0.2.1']);
  });

  it('refuses a bad entry at start-up, naming it and saying what would do', () => {
    const refused = (value: string) => {
      try {
        parseEnv({ ...VALID_ENV, PROVIDER_SIP_ADDRESSES: value });
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refused('203.0.113.10, 10.0.0.300')).toMatch(
      /PROVIDER_SIP_ADDRESSES: "10\.0\.0\.300" is not an IPv4 or IPv6 address, a CIDR range \(203\.0\.113\.0\/24\) or a host name/,
    );
    expect(refused('203.0.113.5/24')).toContain(
      'PROVIDER_SIP_ADDRESSES: "203.0.113.5/24" has bits set after its /24 prefix: write 203.0.113.0/24',
    );
    expect(refused('203.0.113.0/33')).toContain(
      'PROVIDER_SIP_ADDRESSES: "203.0.113.0/33" is not a CIDR range',
    );
    // A range that would have every customer let the whole internet in (review, 2026-12-07).
    for (const wide of ['0.0.0.0/0', '10.0.0.0/7', '::/0', '2000::/3'])
      expect(refused(wide), wide).toContain(`"${wide}" is wider than /`);
    expect(refused('10.0.0.0/8, 2a00::/16')).toBe('accepted');
    expect(refused('203.0.113.10,,sip.example.net')).toContain('PROVIDER_SIP_ADDRESSES: has an empty entry');
    expect(refused('  ')).toContain('PROVIDER_SIP_ADDRESSES: must not be blank');
    // Forms ipaddr.js reads but no firewall page shows, an interface's zone, a name of one label.
    for (const bad of ['127.1', '0x7f.0.0.1', 'fe80::1%eth0', 'sbc1', '-sbc.example.net'])
      expect(refused(bad), bad).toContain(`"${bad}" is not an IPv4 or IPv6 address`);
  });
});

/** A page's sentence as its component renders it (t.rich with sipAddressValues), as HTML. */
function page(key: 'block.explain.firewall' | 'doors.sipPorts.close', locale: Locale, list: string[] | null) {
  const t = translator(locale);
  const tag = locale === 'es' ? 'es-ES' : 'en-US';
  const node = t.rich(
    key,
    sipAddressValues(list, SUPPORT, (items) => listOfNodes(items, tag)),
  ) as ReactNode;
  return renderToStaticMarkup(h(Fragment, null, node));
}

describe('the block page and its "Other ways in" name the addresses', () => {
  it('each as code, in a list in the reader’s words', () => {
    expect(page('block.explain.firewall', 'en', ADDRESSES)).toContain(
      'lets only our addresses (<code class="unbroken font-mono">203.0.113.10</code>, <code class="unbroken font-mono">2001:db8::/32</code>, and <code class="unbroken font-mono">sip.example.net</code>) reach SIP ports 5060 and 5061',
    );
    expect(page('doors.sipPorts.close', 'es', ADDRESSES)).toContain(
      'solo desde nuestras direcciones (<code class="unbroken font-mono">203.0.113.10</code>, <code class="unbroken font-mono">2001:db8::/32</code> y <code class="unbroken font-mono">sip.example.net</code>)',
    );
  });

  it('or, unset, to ask support for the list', () => {
    expect(page('block.explain.firewall', 'en', null)).toContain(
      'lets only our addresses (ask support for the list: help@voice.example) reach SIP ports',
    );
    expect(page('doors.sipPorts.close', 'en', [])).toContain(
      'only from our addresses (ask support for the list: help@voice.example)',
    );
    expect(page('block.explain.firewall', 'es', null)).toContain(
      'solo permite que nuestras direcciones (pida la lista a soporte: help@voice.example) lleguen',
    );
  });

  it('and close every door whichever way the block is lifted: by itself, or by support', () => {
    const t = translator('en');
    expect(t('doors.intro')).not.toMatch(/before you ask us to lift/);
    expect(t('doors.intro')).toContain(
      'whether international calling comes back by itself once the passwords are changed or support lifts the block',
    );
    expect(translator('es')('doors.intro')).toContain(
      'tanto si las llamadas internacionales vuelven solas al cambiar las contraseñas como si es soporte quien levanta el bloqueo',
    );
  });
});

const ctx = (locale: Locale, sipAddresses: string[] | null): MailContext => ({
  t: mailTranslator(locale),
  provider: 'Example Voice',
  support: SUPPORT,
  appUrl: 'https://portal.example',
  timeZone: 'UTC',
  locale,
  sipAddresses,
});

const notice = (c: MailContext, lifted?: { at: Date; newerInForce: boolean }) =>
  blockNotice(
    {
      recipient: { email: 'dana@acme.example', name: null },
      account: { name: 'Acme Dental', number: 'ACC-1002', country: 'US' },
      block: { id: 'blk1', reason: 'high_risk_destination', placedAt: new Date('2026-11-25T09:14:03Z') },
      calls: [
        {
          at: new Date('2026-11-25T09:13:58Z'),
          sipUsername: 'acme-reception',
          to: '+252611234567',
          sourceIp: '203.0.113.9',
          durationSec: 12,
        },
      ],
      credentials: [{ username: 'acme-reception', label: 'Reception desk' }],
      link: null,
      ...(lifted ? { lifted } : {}),
    },
    c,
  );
const back = (c: MailContext) =>
  blockLifted(
    {
      recipient: { name: null },
      account: { name: 'Acme Dental', number: 'ACC-1002' },
      block: { id: 'blk1', liftedAt: new Date('2026-11-25T10:00:00Z') },
    },
    c,
  );

describe('the block notice and the "calling is back" mail name the addresses', () => {
  it('listed, in the text and HTML parts, in both languages', () => {
    const listed = ctx('en', ADDRESSES);
    for (const m of [notice(listed), notice(listed, { at: new Date(), newerInForce: false }), back(listed)]) {
      expect(m.text).toContain('only our addresses (203.0.113.10, 2001:db8::/32, and sip.example.net) reach');
      expect(m.html).toContain('only our addresses (203.0.113.10, 2001:db8::/32, and sip.example.net) reach');
    }
    expect(notice(ctx('es', ADDRESSES)).text).toContain(
      'solo permite que nuestras direcciones (203.0.113.10, 2001:db8::/32 y sip.example.net) lleguen a los puertos SIP 5060 y 5061',
    );
    expect(back(ctx('es', ADDRESSES)).text).toContain(
      'permita que solo nuestras direcciones (203.0.113.10, 2001:db8::/32 y sip.example.net) lleguen a sus puertos SIP 5060 y 5061',
    );
  });

  it('unset, where to ask for them', () => {
    for (const m of [notice(ctx('en', null)), back(ctx('en', null))])
      expect(m.text).toContain('only our addresses (ask support for the list: help@voice.example) reach');
    expect(back(ctx('es', null)).text).toContain(
      'solo nuestras direcciones (pida la lista a soporte: help@voice.example) lleguen',
    );
  });
});
