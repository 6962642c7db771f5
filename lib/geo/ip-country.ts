import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { Reader, type Response } from 'maxmind';
import { countryName, flagOf } from '@/lib/phone/format';

// Where an internet address is, by country, from an offline database shipped as an npm package
// (@ip-location-db/geo-whois-asn-country-mmdb: RIR whois + ASN + geofeed data in MaxMind's MMDB format,
// read with `maxmind`). No lookup ever leaves the machine; updating the data is `npm install` of a
// newer version of that package. The file is read once, on first use (≈ 8 MB, a few ms).

const DATA_PACKAGE = '@ip-location-db/geo-whois-asn-country-mmdb';
const DATA_FILE = 'geo-whois-asn-country.mmdb'; // IPv4 and IPv6 in one tree

let reader: Reader<Response> | undefined;

function load(): Reader<Response> {
  if (reader) return reader;
  // Resolved from the project root at run time (not by the bundler): the data file is not a module.
  const resolve = createRequire(path.join(process.cwd(), 'package.json')).resolve;
  reader = new Reader<Response>(readFileSync(resolve(`${DATA_PACKAGE}/${DATA_FILE}`)));
  return reader;
}

/**
 * The ISO 3166-1 alpha-2 country an IPv4 or IPv6 address is registered in, e.g. "DE" for
 * 185.220.101.47, or `null` when it is unknown:
 * - not an IP address;
 * - not a global unicast address: private (RFC 1918, RFC 4193), loopback, link-local, shared
 *   (RFC 6598), multicast, and the documentation ranges 192.0.2.0/24, 198.51.100.0/24,
 *   203.0.113.0/24 (RFC 5737) and 2001:db8::/32 (RFC 3849) — the IANA special-purpose registries
 *   (RFC 6890) as `ipaddr.js` classifies them. The database gives some of those a country; no
 *   phone is really there;
 * - missing from the database.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is looked up as the IPv4 address. Never throws.
 */
export function ipCountry(ip: string): string | null {
  if (isIP(ip) === 0) return null; // strict dotted quads and RFC 4291 text, not inet_aton's "1.2.3"
  const addr = ipaddr.process(ip);
  if (addr.range() !== 'unicast') return null;
  const record = load().get(addr.toString()) as { country_code?: unknown } | null;
  const code = record?.country_code;
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : null;
}

export type IpPlace = {
  ip: string;
  /** ISO 3166-1 alpha-2, or null when unknown (see ipCountry). */
  country: string | null;
  /** The country's name in `locale` ("Germany"), or null when unknown. */
  countryName: string | null;
  /** The regional-indicator flag emoji, or null when unknown. */
  flag: string | null;
};

/** An address with its country, ready to show: `ipCountry` plus the name in `locale` (default English). */
export function placeIp(ip: string, locale = 'en'): IpPlace {
  const country = ipCountry(ip);
  return {
    ip,
    country,
    countryName: country ? countryName(country, locale) : null,
    flag: country ? flagOf(country) : null,
  };
}

/** The data set's build time (MMDB metadata), for the operations docs and health checks. */
export function ipCountryDataBuiltAt(): Date {
  return load().metadata.buildEpoch;
}
