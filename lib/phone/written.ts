import { type E164Number, PhoneNumber } from 'libphonenumber-js/max';
import { planOf, regionsOf } from './plan';

// A number a switch wrote in E.164 ("+", or an international prefix, then a country code), kept with
// its digits as written. libphonenumber-js's parser reads "+63 0123456" as +63 123456: it strips the
// destination's national prefix (Plan nationalPrefixForParsing, and its transform rule: Madagascar's
// "+261 4123456" becomes +261 20 4123456; NANP's "+1 1 1523456789" loses a digit) even when what is
// left is no valid number either. A person may write such a trunk prefix after the country code
// ("+44 (0)20…", lib/phone/typed.ts), a switch does not: the reference switch (switch/kamailio/
// kamailio.cfg, the policy query's positions 1–3) drops it only when that gives a valid number, and
// otherwise sends and reports the E.164 number exactly as dialled. So does every reader of what a
// switch dialled (lib/phone/format.ts readDialled). Pure; no server-only.

/**
 * The number `e164` ("+" and ASCII digits, as a switch wrote it: "+630123456") denotes with its
 * digits as written: its `number` is `e164` itself, never one with a national prefix stripped or
 * digits added. Its `country` is the region libphonenumber names for those digits (its
 * getCountryByCallingCode): the calling code's only region ("+63…" Philippines), else the first of
 * its regions whose leading digits begin the national number (Plan leadingDigits: "+1 876…"
 * Jamaica), or whose ranges make it a valid number; else none ("+1 152 345 6789"). Undefined when
 * `e164` has no country calling code libphonenumber knows or nothing after it.
 */
export function writtenNumber(e164: string): PhoneNumber | undefined {
  let n: PhoneNumber;
  try {
    n = new PhoneNumber(e164 as E164Number);
  } catch {
    return undefined;
  }
  const regions = regionsOf(n.countryCallingCode as string);
  if (regions.length === 1) n.country = regions[0];
  else
    for (const region of regions) {
      const leading = planOf(region).leadingDigits();
      n.country = region;
      if (leading ? (n.nationalNumber as string).search(leading) === 0 : n.getType() !== undefined) return n;
      n.country = undefined;
    }
  return n;
}
