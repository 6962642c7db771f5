import { describe, expect, it } from 'vitest';
import { passwordLimitKeys, linkRequestLimitKeys } from '@/lib/auth/limit-keys';
import { addressBucket, normalizeIp } from '@/lib/server/client-address';
import { clientIp } from '@/lib/server/request-meta';

describe('client address (TRUSTED_PROXY_HOPS)', () => {
  it('0 = no proxy: the socket peer, whatever X-Forwarded-For says', () => {
    expect(clientIp('6.6.6.6', 0, '203.0.113.9')).toBe('203.0.113.9');
    expect(clientIp(null, 0, '::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientIp('203.0.113.9', 0, null)).toBeNull(); // outside scripts/serve.mjs the peer is unknown, not the header
  });
  it('n proxies: the entry n places from the right, never one the client wrote', () => {
    expect(clientIp('203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientIp('6.6.6.6, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientIp('6.6.6.6, 203.0.113.9, 10.0.0.2', 2)).toBe('203.0.113.9');
    expect(clientIp('203.0.113.9', 2)).toBeNull(); // fewer entries than proxies: the chain is not ours
    expect(clientIp(null, 1)).toBeNull();
    expect(clientIp('x', 1)).toBeNull();
  });
  it('reads the forms proxies and load balancers write', () => {
    expect(normalizeIp('203.0.113.9:51234')).toBe('203.0.113.9');
    expect(normalizeIp('[2001:DB8::1]:443')).toBe('2001:db8::1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    // One text per address (RFC 5952): case, zero runs and the IPv4-mapped form do not make another.
    expect(normalizeIp('2001:DB8:0:0::9')).toBe('2001:db8::9');
    expect(normalizeIp('2001:0db8:0000:0000:0000:0000:0000:0009')).toBe('2001:db8::9');
    expect(normalizeIp('::ffff:185.220.101.47')).toBe('185.220.101.47');
    expect(normalizeIp('::FFFF:b9dc:652f')).toBe('185.220.101.47');
    expect(normalizeIp('::1')).toBe('::1');
    // inputs-20: a peer as a SIP switch logs it (Kamailio's $su, location.received, a socket).
    expect(normalizeIp('sip:185.220.101.47:5060')).toBe('185.220.101.47');
    expect(normalizeIp('SIPS:185.220.101.47:5061')).toBe('185.220.101.47');
    expect(normalizeIp('udp:185.220.101.47:5060')).toBe('185.220.101.47');
    expect(normalizeIp('tcp:[2001:DB8::9]:5060')).toBe('2001:db8::9');
    expect(normalizeIp('tls:[::ffff:185.220.101.47]:5061')).toBe('185.220.101.47');
    expect(normalizeIp('wss:[fe80::1%25eth0]:443')).toBe('fe80::1');
    // Kamailio adds ";transport=" to $su and location.received for every transport but UDP.
    expect(normalizeIp('sip:185.220.101.47:5061;transport=tls')).toBe('185.220.101.47');
    expect(normalizeIp('sip:[2001:DB8::9]:5060;transport=tcp')).toBe('2001:db8::9');
    expect(normalizeIp('sip:185.220.101.47;transport=sctp')).toBe('185.220.101.47');
    expect(normalizeIp('sips:[::ffff:185.220.101.47]:5061;transport=ws;lr')).toBe('185.220.101.47');
    for (const bad of [
      'x',
      '',
      'unknown',
      '999.1.1.1',
      '1.2.3',
      '2001:db8::1::2',
      'a'.repeat(100),
      ';transport=tls',
      'sip:;1.2.3.4',
    ])
      expect(normalizeIp(bad)).toBeNull();
  });
});

describe('limit keys', () => {
  it('per-address buckets: IPv4 itself, IPv6 per /64, one shared bucket for anything unreadable', () => {
    expect(addressBucket('203.0.113.9')).toBe('203.0.113.9');
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:0db8:0001:0002::/64');
    expect(addressBucket('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(addressBucket('2001:db8:1:2::7'));
    expect(addressBucket('2001:db8:1:3::7')).not.toBe(addressBucket('2001:db8:1:2::7'));
    expect(addressBucket('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(addressBucket(null)).toBe('unknown');
    expect(addressBucket('x')).toBe('unknown');
  });
  it('a stranger counts against email + their own address; the user elsewhere has untouched counters', () => {
    const stranger = passwordLimitKeys({ email: 'sam@t.example', ip: '198.51.100.7', device: null });
    const user = passwordLimitKeys({ email: 'sam@t.example', ip: '203.0.113.9', device: null });
    expect(stranger).toEqual([
      { name: 'signInEmailIp', key: 'sam@t.example 198.51.100.7' },
      { name: 'signInIp', key: '198.51.100.7' },
      { name: 'signInEmail', key: 'sam@t.example' },
    ]);
    // The only counter they share is the wide per-email ceiling for unknown browsers.
    const shared = stranger.filter((s) => user.some((u) => u.name === s.name && u.key === s.key));
    expect(shared).toEqual([{ name: 'signInEmail', key: 'sam@t.example' }]);
  });
  it('a known browser spends its own allowance and the ceiling of the login’s known browsers for its epoch', () => {
    const device = { id: 'dev1', epoch: 'mi9x0a1b' };
    expect(passwordLimitKeys({ email: 'sam@t.example', ip: '198.51.100.7', device })).toEqual([
      { name: 'signInDevice', key: 'dev1' },
      { name: 'signInEmailDevices', key: 'sam@t.example mi9x0a1b' },
    ]);
    // None of a stranger's counters: whatever strangers spend, a known browser still gets in.
    const stranger = passwordLimitKeys({ email: 'sam@t.example', ip: '198.51.100.7', device: null });
    expect(stranger.map((k) => k.name)).not.toContain('signInEmailDevices');
  });
  it('an unreadable address is counted, in the shared bucket', () => {
    expect(passwordLimitKeys({ email: 'sam@t.example', ip: null, device: null }).map((k) => k.key)).toEqual([
      'sam@t.example unknown',
      'unknown',
      'sam@t.example',
    ]);
  });
  it('sign-in link requests: refused per email + address (or per known browser), quiet per address and per email', () => {
    // The address's counter is shared with whoever is behind the same NAT: it quiets, never refuses.
    expect(linkRequestLimitKeys({ email: 'a@t.example', ip: '198.51.100.7', deviceId: null })).toEqual({
      refuse: [{ name: 'emailLinkEmailIp', key: 'a@t.example 198.51.100.7' }],
      quiet: [
        { name: 'emailLinkIp', key: '198.51.100.7' },
        { name: 'emailLink', key: 'a@t.example' },
      ],
      // Past the ceiling, the owner can still get a link: one per link lifetime, per email...
      pastCeiling: { name: 'emailLinkPastCeiling', key: 'a@t.example' },
      // ...and the address's past-ceiling links are capped whatever the emails (re-review, 2026-12-05).
      pastCeilingIp: { name: 'emailLinkPastCeilingIp', key: '198.51.100.7' },
    });
    // A known browser is refused by its own allowance, not its address's counters (a stranger behind
    // the same NAT spent them: review, session 39); the email's ceiling holds for it too, with the
    // past-ceiling link (every password success mints a cookie: they must not flood the mailbox).
    expect(linkRequestLimitKeys({ email: 'a@t.example', ip: '198.51.100.7', deviceId: 'd' })).toEqual({
      refuse: [{ name: 'emailLinkDevice', key: 'd' }],
      quiet: [{ name: 'emailLink', key: 'a@t.example' }],
      pastCeiling: { name: 'emailLinkPastCeiling', key: 'a@t.example' },
      pastCeilingIp: null,
    });
  });
});
