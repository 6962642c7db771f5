'use client';
import { type Assessment, LEVEL_LABELS } from '@/lib/passwords/strength';

const COLORS = ['bg-red-700', 'bg-red-600', 'bg-amber-500', 'bg-emerald-600', 'bg-emerald-700'];

/**
 * role="meter" named "Password strength": the level (0–4) under the page's rule (zxcvbn's score for
 * portal passwords, its guesses against SIP_PASSWORD_MIN_GUESSES_LOG10 for SIP ones), the crack time
 * for that rule's attack, and every problem. `attack` says whose time it is.
 */
export function StrengthMeter({ assessment, empty, attack }: { assessment: Assessment | null; empty: boolean; attack: string }) {
  const level = assessment?.level ?? 0;
  const label = empty ? 'No password yet' : assessment ? LEVEL_LABELS[level] : 'Checking…';
  return (
    <div className="flex flex-col gap-2" aria-live="polite">
      <div
        role="meter"
        aria-label="Password strength"
        aria-valuemin={0}
        aria-valuemax={4}
        aria-valuenow={empty ? 0 : level}
        aria-valuetext={`${label}${assessment && !empty ? `; ${attack} in ${assessment.crackTime}${assessment.acceptable ? '' : '; not accepted'}` : ''}`}
        className="flex h-3 gap-1"
      >
        {[0, 1, 2, 3].map((i) => (
          <span key={i} className={`h-3 flex-1 rounded ${!empty && assessment && level > i ? COLORS[level] : 'bg-slate-200'}`} />
        ))}
      </div>
      <p className="text-sm">
        <strong>{label}</strong>
        {assessment && !empty ? <> · {attack}: {assessment.crackTime}</> : null}
        {assessment && !empty && !assessment.acceptable ? <> · needs at least {assessment.required}</> : null}
      </p>
      {assessment && !empty && (assessment.problems.length || assessment.suggestions.length) ? (
        <ul className="list-disc pl-5 text-sm text-slate-800">
          {assessment.problems.map((p) => <li key={p}>{p}</li>)}
          {assessment.suggestions.map((s) => <li key={s}>{s}</li>)}
        </ul>
      ) : null}
    </div>
  );
}
