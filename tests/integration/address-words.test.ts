import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExplanationText } from '@/components/block/explanation';
import { IpPlace } from '@/components/ui/ip-place';
import { getBlockForUser } from '@/lib/blocks/queries';
import { placeIp, placeWordKey } from '@/lib/geo/ip-country';
import { CATALOGUES } from '@/lib/i18n/translate';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { mailTranslator } from '@/lib/mail/templates/context';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';

// Where an address is was said four ways: the registered devices said "an internal address" or "an
// example address" (SourcePlace), while the trigger calls' table (IpPlace), the block's explanation
// and the block notice said "country unknown" for the same 10.0.0.1 or 203.0.113.9; a switch behind
// an SBC reports its PBXs' private addresses. One choice of words now (lib/geo/ip-country.ts
// placeWordKey), one page component (components/ui/ip-place.tsx).

type Locale = 'en' | 'es';

const words = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
const render = (node: ReactNode, locale: Locale) =>
  words(
    renderToStaticMarkup(
      h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
    ),
  );

const ADDRESSES = {
  '10.0.0.1': 'internal',
  '100.64.1.2': 'internal',
  'fe80::1': 'internal',
  '203.0.113.9': 'documentation',
  '2001:db8::7': 'documentation',
  '185.220.101.47': null,
} as const;

describe('placeWordKey', () => {
  it.each(Object.entries(ADDRESSES))('picks the words for %s', (ip, key) => {
    expect(placeWordKey(placeIp(ip))).toBe(key);
  });
});

describe.each(dialects())('every rendering of a call’s address says the same, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it.each(['en', 'es'] as const)(
    'in %s: the call table’s address, the explanation and the notice',
    async (locale) => {
      const { account, users, creds } = await makeAccount();
      const ips = Object.keys(ADDRESSES);
      const block = await makeBlock(account.id, {
        placedAt: new Date(Date.now() - 3600_000),
        calls: ips.map((ip) => ({ sipUsername: creds[0]!.username, sourceIp: ip })),
      });
      const view = (await getBlockForUser(users[0]!.id, block.id))!;
      const explained = render(h(ExplanationText, { block: view, needsPerson: false }), locale);
      const mail = blockNotice(
        {
          recipient: { email: users[0]!.email, name: null },
          account: view.account,
          block: { id: view.id, reason: view.reason, placedAt: view.placedAt },
          calls: view.calls,
          credentials: creds.map((c) => ({ username: c.username, label: c.label })),
          link: null,
        },
        {
          t: mailTranslator(locale),
          locale,
          provider: null,
          support: 'help@voice.example',
          timeZone: 'UTC',
          appUrl: 'https://p.example',
        },
      );
      const unknown = CATALOGUES[locale].ipPlace.unknown;
      for (const [ip, key] of Object.entries(ADDRESSES)) {
        const where = key ? CATALOGUES[locale].ipPlace[key] : placeIp(ip, locale).countryName!;
        const cell = render(h(IpPlace, { ip: placeIp(ip).ip }), locale);
        expect(cell, ip).toContain(where);
        expect(explained, ip).toContain(where);
        expect(mail.text, ip).toContain(`${where})`);
      }
      for (const text of [explained, mail.text]) expect(text).not.toContain(unknown);
    },
  );
});
