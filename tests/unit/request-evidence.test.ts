import { describe, expect, it } from 'vitest';
import { judge } from '@/lib/requests/evidence';

// The evidence staff read of an unblock request (lib/requests/evidence.ts judge): the misdial hint and
// the marked calls belong to a misdial request only. A firewall request ("we have hardened our
// firewall") claims no misdial: before, the queue and the request page showed it "Misdial hint:
// Unlikely to be a misdial", evidence nobody asked for (tester, staff console).

// Two short calls on a Tuesday morning in London, both to +252 61 123 4567 from one credential.
const calls = [
  { id: 'c1', at: new Date('2026-11-24T10:15:00Z'), to: '+252611234567', durationSec: 0 },
  { id: 'c2', at: new Date('2026-11-24T10:16:00Z'), to: '+2079460000', durationSec: 3 },
].map((c) => ({ ...c, sipUsername: 'harbor-trunk', sourceIp: '198.51.100.20' }));

const request = (kind: 'misdial' | 'firewall') => ({
  kind,
  intendedNumber: kind === 'misdial' ? '+442079460000' : null,
  // A stored value on a firewall row (none is written today) must not make it a misdial either.
  misdialCallIds: JSON.stringify(['c2']),
  account: { country: 'GB', timeZone: 'Europe/London' },
  block: { reason: 'hotspot_source_ip' as const, calls },
});

describe('judge', () => {
  it('gives a firewall request its calls summary, and no misdial hint or marked calls', () => {
    const j = judge(request('firewall'));
    expect(j.likelihood).toBeNull();
    expect(j.markedCallIds).toEqual([]);
    expect(j.summary).toMatchObject({ count: 2 });
    expect(j.summary.countries).toHaveLength(2);
  });

  it('gives a misdial request its hint, read from the calls the customer marked', () => {
    const j = judge(request('misdial'));
    expect(j.markedCallIds).toEqual(['c2']);
    expect(j.likelihood).not.toBeNull();
    expect(j.likelihood!.signals.map((s) => s.key)).toContain('trunk_prefix');
    expect(j.summary).toMatchObject({ count: 2 });
  });
});
