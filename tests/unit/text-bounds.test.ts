import { describe, expect, it } from 'vitest';
import { cutWhole, typedText } from '@/lib/server/control-characters';

// Bounds on text that arrives from outside (a form's echo, a browser's name, a switch's or a mail
// server's error stored on a row): never half a character. A lone surrogate reaches PostgreSQL as
// U+FFFD and a page as a broken glyph (break-29 found the search's cut; these are the others).

const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('cutWhole', () => {
  it('cuts to at most max UTF-16 units and never halves an emoji at the cut', () => {
    const text = `${'a'.repeat(1999)}📞 rest`; // the emoji is units 2000 and 2001
    const cut = cutWhole(text, 2000);
    expect(cut).toBe('a'.repeat(1999));
    expect(cut).not.toMatch(lone);
    expect(cutWhole(text, 2001)).toBe(`${'a'.repeat(1999)}📞`);
    expect(cutWhole('short', 512)).toBe('short');
    expect(cutWhole('', 10)).toBe('');
  });

  it('keeps every length within the bound, for every cut through a run of emoji', () => {
    const text = '𝄞📞😀'.repeat(40);
    for (let max = 1; max <= text.length; max++) {
      const cut = cutWhole(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.length).toBeGreaterThanOrEqual(max - 1);
      expect(cut).not.toMatch(lone);
    }
  });
});

describe('typedText', () => {
  it('counts characters, not units, and keeps an emoji at the cut whole', () => {
    expect(typedText(`${'a'.repeat(99)}📞x`, 100)).toBe(`${'a'.repeat(99)}📞`);
    expect(typedText('  Den\u00ADtal\u202e  ', 100)).toBe('Dental');
  });
});
