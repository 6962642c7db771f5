'use client';
import { useTranslations } from 'next-intl';
import { noteText, type Translate } from '@/lib/i18n/note';
import type { Assessment } from '@/lib/passwords/strength';
import { levelLabel } from '@/lib/passwords/words';

const COLORS = ['bg-red-700', 'bg-red-600', 'bg-amber-500', 'bg-emerald-600', 'bg-emerald-700'];

/**
 * role="meter" named "Password strength" (password.meter.name): the level (0–4) under the page's rule
 * (zxcvbn's score for portal passwords, its guesses against SIP_PASSWORD_MIN_GUESSES_LOG10 for SIP
 * ones), the crack time for that rule's attack, and every problem, in the reader's language.
 * `attack` says whose time it is: a captured SIP login on one GPU, or a stolen portal hash.
 */
export function StrengthMeter({
  assessment,
  empty,
  attack,
}: {
  assessment: Assessment | null;
  empty: boolean;
  attack: 'sip' | 'portal';
}) {
  const t = useTranslations() as unknown as Translate;
  const say = (n: Parameters<typeof noteText>[1]) => noteText(t, n);
  const level = assessment?.level ?? 0;
  const label = empty
    ? t('password.meter.empty')
    : assessment
      ? say(levelLabel(level))
      : t('password.meter.checking');
  const shown = assessment && !empty ? assessment : null;
  const time = shown ? say(shown.crackTime) : '';
  const valueText = shown
    ? `${t('password.meter.valueText', { label, attack, time })}${shown.acceptable ? '' : `; ${t('password.meter.notAccepted')}`}`
    : label;
  const advice = shown ? [...shown.problems, ...shown.suggestions].map(say) : [];
  return (
    <div className="flex flex-col gap-2" aria-live="polite">
      <div
        role="meter"
        aria-label={t('password.meter.name')}
        aria-valuemin={0}
        aria-valuemax={4}
        aria-valuenow={empty ? 0 : level}
        aria-valuetext={valueText}
        className="flex h-3 gap-1"
      >
        {[0, 1, 2, 3].map((i) => (
          <span
            key={i}
            className={`h-3 flex-1 rounded ${shown && level > i ? COLORS[level] : 'bg-slate-200'}`}
          />
        ))}
      </div>
      <p className="text-sm">
        <strong>{label}</strong>
        {shown ? <> · {t('password.meter.attack', { attack, time })}</> : null}
        {shown && !shown.acceptable ? (
          <> · {t('password.meter.needs', { required: say(shown.required) })}</>
        ) : null}
      </p>
      {advice.length ? (
        <ul className="list-disc pl-5 text-sm text-slate-800">
          {advice.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
