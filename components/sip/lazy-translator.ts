'use client';
import { useEffect, useState } from 'react';
import type { AbstractIntlMessages } from 'next-intl';
import type { Translate } from '@/lib/i18n/note';

/**
 * A translator of `messages` (a part of the catalogue, in `locale`) that loads next-intl's message
 * formatter only once `needed` is true, and stays loaded after; null until then. The SIP password
 * form words the meter's notes (crack times, problems: ICU plurals and values) only after someone
 * types, so the formatter (use-intl and intl-messageformat, ≈ 12 KiB gzip) is fetched with the
 * meter's worker instead of before the page can hydrate (issue 14 goal 6, bench/README.md
 * "lighthouse"). A missing key is reported and shown as its path, as next-intl's provider does.
 */
export function useLazyTranslator(
  locale: string,
  messages: AbstractIntlMessages,
  needed: boolean,
): Translate | null {
  const [t, setT] = useState<Translate | null>(null);
  useEffect(() => {
    if (!needed || t) return;
    let live = true;
    void import('next-intl').then(({ createTranslator }) => {
      if (live) setT(() => createTranslator({ locale, messages }) as unknown as Translate);
    });
    return () => {
      live = false;
    };
  }, [needed, t, locale, messages]);
  return t;
}
