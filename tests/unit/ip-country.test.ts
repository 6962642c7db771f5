import { describe, expect, it } from 'vitest';
import {
  addressKind,
  hostAddress,
  ipCountry,
  ipCountryDataBuiltAt,
  placeIp,
  tunnelledIpv4,
} from '@/lib/geo/ip-country';

// Real data from the pinned @ip-location-db package: these addresses' registrations have been stable
// for years (a newer data package that moves them is a real change worth a look).

describe('ipCountry', () => {
  it('finds the country of global addresses, IPv4 and IPv6', () => {
    expect(ipCountry('185.220.101.47')).toBe('DE');
    expect(ipCountry('8.8.8.8')).toBe('US');
    expect(ipCountry('2a00:1450:4001::1')).toBe('IE');
  });

  it('looks up an IPv4-mapped IPv6 address as IPv4', () => {
    expect(ipCountry('::ffff:185.220.101.47')).toBe('DE');
  });

  it('says unknown for documentation ranges, although the data file gives them a country', () => {
    for (const ip of ['192.0.2.10', '198.51.100.20', '203.0.113.9', '2001:db8::1'])
      expect(ipCountry(ip)).toBeNull();
  });

  it('says unknown for private, loopback, shared and link-local addresses', () => {
    for (const ip of [
      '10.1.2.3',
      '192.168.1.10',
      '172.16.0.5',
      '127.0.0.1',
      '100.64.0.1',
      '169.254.1.1',
      '::1',
      'fd00::1',
      'fe80::1',
    ])
      expect(ipCountry(ip)).toBeNull();
  });

  it('says unknown for anything that is not an address, without throwing', () => {
    for (const ip of ['', 'not-an-ip', '999.1.1.1', '1.2.3', 'sip:a@b']) expect(ipCountry(ip)).toBeNull();
  });
});

describe('placeIp', () => {
  it('names the country in the viewer’s language', () => {
    expect(placeIp('185.220.101.47')).toEqual({
      ip: '185.220.101.47',
      kind: 'public',
      country: 'DE',
      countryName: 'Germany',
      flag: '🇩🇪',
    });
    expect(placeIp('185.220.101.47', 'es').countryName).toBe('Alemania');
    expect(placeIp('203.0.113.9')).toEqual({
      ip: '203.0.113.9',
      kind: 'documentation',
      country: null,
      countryName: null,
      flag: null,
    });
  });

  it('reports when the data was built', () => {
    expect(ipCountryDataBuiltAt().getUTCFullYear()).toBeGreaterThanOrEqual(2026);
  });
});

// A tester playing the fraudster registered from 6to4, Teredo and NAT64 addresses that carry
// 185.220.101.47 (Germany): each read "country unknown", unflagged, and the reset page called them
// the owner's phones (2026-12). The IPv4 inside is where the device is.
describe('an IPv6 address that carries an IPv4 one', () => {
  it.each([
    ['2002:b9dc:652f::1', '185.220.101.47'], // 6to4, RFC 3056
    ['64:ff9b::b9dc:652f', '185.220.101.47'], // NAT64 well-known prefix, RFC 6052
    ['2001:0:b9dc:652f::1', '185.220.101.47'], // Teredo: no public client address, so the server's
    ['2001:0:4136:e378:8000:63bf:ba23:9ad0', '69.220.101.47'], // Teredo: the client's, inverted (RFC 4380)
    ['::ffff:0:b9dc:652f', '185.220.101.47'], // SIIT IPv4-translated, RFC 6145 / 7915 (a tester, 2026-12-07)
    ['64:ff9b:1::b9dc:652f', '185.220.101.47'], // NAT64 local-use prefix, RFC 8215, /96 embedding
  ])('%s is at %s', (ip, v4) => {
    expect(tunnelledIpv4(ip)).toBe(v4);
    expect(addressKind(ip)).toBe(addressKind(v4));
    expect(ipCountry(ip)).toBe(ipCountry(v4));
  });

  it('names the country of the address inside, and a private one inside is internal', () => {
    expect(ipCountry('2002:b9dc:652f::1')).toBe('DE');
    expect(addressKind('2002:c0a8:0101::1')).toBe('private');
    expect(ipCountry('2002:c0a8:0101::1')).toBeNull();
  });

  it('reads nothing out of other IPv6 addresses, nor out of what is no address', () => {
    for (const ip of ['2a00:1450:4001::1', '2001:db8::1', 'fe80::1', '::1', '185.220.101.47', 'x', ''])
      expect(tunnelledIpv4(ip), ip).toBeNull();
  });
});

// The fraud rules compare a registration's address with the calls' by host (lib/blocks/suspects.ts,
// lib/devices/registrations.ts): a tester registered a second credential from the next address of the
// calls' IPv6 /64, and from SIIT's form of their IPv4, and the block lifted while both stood (2026-12-07).
describe('hostAddress', () => {
  it('is the IPv4 address itself, in any spelling, and the one a tunnel or translator carries', () => {
    for (const ip of [
      '185.220.101.5',
      '185.220.101.5:5060',
      '::ffff:185.220.101.5',
      '::ffff:0:b9dc:6505',
      '2002:b9dc:6505::1',
      '64:ff9b::b9dc:6505',
      '64:ff9b:1::b9dc:6505',
    ])
      expect(hostAddress(ip), ip).toBe('185.220.101.5');
  });

  it('is the /64 network of any other IPv6 address, as the rate limits count it', () => {
    const net = hostAddress('2a01:4f8:1:2::10');
    expect(net).toBe('2a01:04f8:0001:0002::/64');
    for (const ip of ['2a01:4f8:1:2::11', '[2A01:4F8:1:2:ABCD::1]:5060', '2a01:4f8:1:2:ffff:ffff:ffff:ffff'])
      expect(hostAddress(ip), ip).toBe(net);
    expect(hostAddress('2a01:4f8:1:3::10')).not.toBe(net);
  });

  it('is null for what is no address', () => {
    for (const x of ['', 'x', '*97', null, undefined]) expect(hostAddress(x)).toBeNull();
  });
});
