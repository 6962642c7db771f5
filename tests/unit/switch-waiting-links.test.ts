import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { describe, expect, it } from 'vitest';
import { allowanceCardHref } from '@/lib/allowances/href';
import { SwitchWaitingList } from '@/components/staff/switch-waiting';
import { CATALOGUES } from '@/lib/i18n/translate';
import type { SwitchWaitingItem } from '@/lib/staff/switch-waiting';

// "Still being sent to the switch" on the staff home links each change where it is worked: an
// allowance's card by allowanceCardHref (lib/allowances/href.ts), the one way every
// staff page links to it (this list built the address by hand before).

const item = (over: Partial<SwitchWaitingItem>): SwitchWaitingItem => ({
  id: 'op1',
  kind: 'allowance_put',
  account: { number: 'ACC 70/23', name: 'Rivera Imports' },
  since: new Date('2026-12-08T10:00:00Z'),
  attempts: 3,
  lastError: null,
  nextTry: null,
  requestId: null,
  allowance: null,
  ...over,
});

/** The hrefs of the list's links, in order, as the staff home renders it. */
function hrefs(items: SwitchWaitingItem[]): string[] {
  const html = renderToStaticMarkup(
    h(NextIntlClientProvider, {
      locale: 'en',
      messages: CATALOGUES.en,
      timeZone: 'UTC',
      children: h(SwitchWaitingList, { waiting: { items, more: false, quietUntil: null }, timeZone: 'UTC' }),
    }),
  );
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

describe('the links of "Still being sent to the switch"', () => {
  it('lead to the allowance’s card, the request, or the account’s switch changes', () => {
    expect(
      hrefs([
        item({ id: 'a', allowance: { id: 'alw_1', country: 'SO' } }),
        item({ id: 'b', kind: 'lift', requestId: 'req 1' }),
        item({ id: 'c', kind: 'place' }),
      ]),
    ).toEqual([
      allowanceCardHref('ACC 70/23', 'alw_1'),
      '/staff/requests/req%201',
      '/staff/accounts/ACC%2070%2F23#ops-title',
    ]);
    expect(allowanceCardHref('ACC 70/23', 'alw_1')).toBe('/staff/accounts/ACC%2070%2F23#allowance-alw_1');
  });

  it('an account Tollgate no longer has is named, not linked', () => {
    expect(
      hrefs([item({ account: { number: 'ACC-1', name: null }, allowance: { id: 'x', country: 'SO' } })]),
    ).toEqual([]);
  });
});
