import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { createTranslator } from 'use-intl/core';
import { describe, expect, it } from 'vitest';
import { AllowanceStatus } from '@/components/allowance/block-allowances';
import { AllowanceFacts } from '@/components/allowance/staff-allowances';
import { AuditDetailList, detailWords, type DetailWords } from '@/components/staff/audit-detail';
import { storeNote, storePersonText } from '@/lib/i18n/stored';
import type { Translate } from '@/lib/i18n/note';
import { CATALOGUES } from '@/lib/i18n/translate';
import { readAuditDetail } from '@/lib/staff/audit-detail';

// Words a person typed, wherever a page shows them, keep the line breaks they typed (KeptLines): the
// staff notes on unblock requests did since session 42, but an allowance's denial reason (the block
// page, the staff account page), the customer's reason for an allowance, the agent's note on its
// decision, and the reasons and notes the audit log keeps (a sync issue's resolve note, an admin's
// reason for a policy or staff change, an agent's for a customer login) still ran into one line.

const lines = 'Called the owner back at 14:02.\nThe supplier in Guernsey is confirmed.\n\nNo further action.';
const kept = `<span class="whitespace-pre-wrap">${lines}</span>`;

/** `node` as a server component renders it for a reader of `locale`. */
const render = (node: ReactNode, locale: 'en' | 'es' = 'en') =>
  renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  );

describe('an allowance denied, on the block page', () => {
  const denied = (denial: string | null) =>
    h(AllowanceStatus, {
      allowance: { status: 'denied', hours: 4, denial },
      country: 'Somalia (SO)',
      until: '',
      endedAt: '',
    });

  it('gives the agent’s reason with its line breaks', () => {
    expect(render(denied(storePersonText(lines)))).toBe(`Somalia (SO): not allowed. ${kept}`);
    expect(render(denied(storePersonText(lines)), 'es')).toBe(`Somalia (SO): no se ha permitido. ${kept}`);
  });

  it('words a note Tollgate stored, and says the other states as before', () => {
    expect(render(denied(storeNote('history.allowanceNewBlock')))).toMatch(
      /^Somalia \(SO\): not allowed\. <span class="whitespace-pre-wrap">[^<]+<\/span>$/,
    );
    expect(render(denied(null))).toBe('Somalia (SO): not allowed. ');
    expect(
      render(
        h(AllowanceStatus, {
          allowance: { status: 'requested', hours: 4, denial: null },
          country: 'Somalia (SO)',
          until: '',
          endedAt: '',
        }),
      ),
    ).toBe('Somalia (SO): asked for 4 h — waiting for support to call you back.');
  });
});

describe('an allowance on the staff account page', () => {
  const facts = (o: { requestedBy?: string | null; note?: string | null; decidedBy?: string | null }) =>
    render(
      h(AllowanceFacts, {
        allowance: {
          createdAt: new Date(0),
          requestedBy: o.requestedBy === undefined ? 'dana@acme.example' : o.requestedBy,
          reason: lines,
          decidedBy: o.decidedBy ?? null,
          note: o.note ?? null,
          until: null,
          endedAt: null,
          endReason: null,
        },
        at: () => 'then',
      }),
    );

  it('keeps the line breaks of the customer’s reason and of the agent’s note', () => {
    expect(facts({})).toBe(`Asked then by dana@acme.example · Why: ${kept}`);
    expect(facts({ requestedBy: null })).toBe(`Asked then by support · Why: ${kept}`);
    expect(facts({ decidedBy: 'sam@tollgate.example', note: storePersonText(lines) })).toBe(
      `Asked then by dana@acme.example · Why: ${kept} · Decided by sam@tollgate.example: ${kept}`,
    );
  });

  it('words a note Tollgate stored in the reader’s language, and a decision without a note', () => {
    expect(facts({ decidedBy: 'tollgate', note: storeNote('history.grantedFromAccount') })).toContain(
      ' · Decided by ',
    );
    expect(facts({ decidedBy: 'sam@tollgate.example' })).toBe(
      `Asked then by dana@acme.example · Why: ${kept} · Decided by sam@tollgate.example`,
    );
  });
});

describe('the audit log’s reasons and notes', () => {
  const words = (locale: 'en' | 'es'): DetailWords => {
    const messages = CATALOGUES[locale];
    return detailWords({
      staff: createTranslator({ locale, messages, namespace: 'staff' }) as unknown as DetailWords['staff'],
      actors: createTranslator({ locale, messages, namespace: 'actors' }),
      all: createTranslator({ locale, messages }) as unknown as Translate,
      tag: locale,
      timeZone: 'UTC',
    });
  };
  const detail = (action: string, fields: object) =>
    renderToStaticMarkup(
      h(AuditDetailList, { detail: readAuditDetail(action, JSON.stringify(fields)), words: words('en') }),
    );

  it.each([
    ['reconcile.resolved', { note: lines }],
    ['policy.changed', { before: [], after: ['manual'], note: lines }],
    ['staff_user.disabled', { reason: lines }],
    ['customer_user.signed_out', { reason: lines }],
    ['request.denied', { denyReason: lines }],
    ['allowance.requested', { reason: lines }],
  ])('%s keeps the line breaks a person typed', (action, fields) => {
    expect(detail(action, fields)).toContain(`<dd>${kept}</dd>`);
  });

  it('shows invisible formatting characters escaped, as before', () => {
    expect(detail('reconcile.resolved', { note: 'ok\u202Eko' })).toContain('ok\\u202eko');
  });
});
