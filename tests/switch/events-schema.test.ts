import { describe, expect, it } from 'vitest';
import { switchEventSchema } from '@/lib/switch/events-schema';

// The two examples of CONTRACTS §4, verbatim apart from the elided parts.
const placed = {
  id: 'evt_01JDEMO0000000000000000000',
  type: 'block.placed',
  occurredAt: '2026-11-25T09:14:03Z',
  data: {
    accountNumber: 'ACC-1001',
    reason: 'high_risk_destination',
    calls: [
      {
        at: '2026-11-25T09:13:58Z',
        from: 'acme-reception',
        to: '+252611234567',
        sourceIp: '203.0.113.9',
        durationSec: 0,
      },
    ],
  },
};
const lifted = {
  id: 'evt_01JDEMO0000000000000000001',
  type: 'block.lifted',
  occurredAt: '2026-11-25T10:00:00Z',
  data: { accountNumber: 'ACC-1001', actor: 'switch' },
};

const withData = (patch: Record<string, unknown>) => ({ ...placed, data: { ...placed.data, ...patch } });
const withCall = (patch: Record<string, unknown>) =>
  withData({ calls: [{ ...placed.data.calls[0], ...patch }] });

describe('switchEventSchema', () => {
  it('accepts the contract examples', () => {
    expect(switchEventSchema.parse(placed)).toEqual(placed);
    expect(switchEventSchema.parse(lifted)).toEqual(lifted);
  });

  it('accepts every block reason, IPv6 sources, offsets and a manual block without calls', () => {
    for (const reason of ['high_risk_destination', 'hotspot_source_ip', 'suspicious_pattern', 'manual']) {
      expect(switchEventSchema.safeParse(withData({ reason })).success).toBe(true);
    }
    expect(switchEventSchema.safeParse(withCall({ sourceIp: '2001:db8::9' })).success).toBe(true);
    expect(
      switchEventSchema.safeParse({ ...placed, occurredAt: '2026-11-25T10:14:03.123+01:00' }).success,
    ).toBe(true);
    expect(switchEventSchema.safeParse(withData({ reason: 'manual', calls: [] })).success).toBe(true);
  });

  // Review 9, finding 1: the calls are evidence, read when the block is stored
  // (lib/blocks/trigger-calls.ts); a call field never makes the whole event invalid.
  it.each([
    ['bad source IP', withCall({ sourceIp: '999.1.1.1' })],
    ['negative duration', withCall({ durationSec: -1 })],
    ['fractional duration', withCall({ durationSec: 1.5 })],
    ['a name as number', withCall({ to: 'premium line' })],
    ['a huge username', withCall({ from: 'a'.repeat(200) })],
    ['too many calls', withData({ calls: Array.from({ length: 201 }, () => placed.data.calls[0]) })],
    ['calls that are not a list', withData({ calls: 'none' })],
  ])('accepts a valid envelope with %s', (_name, event) => {
    expect(switchEventSchema.safeParse(event).success).toBe(true);
  });

  it('strips unknown keys instead of refusing the event', () => {
    const parsed = switchEventSchema.parse({ ...placed, extra: 'x', data: { ...placed.data, region: 'eu' } });
    expect(parsed).toEqual(placed);
  });

  it.each([
    ['unknown type', { ...placed, type: 'block.moved' }],
    ['unknown reason', withData({ reason: 'bad_luck' })],
    ['id with a slash', { ...placed, id: 'evt/../1' }],
    ['id too long', { ...placed, id: 'e'.repeat(101) }],
    ['not a date', { ...placed, occurredAt: 'yesterday' }],
    ['bad account number', withData({ accountNumber: "ACC-1001' OR 1=1" })],
    ['lift without actor', { ...lifted, data: { accountNumber: 'ACC-1001' } }],
    ['lift with an actor that is not text', { ...lifted, data: { accountNumber: 'ACC-1001', actor: 7 } }],
    ['missing data', { id: placed.id, type: placed.type, occurredAt: placed.occurredAt }],
  ])('refuses %s', (_name, event) => {
    expect(switchEventSchema.safeParse(event).success).toBe(false);
  });
});
