'use client';
import { useEffect, useState } from 'react';
import { noteText, type Translate } from '@/lib/i18n/note';
import type { Assessment } from '@/lib/passwords/strength';
import { levelLabel } from '@/lib/passwords/words';
import { asSentence, joinSentences } from './sentences';

const COLORS = ['bg-red-700', 'bg-red-600', 'bg-amber-500', 'bg-emerald-600', 'bg-emerald-700'];
/**
 * A filled bar in forced colours (Windows high contrast), where the browser drops every background:
 * filled in the text colour (kept, not forced), while an empty bar is the outline its transparent
 * border becomes. Without this the four bars vanished and only the verdict's words were left.
 */
const FILLED_FORCED =
  'forced-colors:forced-color-adjust-none forced-colors:border-[CanvasText] forced-colors:bg-[CanvasText]';

/**
 * How long typing must pause before the verdict is announced, in ms. Announced on every keystroke,
 * "Checking…" and a verdict for each character queued some forty announcements for a 20-character
 * password, over the screen reader's echo of the typing itself (review, session 34).
 */
const ANNOUNCE_AFTER_MS = 1000;

/** The meter's words before any verdict (password.meter.name, .empty, .checking), already translated. */
export type MeterWords = Record<'name' | 'empty' | 'checking', string>;

/**
 * role="meter" named "Password strength" (password.meter.name): the level (0–4) under the page's rule
 * (zxcvbn's score for portal passwords, its guesses against SIP_PASSWORD_MIN_GUESSES_LOG10 for SIP
 * ones), the crack time for that rule's attack, and every problem, in the reader's language.
 * `attack` says whose time it is: a captured SIP login on one GPU, or a stolen portal hash.
 * `words` are its fixed words; `t` (a translator of the `password` and `strength` namespaces) words a
 * verdict, and until it is there (the reset page loads it on the first keystroke:
 * components/sip/lazy-translator.ts) a verdict shows as "Checking…". A screen reader hears the verdict
 * once typing pauses for ANNOUNCE_AFTER_MS, not at every keystroke. The verdict and each piece of
 * advice are sentences that end once (./sentences.ts), read aloud and on the page alike: the catalogue
 * ends some with a full stop (the problems) and not others (zxcvbn's advice, the verdict).
 */
export function StrengthMeter({
  assessment,
  empty,
  attack,
  words,
  t,
}: {
  assessment: Assessment | null;
  empty: boolean;
  attack: 'sip' | 'portal';
  words: MeterWords;
  t: Translate | null;
}) {
  const say = (n: Parameters<typeof noteText>[1]) => noteText(t!, n);
  const shown = assessment && !empty && t ? assessment : null;
  const level = shown?.level ?? 0;
  const label = empty ? words.empty : shown ? say(levelLabel(level)) : words.checking;
  const time = shown ? say(shown.crackTime) : '';
  const valueText = shown
    ? `${t!('password.meter.valueText', { label, attack, time })}${shown.acceptable ? '' : `; ${t!('password.meter.notAccepted')}`}`
    : label;
  const advice = shown ? [...shown.problems, ...shown.suggestions].map((n) => asSentence(say(n))) : [];
  // The one thing announced (a visually hidden live region): the verdict, once typing has paused, never
  // "Checking…". The meter itself stays readable on demand (its aria-valuetext), and the advice below it.
  const verdict = shown ? joinSentences([valueText, ...advice]) : '';
  const [announced, setAnnounced] = useState('');
  useEffect(() => {
    if (!verdict) return;
    const timer = setTimeout(() => setAnnounced(verdict), ANNOUNCE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [verdict]);
  return (
    <div className="flex flex-col gap-2">
      <p className="sr-only" aria-live="polite" data-testid="meter-announcement">
        {empty ? '' : announced}
      </p>
      <div
        role="meter"
        aria-label={words.name}
        aria-valuemin={0}
        aria-valuemax={4}
        aria-valuenow={empty ? 0 : level}
        aria-valuetext={valueText}
        className="flex h-3 gap-1"
      >
        {[0, 1, 2, 3].map((i) => (
          <span
            key={i}
            className={`h-3 flex-1 rounded border border-transparent ${shown && level > i ? `${COLORS[level]} ${FILLED_FORCED}` : 'bg-slate-200'}`}
          />
        ))}
      </div>
      <p className="text-sm">
        <strong>{label}</strong>
        {shown ? <> · {t!('password.meter.attack', { attack, time })}</> : null}
        {shown && !shown.acceptable ? (
          <>
            {' · '}
            {shown.strongEnough
              ? t!('password.meter.strongButRefused')
              : t!('password.meter.needs', { required: say(shown.required) })}
          </>
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
