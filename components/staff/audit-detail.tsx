import { Fragment, type ReactNode } from 'react';
import { displayEmail } from '@/lib/auth/email-address';
import { intlOf } from '@/lib/i18n/intl-cache';
import type { Translate } from '@/lib/i18n/note';
import { countryAndCode } from '@/lib/phone/format';
import type { AuditDetail, DetailValue, LanguageFrom } from '@/lib/staff/audit-detail';
import { switchErrorText } from '@/lib/switch/error-text';
import { formatWhen, zoneName } from '@/lib/time/format';
import { actorName } from '@/components/ui/actor-name';
import { KeptLines } from '@/components/ui/stored-text';

/**
 * What one page of the audit table needs to word a detail, made once per page (not per row):
 * translators for `staff` (labels and terms), `actors` and the whole catalogue (switch errors), the
 * formatting tag (lib/i18n/locales.ts intlTag) and the reader's time zone. `word(key)` is `staff`'s
 * text of a key without values, or null when the catalogue has none, remembered for the page: 50
 * rows repeat the same few labels (made by detailWords).
 */
export type DetailWords = {
  staff: Translate & { has: (key: string) => boolean };
  word: (key: string) => string | null;
  actors: (key: 'switch' | 'tollgate' | 'policy' | 'support' | 'operator-cli') => string;
  all: Translate;
  tag: string;
  timeZone: string;
};

/** DetailWords from a page's translators, with `word` remembering each key's text for this page. */
export function detailWords(parts: Omit<DetailWords, 'word'>): DetailWords {
  const seen = new Map<string, string | null>();
  const word = (key: string) => {
    let text = seen.get(key);
    if (text === undefined) {
      text = parts.staff.has(key) ? parts.staff(key) : null;
      seen.set(key, text);
    }
    return text;
  };
  return { ...parts, word };
}

/**
 * A row's detail (lib/staff/audit-detail.ts readAuditDetail) as a description list: each label, then
 * its value in the reader's words, so a screen reader reads them in that order. A key the reader does
 * not know is labelled by the key itself; a detail that is not a JSON object is its text.
 */
export function AuditDetailList({ detail, words }: { detail: AuditDetail; words: DetailWords }) {
  if (!detail) return null;
  if (detail.kind === 'text') return <span className="break-all">{detail.text}</span>;
  return (
    // No classes here: the audit table styles every row's list once, on its body (audit-table.tsx).
    <dl>
      {detail.fields.map((field) => (
        <Fragment key={field.key}>
          <dt>
            {field.label ? (
              words.word(`audit.field.${field.label}`)
            ) : (
              <span className="font-mono">{field.key}</span>
            )}
          </dt>
          <dd>{valueOf(field.value, words)}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** One value as the rest of the console shows it. */
function valueOf(v: DetailValue, w: DetailWords): ReactNode {
  switch (v.kind) {
    case 'text':
      // A person's words (a reason, a note), line breaks kept.
      return <KeptLines text={v.text} />;
    case 'code':
      return <span className="font-mono">{v.text}</span>;
    case 'term':
      return w.word(v.key) ?? <span className="font-mono">{v.code}</span>;
    case 'email':
      return displayEmail(v.email);
    case 'time':
      return <time dateTime={v.at.toISOString()}>{formatWhen(v.at, w.timeZone, { locale: w.tag })}</time>;
    case 'count':
      return intlOf(Intl.NumberFormat, w.tag, {}).format(v.n);
    case 'hours':
      return w.staff('audit.value.hours', { n: v.n });
    case 'yesNo':
      return w.word(v.value ? 'audit.value.yes' : 'audit.value.no');
    case 'country':
      return countryAndCode(v.code, w.tag);
    case 'zone':
      return zoneName(v.zone, w.tag);
    case 'language':
      return languageName(v.code, w.tag);
    case 'languageFrom':
      return languageFromText(v, w);
    case 'actor':
      return actorName(w.actors, v.actor);
    case 'switchError':
      return switchErrorText(w.all, v.stored);
    case 'list':
      return v.items.length === 0
        ? w.word('audit.value.none')
        : v.items.map((item, i) => (
            <span key={i}>
              {i > 0 ? ', ' : null}
              {valueOf(item, w)}
            </span>
          ));
    case 'none':
      return w.word('audit.value.none');
    case 'withheld':
      return <em>{w.word('audit.value.withheld')}</em>;
    case 'json':
      return (
        <span dir="ltr" className="font-mono break-all">
          {v.text}
        </span>
      );
  }
}

/**
 * "the account's country: Chile (CL)", "the default: Portuguese, the language of the account's
 * country, Brazil (BR), is not offered"… in the reader's words; a row that does not name the country
 * (or the language) gets the words without it.
 */
function languageFromText(v: LanguageFrom, w: DetailWords): string | null {
  if (v.source === 'country' && v.country)
    return w.staff('audit.term.languageFrom.countryNamed', { country: countryAndCode(v.country, w.tag) });
  if (v.source === 'default' && v.country && v.language)
    return w.staff('audit.term.languageFrom.defaultNotOffered', {
      language: languageName(v.language, w.tag),
      country: countryAndCode(v.country, w.tag),
    });
  return w.word(`audit.term.languageFrom.${v.source}`);
}

/** "Spanish" for "es" in the reader's language; the code as stored when Intl cannot read it. */
function languageName(code: string, tag: string): string {
  try {
    return intlOf(Intl.DisplayNames, tag, { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
