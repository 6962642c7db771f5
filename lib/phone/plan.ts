import { type CountryCode, Metadata, isSupportedCountry } from 'libphonenumber-js/max';

// A country's dialling plan as libphonenumber's metadata states it (no list of our own). Pure.

export type Plan = {
  /** The trunk prefix dialled before a national number ("0" in GB, "1" in NANP, "8" in RU), if any. */
  nationalPrefix(): string | undefined;
  /** The international (IDD) prefix as a regular expression source ("011", "001[14-689]|…", "810"). */
  IDDPrefix(): string;
  /** The IDD prefix to show when IDDPrefix() is a pattern ("0011" in AU, "8~10" in RU). */
  defaultIDDPrefix(): string | undefined;
  /** The E.164 country calling code without "+" ("1", "61"). */
  callingCode(): string;
};

const plans = new Map<CountryCode, Plan>();

/** The numbering plan of an ISO 3166-1 alpha-2 country, from libphonenumber's metadata (cached). */
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
 * The country an account's numbers are read in when it has none libphonenumber knows: the default of
 * the CustomerAccount.country column (prisma/schema.prisma) and of `npm run admin -- create-account`.
 */
export const DEFAULT_COUNTRY: CountryCode = 'US';

/** An account's country as libphonenumber knows it (ISO 3166-1 alpha-2), else DEFAULT_COUNTRY. The one fallback. */
export function accountCountry(country: string | null | undefined): CountryCode {
  return country && isSupportedCountry(country) ? country : DEFAULT_COUNTRY;
}

/** What people in `country` dial before an international number, as they write it: "00", "011", "0011", "810". */
export function iddOf(country: CountryCode): string {
  const plan = planOf(country);
  if (/^\d+$/.test(plan.IDDPrefix())) return plan.IDDPrefix();
  return plan.defaultIDDPrefix()?.replace(/~/g, '') ?? '00';
}

const iddPatterns = new Map<CountryCode, RegExp>();

/**
 * The IDD prefix of `country` at the start of `digits`, or null. Uses the metadata's pattern, so every
 * carrier-selection form counts (Australia's 0011 and 0014…, Brazil's 0012/0015/…, Russia's 810).
 */
export function iddPrefixIn(digits: string, country: CountryCode): string | null {
  let re = iddPatterns.get(country);
  if (!re) {
    re = new RegExp(`^(?:${planOf(country).IDDPrefix()})`);
    iddPatterns.set(country, re);
  }
  return re.exec(digits)?.[0] ?? null;
}
