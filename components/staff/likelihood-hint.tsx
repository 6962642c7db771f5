import { useLocale, useTranslations } from 'next-intl';
import { intlTag } from '@/lib/i18n/locales';
import { noteText, type Translate } from '@/lib/i18n/note';
import { type Likelihood, signalNote } from '@/lib/requests/misdial-likelihood';

const TONE = {
  likely: 'border-emerald-300 bg-emerald-50 text-emerald-950',
  possible: 'border-amber-300 bg-amber-50 text-amber-950',
  unlikely: 'border-slate-300 bg-slate-100 text-slate-900',
} as const;

type Worded = { title: string; none: string; signals: { key: string; side: string; text: string }[] };

// The staff queue shows the hint of each of its 100 requests on every /staff page, and putting one in
// words (a dozen catalogue look-ups and ICU formats) cost about 8 ms a page in a CPU profile of
// `next start`. A judged hint never changes (lib/requests/queue.ts keeps the same object while its
// request waits) and the catalogues are fixed at build time, so its words are kept per object and
// locale; the WeakMap lets them go with the hint.
const worded = new WeakMap<Likelihood, Map<string, Worded>>();

/** The misdial hint in words (the agent's language): the verdict, then each piece of evidence and which way it points. */
export function LikelihoodHint({ likelihood, id }: { likelihood: Likelihood; id: string }) {
  const t = useTranslations('staff.hint');
  const words = useTranslations() as unknown as Translate;
  const locale = useLocale();
  let byLocale = worded.get(likelihood);
  if (!byLocale) worded.set(likelihood, (byLocale = new Map()));
  let w = byLocale.get(locale);
  if (!w) {
    const tag = intlTag(locale);
    w = {
      title: t('title', { headline: noteText(words, likelihood.headline) }),
      none: t('none'),
      signals: likelihood.signals.map((s) => ({
        key: s.key,
        side: s.weight > 0 ? t('for') : t('against'),
        text: noteText(words, signalNote(s, tag)),
      })),
    };
    byLocale.set(locale, w);
  }
  return (
    <div className={`rounded-md border p-3 ${TONE[likelihood.level]}`}>
      <p id={id} className="font-semibold">
        {w.title}
      </p>
      {w.signals.length ? (
        <ul aria-labelledby={id} className="mt-1 flex flex-col gap-1 text-sm">
          {w.signals.map((s) => (
            <li key={s.key}>
              <span className="font-semibold">{s.side}</span> {s.text}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm">{w.none}</p>
      )}
    </div>
  );
}
