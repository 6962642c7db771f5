import { type CountryCode, Metadata, isSupportedCountry } from 'libphonenumber-js/max';

// A country's dialling plan as libphonenumber's metadata states it (no list of our own). Pure.

export type Plan = {
  /**
   * The trunk prefix dialled before a national number ("0" in GB, "1" in NANP, "8" in RU); the
   * number 0, not a string, where the country has none (Spain, Portugal, Mexico, Denmark, Italy…:
   * the compressed metadata's placeholder), so `?? ''` does not catch it. Read it through trunkPrefixOf.
   */
  nationalPrefix(): string | 0 | undefined;
  /** The international (IDD) prefix as a regular expression source ("011", "001[14-689]|…", "810"). */
  IDDPrefix(): string;
  /** The IDD prefix to show when IDDPrefix() is a pattern ("0011" in AU, "8~10" in RU); the number 0 or undefined when none. */
  defaultIDDPrefix(): string | number | undefined;
  /** The E.164 country calling code without "+" ("1", "61"). */
  callingCode(): string;
  /**
   * For a region that shares its calling code, the pattern (a regular expression source) its national
   * numbers begin with ("658|876" for Jamaica, "33|7" for Kazakhstan); undefined for the code's main
   * region and for most others.
   */
  leadingDigits(): string | undefined;
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
 * The regions of an E.164 country calling code ("1" → US, AG, AI…; "44" → GB, GG, IM, JE), its main
 * region (the one whose plan libphonenumber reads the code's numbers with) first, from libphonenumber's
 * metadata; [] for a code of no country ("800", "882") or none at all.
 */
export function regionsOf(callingCode: string): readonly CountryCode[] {
  callingCodes ??= (
    new Metadata() as unknown as { metadata: { country_calling_codes: Record<string, CountryCode[]> } }
  ).metadata.country_calling_codes;
  // Older metadata listed a non-geographic code's entity as "001".
  return Object.hasOwn(callingCodes, callingCode)
    ? callingCodes[callingCode]!.filter((r) => r.length === 2)
    : [];
}

let callingCodes: Record<string, CountryCode[]> | undefined;

/**
 * France and its overseas departments and collectivities that dial each other as national numbers:
 * one ten-digit plan with the trunk prefix "0" (ARCEP's Plan national de numérotation), under four
 * country codes (+33, +262 Réunion and Mayotte, +590 Guadeloupe, Saint-Barthélemy and Saint-Martin,
 * +594 French Guiana, +596 Martinique). From Paris "0692 12 34 56" is a Réunion mobile, from Réunion
 * "06 12 34 56 78" a mainland one; libphonenumber reads a national number in one region's metadata
 * only. Hand-written: its metadata has no notion of regions sharing a national plan. Saint-Pierre-et-
 * Miquelon (+508) dials the mainland through "00", so it is not among them.
 */
const FRENCH_NATIONAL_PLAN: readonly CountryCode[] = ['FR', 'RE', 'YT', 'GP', 'BL', 'MF', 'GF', 'MQ'];

/**
 * The other regions whose numbers people in `country` dial in national form as their own (see
 * FRENCH_NATIONAL_PLAN), for a reader to try when the national number is not valid in `country`
 * itself; [] for every other country (a NANP country's neighbours share its country code, which
 * libphonenumber already reads).
 */
export function nationalPlanSiblings(country: CountryCode): readonly CountryCode[] {
  return FRENCH_NATIONAL_PLAN.includes(country) ? FRENCH_NATIONAL_PLAN.filter((c) => c !== country) : [];
}

/**
 * The trunk prefix people in `country` dial before a national number ("0" in GB, "1" in NANP, "8" in
 * Russia, "06" in Hungary), from libphonenumber's metadata; "" where there is none (Spain, Portugal,
 * Mexico since 2019, Denmark, Norway, Chile, Italy, whose numbers keep their leading 0 as part of the
 * number). The one reader of Plan.nationalPrefix().
 */
export function trunkPrefixOf(country: CountryCode): string {
  const prefix = planOf(country).nationalPrefix();
  return typeof prefix === 'string' ? prefix : '';
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

/**
 * The one prefix people in `country` dial before an international number, to show a person: "00",
 * "011" (NANP), "0011" (Australia: its preferred prefix among the carrier forms 0011, 0014…), "810"
 * (Russia's "8~10": the tilde is the wait for a second dial tone, not a digit), from libphonenumber's
 * metadata: its `international_prefix` when that is one string, else its
 * `preferred_international_prefix`, else "00" when the pattern admits "00" alone (Chile beside its
 * carriers' 1xx0, Israel beside 012–019, Bolivia, North Korea, the Solomon Islands; ITU-T E.164's
 * recommended prefix). Null when the country has no one prefix: the caller picks a carrier in the
 * prefix itself (Colombia's 005, 007, 009, 00414, 00444, 00456; Brazil's 0012, 0014, 0015, 0021…;
 * South Korea's 001, 002, 00700…; also Indonesia, Cambodia, Palau, Singapore, Thailand, Taiwan,
 * Tanzania, Uganda; tests/unit/dialled-numbers.test.ts holds the list): showing one
 * would name a carrier the person may not use, and "00" alone connects nowhere there. Reading
 * digits uses the whole pattern (iddPrefixIn), never this.
 */
export function iddOf(country: CountryCode): string | null {
  const plan = planOf(country);
  if (/^\d+$/.test(plan.IDDPrefix())) return plan.IDDPrefix();
  // The compressed metadata writes an absent preferred prefix as the number 0 (GB, RO, TW).
  const preferred = plan.defaultIDDPrefix() as unknown;
  if (typeof preferred === 'string' && preferred) return preferred.replace(/~/g, '');
  return isIddPrefix('00', country) ? '00' : null;
}

/**
 * Whether `prefix` (ASCII digits) is, whole, an international prefix people in `country` dial, by
 * libphonenumber's metadata pattern: "00" is in Spain, Mexico, Bolivia (beside its carriers' "001x")
 * and Hong Kong; it is not in Colombia, Brazil, South Korea or Australia, where every international
 * call goes through a carrier's form that begins "00" ("009", "0021", "001", "0011"), nor in the US.
 */
export function isIddPrefix(prefix: string, country: CountryCode): boolean {
  return new RegExp(`^(?:${planOf(country).IDDPrefix()})$`).test(prefix);
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
