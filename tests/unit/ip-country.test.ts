import { describe, expect, it } from 'vitest';
import { ipCountry, ipCountryDataBuiltAt, placeIp } from '@/lib/geo/ip-country';

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
