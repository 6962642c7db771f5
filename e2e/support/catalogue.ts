import fs from 'node:fs';
import path from 'node:path';
import { createTranslator } from 'next-intl';

/**
 * messages/<locale>.json as the portal renders it (ICU plurals, selects), for names a journey looks for.
 * `.markup` formats a message with tags (`“<typed></typed>”`) as its text, each tag a function of its
 * content (`{ typed: () => 'ACC-1001' }`).
 */
export function catalogue(locale: 'en' | 'es') {
  const messages = JSON.parse(fs.readFileSync(path.resolve('messages', `${locale}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
  return createTranslator({ locale, messages }) as unknown as ((
    key: string,
    values?: Record<string, string | number>,
  ) => string) & {
    markup: (key: string, values: Record<string, string | number | ((chunks: string) => string)>) => string;
  };
}
