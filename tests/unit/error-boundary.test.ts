import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createTranslator } from 'use-intl/core';
import { describe, expect, it } from 'vitest';
import ErrorPage from '@/app/error';
import { onRequestError } from '@/instrumentation';
import { createLogger, type Logger } from '@/lib/server/log';
import { ErrorTextProvider } from '@/components/i18n/error-text';
import { DATABASE_UNAVAILABLE_DIGEST, DIGEST_SLOT, type ErrorText } from '@/lib/i18n/error-text';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// The root error boundary gets its words from the root layout (not next-intl's client provider, which
// would put the message formatter in every page's JavaScript): the layout formats `errors.reference`
// with DIGEST_SLOT and the boundary puts the digest there.
function textFor(messages: typeof en, locale: string): ErrorText {
  const t = createTranslator({ locale, messages, namespace: 'errors' });
  return {
    title: t('errorTitle'),
    body: t('error'),
    retry: t('retry'),
    reference: t('reference', { digest: DIGEST_SLOT }),
    unavailableTitle: t('unavailableTitle'),
    unavailableBody: t('unavailableBody'),
  };
}
const render = (text: ErrorText, digest?: string) =>
  renderToStaticMarkup(
    h(ErrorTextProvider, {
      text,
      children: h(ErrorPage, { error: Object.assign(new Error('boom'), { digest }), retry: () => {} }),
    }),
  );

describe('app/error.tsx', () => {
  it('shows the translated words and the digest, never the error message', () => {
    const out = render(textFor(en, 'en'), '1234567');
    expect(out).toContain('role="alert"');
    expect(out).toContain(`<h1 class="text-2xl font-bold">${en.errors.errorTitle}</h1>`);
    expect(out).toContain('Reference: 1234567');
    expect(out).toContain(`>${en.errors.retry}</button>`);
    expect(out).not.toContain(DIGEST_SLOT);
    expect(out).not.toContain('boom');
  });

  it('speaks Spanish when the layout does, and leaves the reference out without a digest', () => {
    const text = textFor(es as typeof en, 'es');
    const out = render(text);
    expect(out).toContain(es.errors.errorTitle);
    expect(out).not.toContain(text.reference.replace(DIGEST_SLOT, ''));
  });

  // Found by killing the portal (kill -9) during a SIP password reset (2026-12-02): the page said
  // "Nothing was changed by this page" while the switch went on to apply the new password. The
  // boundary cannot know whether an action it caught took effect, so it never says it did not.
  it('never claims that nothing changed: it sends the reader to the page’s current state', () => {
    for (const [messages, locale, reload] of [
      [en, 'en', /reload the page/],
      [es as typeof en, 'es', /vuelva a cargar la página/],
    ] as const) {
      const out = render(textFor(messages, locale));
      expect(out).not.toMatch(/nothing was changed|no ha cambiado nada/i);
      expect(out).toMatch(reload);
    }
  });

  // A page whose session read found the database unavailable (lib/server/db/unavailable.ts): an
  // outage that passes, told as one, with no reference to quote (every such page shares the digest).
  it('tells a database outage as one, in the reader’s language, without a reference', () => {
    for (const [messages, locale] of [
      [en, 'en'],
      [es as typeof en, 'es'],
    ] as const) {
      const text = textFor(messages, locale);
      const out = render(text, DATABASE_UNAVAILABLE_DIGEST);
      expect(out).toContain(`<h1 class="text-2xl font-bold">${messages.errors.unavailableTitle}</h1>`);
      expect(out).toContain(messages.errors.unavailableBody);
      expect(out).not.toContain(messages.errors.errorTitle);
      expect(out).not.toContain(DATABASE_UNAVAILABLE_DIGEST);
      expect(out).not.toContain(text.reference.replace(DIGEST_SLOT, ''));
      expect(out).toContain(`>${messages.errors.retry}</button>`);
      expect(out).not.toMatch(/nothing was changed|no ha cambiado nada/i);
    }
  });

  it('refuses to render without the layout’s words', () => {
    expect(() => renderToStaticMarkup(h(ErrorPage, { error: new Error('boom'), retry: () => {} }))).toThrow(
      /ErrorTextProvider/,
    );
  });
});

describe('instrumentation.ts onRequestError (lib/server/request-error.ts)', () => {
  // Before 2026-12-04 a page that failed left only Next's plain-text dump on stderr: no JSON line, no
  // request id, nothing an operator's log search by the reference on the error page would find.
  it('logs one error line with the reference the error page shows, the request id and the route', async () => {
    const lines: Record<string, unknown>[] = [];
    const runtime = process.env.NEXT_RUNTIME;
    process.env.NEXT_RUNTIME = 'nodejs'; // as in `next start`
    (globalThis as { __tollgateLog?: Logger }).__tollgateLog = createLogger({
      write: (s: string) => void lines.push(JSON.parse(s)),
    });
    try {
      const error = Object.assign(new Error('Timed out fetching a new connection from the pool'), {
        code: 'P2024',
        digest: '2417351834',
      });
      await onRequestError(
        error,
        {
          path: '/blocks/b1?token=tok_secret_value',
          method: 'GET',
          headers: { 'x-request-id': '3a08f2ac-0000-4000-8000-000000000001', cookie: 'session=s' },
        },
        {
          routerKind: 'App Router',
          routePath: '/blocks/[id]',
          routeType: 'render',
          renderSource: 'react-server-components',
          revalidateReason: undefined,
        },
      );
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 'error',
        msg: 'request failed',
        reference: '2417351834',
        reqId: '3a08f2ac-0000-4000-8000-000000000001',
        method: 'GET',
        path: '/blocks/b1',
        route: '/blocks/[id]',
        routeType: 'render',
        error: { type: 'Error', code: 'P2024', message: 'Timed out fetching a new connection from the pool' },
      });
      // The query (a sign-in link's token lives there) and the cookies stay out of the log.
      expect(JSON.stringify(lines)).not.toMatch(/tok_secret_value|session=s/);
    } finally {
      delete (globalThis as { __tollgateLog?: Logger }).__tollgateLog;
      if (runtime === undefined) delete process.env.NEXT_RUNTIME;
      else process.env.NEXT_RUNTIME = runtime;
    }
  });
});
