'use client';
import type { Assessment } from '@/lib/passwords/strength';

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'];
const COLORS = ['bg-red-700', 'bg-red-600', 'bg-amber-500', 'bg-emerald-600', 'bg-emerald-700'];

/** role="meter" named "Password strength": score 0–4, crack time, and the estimator's own advice. */
export function StrengthMeter({ assessment, minScore, empty }: { assessment: Assessment | null; minScore: number; empty: boolean }) {
  const score = assessment?.score ?? 0;
  const label = empty ? 'No password yet' : assessment ? LABELS[score] : 'Checking…';
  return (
    <div className="flex flex-col gap-2" aria-live="polite">
      <div
        role="meter"
        aria-label="Password strength"
        aria-valuemin={0}
        aria-valuemax={4}
        aria-valuenow={empty ? 0 : score}
        aria-valuetext={`${label}${assessment && !empty ? `; could be cracked in ${assessment.crackTime}${assessment.acceptable ? '' : '; not accepted'}` : ''}`}
        className="flex h-3 gap-1"
      >
        {[0, 1, 2, 3].map((i) => (
          <span key={i} className={`h-3 flex-1 rounded ${!empty && assessment && score > i ? COLORS[score] : 'bg-slate-200'}`} />
        ))}
      </div>
      <p className="text-sm">
        <strong>{label}</strong>
        {assessment && !empty ? <> · estimated time to crack: {assessment.crackTime}</> : null}
        {assessment && !empty && score < minScore ? <> · needs at least “{LABELS[minScore]}”</> : null}
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
