import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { Reader, type Response } from 'maxmind';
import { countryName, flagOf } from '@/lib/phone/format';
import { addressBucket, normalizeIp } from '@/lib/server/client-address';

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
 * - not a global unicast address (addressKind below is not `public`): private (RFC 1918, RFC 4193),
 *   loopback, link-local, shared (RFC 6598), multicast, and the documentation ranges 192.0.2.0/24,
 *   198.51.100.0/24, 203.0.113.0/24 (RFC 5737) and 2001:db8::/32 (RFC 3849) — the IANA
 *   special-purpose registries (RFC 6890) as `ipaddr.js` classifies them. The database gives some of
 *   those a country; no phone is really there;
 * - missing from the database.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is looked up as the IPv4 address, and so is an IPv6 address that
 * carries one (tunnelledIpv4: 6to4, Teredo, NAT64). Never throws.
 */
export function ipCountry(ip: string): string | null {
  if (addressKind(ip) !== 'public') return null;
  const where = tunnelledIpv4(ip) ?? ipaddr.process(ip).toString();
  const record = load().get(where) as { country_code?: unknown } | null;
  const code = record?.country_code;
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : null;
}

/**
 * What an address is, as the pages must say it when it has no country:
 * - `public`: global unicast, the one kind with a country (ipCountry; null when the data lacks it);
 * - `private`: RFC 1918 (10/8, 172.16/12, 192.168/16) or an RFC 4193 unique local address (fc00::/7);
 * - `cgnat`: the shared address space of carrier-grade NAT, 100.64.0.0/10 (RFC 6598);
 * - `link_local`: 169.254/16, fe80::/10 (with or without a zone, `fe80::1%eth0`);
 * - `loopback`: 127/8, ::1;
 * - `documentation`: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737), 2001:db8::/32
 *   (RFC 3849) and 3fff::/20 (RFC 9637): examples, routed nowhere;
 * - `other`: not an address (strict dotted quads and RFC 4291 text only, not inet_aton's "1.2.3"),
 *   or any other special-purpose range (unspecified, multicast, broadcast, benchmarking, reserved).
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address's kind, and so is an IPv6 address that carries
 * one (tunnelledIpv4: 6to4, Teredo, NAT64). Classified by ipaddr.js `range()`
 * (the IANA special-purpose registries, RFC 6890), which calls the documentation ranges `reserved`
 * with others, so those are told apart by prefix. Pure; never throws.
 */
export type AddressKind =
  'public' | 'private' | 'cgnat' | 'link_local' | 'loopback' | 'documentation' | 'other';

const DOCUMENTATION = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20'].map(
  (cidr) => ipaddr.parseCIDR(cidr),
);

const KIND_OF_RANGE: Record<string, AddressKind> = {
  unicast: 'public',
  private: 'private',
  uniqueLocal: 'private',
  carrierGradeNat: 'cgnat',
  linkLocal: 'link_local',
  loopback: 'loopback',
};

/** The kind of `ip` (see AddressKind), e.g. `private` for 192.168.1.70, `public` for 185.220.101.47. */
export function addressKind(ip: string): AddressKind {
  if (isIP(ip) === 0) return 'other';
  const carried = tunnelledIpv4(ip);
  if (carried) return addressKind(carried);
  const addr = ipaddr.process(ip);
  if (DOCUMENTATION.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits)))
    return 'documentation';
  return KIND_OF_RANGE[addr.range()] ?? 'other';
}

/**
 * The IPv4 address an IPv6 address of a tunnel or a translator carries, as text, else null: 6to4
 * (2002::/16, RFC 3056: the 32 bits after the prefix), NAT64's well-known prefix (64:ff9b::/96, RFC
 * 6052: the last 32 bits; ipaddr.js counts RFC 8215's local-use 64:ff9b:1::/48 in it), SIIT's
 * IPv4-translated addresses (::ffff:0:0:0/96, RFC 6145 / RFC 7915: the last 32 bits; a tester
 * registered from `::ffff:0:b9dc:6505`, 185.220.101.5, and passed as "country unknown", 2026-12-07)
 * and Teredo (2001::/32, RFC 4380: the client's public address, the last 32
 * bits inverted; when that is no public address, the Teredo server's, the 32 bits after the prefix).
 * A device behind one of these registers from an IPv6 address whose country is that of the IPv4 inside:
 * a fraudster registering from `2002:b9dc:652f::1` is at 185.220.101.47, in Germany, and passed as "country
 * unknown", unflagged, one of the owner's phones on the reset page (tester, 2026-12). ipaddr.js names
 * the ranges (`6to4`, `teredo`, `rfc6052`); it reads no address out of them. Pure; never throws.
 */
export function tunnelledIpv4(ip: string): string | null {
  if (isIP(ip) !== 6) return null;
  let addr: ipaddr.IPv6;
  try {
    addr = ipaddr.IPv6.parse(ip);
  } catch {
    return null;
  }
  const p = addr.parts;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  switch (addr.range()) {
    case '6to4':
      return v4(p[1]!, p[2]!);
    case 'rfc6052':
    case 'rfc6145':
      return v4(p[6]!, p[7]!);
    case 'teredo': {
      const client = v4(p[6]! ^ 0xffff, p[7]! ^ 0xffff);
      return ipaddr.IPv4.parse(client).range() === 'unicast' ? client : v4(p[2]!, p[3]!);
    }
    default:
      return null;
  }
}

/**
 * The host an address reaches the internet as: `ip` normalized (lib/server/client-address.ts
 * normalizeIp: port, scheme, `::ffff:` mapping and spelling folded); for an IPv6 address of a
 * tunnel or a translator (6to4, NAT64, Teredo, SIIT: tunnelledIpv4), the IPv4 address it carries;
 * for any other IPv6 address, its /64 network as lib/server/client-address.ts addressBucket writes it
 * (`2a01:04f8:0001:0002::/64`): one customer line or server gets a whole /64 and moves through it at
 * will (RFC 4291's 64-bit interface identifiers, RFC 8981's temporary addresses), as the rate limits
 * count it. Two addresses with the same host are one machine for the fraud rules: a tester's second
 * cracked credential, registered from `2002:b9dc:6505::1`, the 6to4 form of the fraud calls'
 * 185.220.101.5, was not taken for one registered from the calls' address, and the block lifted while
 * it stood; another's registered from `2a01:4f8:1:2::11` beside calls from `2a01:4f8:1:2::10`
 * (2026-12-07). Null for text that is no address. Pure; never throws.
 */
export function hostAddress(ip: string | null | undefined): string | null {
  const n = normalizeIp(ip);
  if (n === null) return null;
  const carried = tunnelledIpv4(n);
  if (carried !== null) return carried;
  return isIP(n) === 6 ? addressBucket(n) : n;
}

/**
 * True for the kinds of address a network uses inside itself (`private`, `link_local`, `loopback`,
 * and the carrier's own `cgnat`): a switch that reports one sees the device from inside a network,
 * behind a router, a PBX or an SBC, and the address says nothing of where in the world it is. Pages
 * say "an internal address, inside a private network and not on the internet" (messages `ipPlace.internal`) for these, not
 * "country unknown". `documentation` is not one: it is an example address (`ipPlace.documentation`).
 */
export function isInternalAddress(kind: AddressKind): boolean {
  return kind === 'private' || kind === 'cgnat' || kind === 'link_local' || kind === 'loopback';
}

export type IpPlace = {
  ip: string;
  /** What the address is (addressKind): the words a page shows when `country` is null. */
  kind: AddressKind;
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
    kind: addressKind(ip),
    country,
    countryName: country ? countryName(country, locale) : null,
    flag: country ? flagOf(country) : null,
  };
}

/**
 * The words for where an address is when no country is known (`ipPlace.{key}` in messages): `internal`
 * for an address a network uses inside itself (isInternalAddress), `documentation` for a documentation
 * range (RFC 5737, RFC 3849, RFC 9637), else `unknown`; null when `place` has a country name, which is
 * then the words. The one choice behind every rendering of an address: the pages' IpPlace
 * (components/ui/ip-place.tsx), the block explanation, the block notice mail. Pure.
 */
export function placeWordKey(place: IpPlace): 'internal' | 'documentation' | 'unknown' | null {
  if (place.countryName) return null;
  if (isInternalAddress(place.kind)) return 'internal';
  return place.kind === 'documentation' ? 'documentation' : 'unknown';
}

/** The data set's build time (MMDB metadata), for the operations docs and health checks. */
export function ipCountryDataBuiltAt(): Date {
  return load().metadata.buildEpoch;
}
