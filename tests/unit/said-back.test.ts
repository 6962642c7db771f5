import { describe, expect, it } from 'vitest';
import { SAID_BACK_MAX, saidBack } from '@/lib/staff/said-back';

// A tester, 2026-12-08: a value a staff page said back was cut at 40 characters with no sign of the
// cut ("…not applied: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"). Now cut with an ellipsis, never
// inside a character a person sees as one.

const clusters = (s: string) =>
  Array.from(new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(s)).length;

describe('saidBack', () => {
  it('returns a value that fits whole, with no ellipsis', () => {
    expect(saidBack('ACC-1001')).toBe('ACC-1001');
    expect(saidBack('x'.repeat(SAID_BACK_MAX))).toBe('x'.repeat(SAID_BACK_MAX));
    // Forty clusters of many code units each still fit.
    const flags = '🇪🇸'.repeat(SAID_BACK_MAX);
    expect(saidBack(flags)).toBe(flags);
  });

  it('cuts a longer value to 40 characters, the last an ellipsis', () => {
    expect(saidBack('x'.repeat(SAID_BACK_MAX + 1))).toBe(`${'x'.repeat(SAID_BACK_MAX - 1)}…`);
    expect(saidBack('x'.repeat(500))).toHaveLength(SAID_BACK_MAX);
    // A space at the cut is not left before the ellipsis.
    expect(saidBack(`${'a'.repeat(38)} ${'b'.repeat(10)}`)).toBe(`${'a'.repeat(38)}…`);
  });

  it('never splits an emoji, a flag or a letter with a combining accent', () => {
    const family = '👨‍👩‍👧';
    const cut = saidBack(`${'x'.repeat(38)}${family}${'y'.repeat(5)}`);
    expect(cut).toBe(`${'x'.repeat(38)}${family}…`);
    expect(saidBack(`${'x'.repeat(38)}🇪🇸🇲🇽🇦🇷`)).toBe(`${'x'.repeat(38)}🇪🇸…`);
    const accent = 'e\u0301';
    const accented = saidBack(accent.repeat(60));
    expect(accented).toBe(`${accent.repeat(SAID_BACK_MAX - 1)}…`);
    expect(clusters(accented)).toBe(SAID_BACK_MAX);
    // No lone surrogate is left at the cut.
    expect(saidBack('😀'.repeat(60))).toBe(`${'😀'.repeat(SAID_BACK_MAX - 1)}…`);
    expect(saidBack('😀'.repeat(60))).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('drops invisible formatting and control characters as the filters do, and trims', () => {
    expect(saidBack('  \u202dACC-1001\u202c\u200b ')).toBe('ACC-1001');
    expect(saidBack('a\u0000b')).toBe('a b');
  });
});
