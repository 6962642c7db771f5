import { describe, expect, it } from 'vitest';
import { addressKind, ipCountry, isInternalAddress, placeIp } from '@/lib/geo/ip-country';

// A tester's PBX customer (ACC-TB52): devices registered "from 192.168.1.70 (country unknown), fe80::1
// (country unknown)". An address a network uses inside itself has no country to be unknown: the pages
// say it is internal (inside a private network). lib/geo/ip-country.ts addressKind, one table.

const TABLE = [
  ['10.0.0.1', 'private', true],
  ['172.16.5.4', 'private', true],
  ['192.168.1.70', 'private', true],
  ['100.64.0.1', 'cgnat', true],
  ['127.0.0.1', 'loopback', true],
  ['169.254.1.1', 'link_local', true],
  ['fe80::1', 'link_local', true],
  ['fe80::1%eth0', 'link_local', true],
  ['fd00::1', 'private', true],
  ['::1', 'loopback', true],
  ['::ffff:192.168.1.1', 'private', true],
  ['2001:db8::10', 'documentation', false],
  ['198.51.100.20', 'documentation', false],
  ['185.220.101.47', 'public', false],
  ['2a0b:f4c0::66', 'public', false],
] as const;

describe('addressKind', () => {
  it.each(TABLE)('%s is %s', (ip, kind, internal) => {
    expect(addressKind(ip)).toBe(kind);
    expect(isInternalAddress(addressKind(ip))).toBe(internal);
    expect(placeIp(ip).kind).toBe(kind);
  });

  it('only a public address has a country', () => {
    for (const [ip, kind] of TABLE) expect(ipCountry(ip) !== null, ip).toBe(kind === 'public');
    expect(ipCountry('2a0b:f4c0::66')).toBe('DE');
  });

  it('tells the other documentation ranges from what ipaddr.js also calls reserved', () => {
    for (const ip of ['192.0.2.1', '203.0.113.9', '::ffff:203.0.113.9', '3fff::1'])
      expect(addressKind(ip), ip).toBe('documentation');
    // Benchmarking, the former class E, multicast, unspecified, 6to4: no country, and not internal.
    for (const ip of ['198.18.0.1', '240.0.0.1', '224.0.0.1', 'ff02::1', '0.0.0.0', '::', '2002::1'])
      expect(addressKind(ip), ip).toBe('other');
  });

  it('is `other` for what is not an address, without throwing', () => {
    for (const ip of ['', 'not-an-ip', '999.1.1.1', '1.2.3', 'sip:a@b', '192.168.1.70:5060'])
      expect(addressKind(ip), ip).toBe('other');
  });
});
