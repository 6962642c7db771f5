import { useLocale, useTranslations } from 'next-intl';
import { INTL_TAGS, isLocale } from '@/lib/i18n/locales';
import { noteText, type Translate } from '@/lib/i18n/note';
import { type Likelihood, signalNote } from '@/lib/requests/misdial-likelihood';

const TONE = {
  likely: 'border-emerald-300 bg-emerald-50 text-emerald-950',
  possible: 'border-amber-300 bg-amber-50 text-amber-950',
  unlikely: 'border-slate-300 bg-slate-100 text-slate-900',
} as const;

/** The misdial hint in words (the agent's language): the verdict, then each piece of evidence and which way it points. */
export function LikelihoodHint({ likelihood, id }: { likelihood: Likelihood; id: string }) {
  const t = useTranslations('staff.hint');
  const words = useTranslations() as unknown as Translate;
  const locale = useLocale();
  const tag = isLocale(locale) ? INTL_TAGS[locale] : 'en';
  return (
    <div className={`rounded-md border p-3 ${TONE[likelihood.level]}`}>
      <p id={id} className="font-semibold">
        {t('title', { headline: noteText(words, likelihood.headline) })}
      </p>
      {likelihood.signals.length ? (
        <ul aria-labelledby={id} className="mt-1 flex flex-col gap-1 text-sm">
          {likelihood.signals.map((s) => (
            <li key={s.key}>
              <span className="font-semibold">{s.weight > 0 ? t('for') : t('against')}</span>{' '}
              {noteText(words, signalNote(s, tag))}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm">{t('none')}</p>
      )}
    </div>
  );
}
