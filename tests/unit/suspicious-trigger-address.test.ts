import { describe, expect, it } from 'vitest';
import { suspiciousBindings } from '@/lib/devices/registrations';
import { binding } from '@/tests/helpers/device-binding';

// A tester playing the fraudster (2026-12) registered a second cracked credential from the address
// its calls came from (a US address on a US account, a real phone's user agent): it was flagged only
// in its own section, and the block lifted once the one credential the calls named was changed.

const credential = (id: string, bindings: ReturnType<typeof binding>[]) => ({
  id,
  username: id,
  label: id,
  bindings,
  notRead: null,
  unreadable: 0,
});

describe('devices that look like an attacker’s', () => {
  it('include a device registered from an address the block’s calls came from', () => {
    const fromFraud = binding({ sourceIp: '23.94.10.20', country: 'US', flags: ['trigger_ip'] });
    const found = suspiciousBindings([credential('f-pbx', [fromFraud])]);
    expect(found.map((f) => f.credential.id)).toEqual(['f-pbx']);
  });

  it('leave out the account’s own office at that address, and a phone elsewhere at home', () => {
    const office = binding({
      sourceIp: '23.94.10.20',
      country: 'US',
      flags: ['own_network'],
      sameAddress: 6,
    });
    const home = binding({ sourceIp: '24.5.6.7', country: 'US', flags: [] });
    expect(suspiciousBindings([credential('f-desk', [office, home])])).toEqual([]);
  });
});
