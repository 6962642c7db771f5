'use client';
import { useEffect, useState } from 'react';
import type { AbstractIntlMessages } from 'next-intl';
import type { Translate } from '@/lib/i18n/note';

/**
 * A translator of `messages` (a part of the catalogue, in `locale`) that loads next-intl's message
 * formatter only once `needed` is true, and stays loaded after; null until then. The SIP password
 * form words the meter's notes (crack times, problems: ICU plurals and values) only after someone
 * types, so use-intl's formatter (≈ 12 KiB gzip measured before the catalogues were precompiled;
 * less since, as the ICU parser is no longer bundled) is fetched with the
 * meter's worker instead of before the page can hydrate (issue 14 goal 6, bench/README.md
 * "lighthouse"). A new `locale` (the reader switched language) makes a new translator with the
 * messages of that render. A missing key is reported and shown as its path, as next-intl's provider does.
 */
export function useLazyTranslator(
  locale: string,
  messages: AbstractIntlMessages,
  needed: boolean,
): Translate | null {
  const [loaded, setLoaded] = useState<{ t: Translate; locale: string } | null>(null);
  const current = loaded?.locale === locale ? loaded.t : null;
  useEffect(() => {
    if (!needed || current) return;
    let live = true;
    void import('next-intl').then(({ createTranslator }) => {
      if (live) setLoaded({ t: createTranslator({ locale, messages }) as unknown as Translate, locale });
    });
    return () => {
      live = false;
    };
  }, [needed, current, locale, messages]);
  return current;
}
