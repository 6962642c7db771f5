import { type CountryCode, Metadata, parsePhoneNumberFromString } from 'libphonenumber-js/max';

// Pure digit rules behind the misdial hint (libphonenumber-js knows each country's prefixes).

/** The digits dialled after the international prefix ("+252…" or "00252…" → "252…"), or null. */
export function internationalDigits(raw: string): string | null {
  const s = raw.replace(/[\s().-]/g, '');
  const digits = s.startsWith('+') ? s.slice(1) : s.startsWith('00') ? s.slice(2) : null;
  return digits && /^\d{4,20}$/.test(digits) ? digits : null;
}

export type Plan = { nationalPrefix(): string | undefined; IDDPrefix(): string; defaultIDDPrefix(): string | undefined };

const plans = new Map<CountryCode, Plan>();
export function planOf(country: CountryCode): Plan {
  let plan = plans.get(country);
  if (!plan) {
    const m = new Metadata();
    m.selectNumberingPlan(country);
    plan = m.numberingPlan as unknown as Plan;
    plans.set(country, plan);
  }
  return plan;
}

/**
 * The "00252… vs 0252…" rule: the digits after the international prefix, with the account country's
 * trunk prefix in front, form a valid national number of that country. Returns it formatted, or null.
 */
export function asNationalNumber(raw: string, country: CountryCode): string | null {
  const digits = internationalDigits(raw);
  if (!digits) return null;
  const dialled = parsePhoneNumberFromString(`+${digits}`);
  if (dialled?.country === country) return null; // a national call dialled in international form is not blocked
  const p = parsePhoneNumberFromString(`${planOf(country).nationalPrefix() ?? ''}${digits}`, country);
  return p && p.isValid() && p.country === country ? p.formatNational() : null;
}

/** Edit distance between two digit strings (insertions, deletions, substitutions). */
export function digitDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}


/** What people in `country` dial before an international number: "00", "011", "0011". */
export function iddOf(country: CountryCode): string {
  const plan = planOf(country);
  return /^\d+$/.test(plan.IDDPrefix()) ? plan.IDDPrefix() : plan.defaultIDDPrefix() ?? '00';
}
