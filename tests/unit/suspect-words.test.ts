import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { CredentialList } from '@/components/block/credential-list';
import { suspectWords } from '@/lib/blocks/suspects';
import { render, text } from '@/tests/helpers/intl-markup';

// A tester (2026-12-07): the block page said "Registered from the address of the fraud calls
// (2002:b9dc:6505::1)" for an address its calls table does not list: the 6to4 form of the calls'
// 185.220.101.5. A suspect registered from the calls' host but not from a listed address now names
// the call address it shares a machine or network with.
describe('suspectWords', () => {
  const calls = ['185.220.101.5', '2a01:4f8:1:2::10'];
  it('an address the calls table lists is the address of the fraud calls', () => {
    expect(suspectWords({ reason: 'trigger_ip', sourceIp: '185.220.101.5' }, calls)).toEqual({
      reason: 'trigger_ip',
      ip: '185.220.101.5',
      callIp: '',
    });
  });

  it('a tunnel’s form, SIIT’s, or another address of the /64 names the call address it shares a host with', () => {
    for (const [ip, callIp] of [
      ['2002:b9dc:6505::1', '185.220.101.5'],
      ['64:ff9b::b9dc:6505', '185.220.101.5'],
      ['::ffff:0:b9dc:6505', '185.220.101.5'],
      ['2a01:4f8:1:2::11', '2a01:4f8:1:2::10'],
    ])
      expect(suspectWords({ reason: 'trigger_ip', sourceIp: ip! }, calls), ip).toEqual({
        reason: 'sameHost',
        ip,
        callIp,
      });
  });

  it('a scanning tool is said as one, wherever it is', () => {
    expect(suspectWords({ reason: 'scanner', sourceIp: '2002:b9dc:6505::1' }, calls).reason).toBe('scanner');
  });

  it('the block page says it in English and Spanish', () => {
    const block = {
      id: 'b1',
      status: 'active' as const,
      sourceIps: calls,
      credentials: [
        {
          id: 'c1',
          username: 'acme-fax',
          label: 'Fax',
          passwordChangedAt: null,
          passwordScore: null,
          named: false,
          suspected: { reason: 'trigger_ip' as const, sourceIp: '2002:b9dc:6505::1' },
          rotatedSinceBlock: false,
          unsettled: false,
          unsettledCause: null,
        },
      ],
    };
    const node = h(CredentialList, { block, labelledBy: 'creds' });
    expect(text(render(node, 'en'))).toContain(
      'Registered from 2002:b9dc:6505::1, the same machine or network as the fraud calls from 185.220.101.5: change this password too',
    );
    expect(text(render(node, 'es'))).toContain(
      'Se registró desde 2002:b9dc:6505::1, la misma máquina o red que las llamadas fraudulentas desde 185.220.101.5',
    );
  });
});
