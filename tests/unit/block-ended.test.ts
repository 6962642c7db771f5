import { describe, expect, it } from 'vitest';
import { howBlockEnded } from '@/lib/blocks/ended';
import { translator } from '@/lib/i18n/translate';

// A lifted block's page says first how it ended (block.ended): support agreed it was a misdial, or
// approved a hardened firewall, every password was changed, support or the switch lifted it.

describe('how a lifted block ended', () => {
  it('is told by the approved request behind support’s lift, the latest first', () => {
    const misdial = { kind: 'misdial' as const, status: 'approved' };
    const firewall = { kind: 'firewall' as const, status: 'approved' };
    const denied = { kind: 'misdial' as const, status: 'denied' };
    expect(howBlockEnded('support', [misdial])).toBe('misdial');
    expect(howBlockEnded('support', [denied, firewall])).toBe('firewall');
    expect(howBlockEnded('support', [firewall, misdial])).toBe('firewall');
    // Support's own lift, with only a denied or closed request: by hand.
    expect(howBlockEnded('support', [denied, { kind: 'firewall', status: 'closed' }])).toBe('support');
    expect(howBlockEnded('support', [])).toBe('support');
  });

  it('is the lift itself otherwise, and nothing while the block is in force', () => {
    const approved = [{ kind: 'misdial' as const, status: 'approved' }];
    // The switch lifted it by itself, or the policy did: an approval whose lift never came is not it.
    expect(howBlockEnded('switch', approved)).toBe('switch');
    expect(howBlockEnded('rotation', approved)).toBe('rotation');
    expect(howBlockEnded('unknown', [])).toBe('unknown');
    expect(howBlockEnded(null, approved)).toBeNull();
  });

  it.each(['en', 'es'] as const)('has words for each in %s, with when', (locale) => {
    const t = translator(locale);
    const said = new Set<string>();
    for (const how of ['misdial', 'firewall', 'rotation', 'support', 'switch', 'unknown']) {
      const text = t('block.ended', { how, at: 'AT' });
      expect(text, how).toContain('AT');
      said.add(text);
    }
    expect(said.size).toBe(6);
  });
});
