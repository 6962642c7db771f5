import { describe, expect, it } from 'vitest';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { numberText } from '@/lib/phone/digits';
import { describeDialled, parseUserPhone } from '@/lib/phone/format';
import { readTyped } from '@/lib/phone/typed';

// iOS Contacts copies a number wrapped in U+202D LEFT-TO-RIGHT OVERRIDE … U+202C POP DIRECTIONAL
// FORMATTING; other apps add marks (U+200E, U+2066…U+2069), a zero-width joiner, a BOM. The "00 means
// +" rule looked at the text's first character and found U+202D, so a Colombian's "0057…" was refused.

/** `text` with format characters (General_Category Cf) around and inside it. */
const WRAPS: ((text: string) => string)[] = [
  (t) => `\u202D${t}\u202C`, // iOS Contacts
  (t) => `\u200E${t}\u200F`, // LRM, RLM
  (t) => `\u2066${t}\u2069`, // LRI … PDI
  (t) => `\uFEFF${t}`, // BOM
  (t) => t.replace(' ', '\u200D'), // ZWJ, which lib/server/control-characters.ts leaves in text
  (t) => t.replace(' ', '\u00AD'), // soft hyphen
];

describe('format characters in a number are not part of it', () => {
  it.each(WRAPS.map((w, i) => [i, w] as const))('wrap %i: a typed number reads as without it', (_, wrap) => {
    expect(checkCallbackNumber(wrap('0057 310 123 4567'), 'CO')).toMatchObject({
      ok: true,
      e164: '+573101234567',
    });
    expect(checkCallbackNumber(wrap('+34 912 345 678 ext. 21'), 'ES')).toMatchObject({
      ok: true,
      stored: '+34912345678;ext=21',
    });
    expect(readTyped(wrap('011 44 20 7946 0958'), 'US')?.number).toBe('+442079460958');
    expect(parseUserPhone(wrap('9 011 44 20 7946 0958'), 'US')).toBe('+442079460958');
  });

  it.each(WRAPS.map((w, i) => [i, w] as const))(
    'wrap %i: a number a switch wrote reads as without it',
    (_, wrap) => {
      expect(describeDialled(wrap('00 252 61 123 4567'), 'ES')).toMatchObject({
        e164: '+252611234567',
        country: 'SO',
      });
      expect(describeDialled(wrap('tel:+252 61 123 4567'), 'US')).toMatchObject({ e164: '+252611234567' });
    },
  );

  it('numberText drops every Cf character and makes digits ASCII; a control character stays', () => {
    expect(numberText('\u202D+57 ３１０\u0600 123 4567\u202C')).toBe('+57 310 123 4567');
    // A NUL inside a switch's number is no separator: the text is kept as sent (docs/switch-api.md).
    expect(numberText('+252\u0000611')).toBe('+252\u0000611');
    expect(describeDialled('+252\u0000611', 'US').e164).toBeNull();
  });

  // Unicode's space characters other than U+0020 (General_Category Z): libphonenumber-js takes only
  // U+0020, U+00A0 and U+3000 between digits, so "612 345 678" typeset with a narrow no-break space
  // (U+202F, French and Spanish digit grouping) was "not a valid phone number".
  const SPACE_CHARACTERS = [
    '\u00A0',
    '\u1680',
    '\u2000',
    '\u2001',
    '\u2002',
    '\u2003',
    '\u2004',
    '\u2005',
    '\u2006',
    '\u2007',
    '\u2008',
    '\u2009',
    '\u200A',
    '\u2028',
    '\u2029',
    '\u202F',
    '\u205F',
    '\u3000',
  ];
  it.each(SPACE_CHARACTERS.map((c) => [c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0'), c]))(
    'U+%s between the groups of a typed number reads as a space',
    (_, space) => {
      const spaced = (t: string) => t.replaceAll(' ', space);
      expect(checkCallbackNumber(spaced('612 345 678'), 'ES')).toMatchObject({
        ok: true,
        e164: '+34612345678',
      });
      expect(checkCallbackNumber(spaced('+52 55 1234 5678'), 'MX')).toMatchObject({
        ok: true,
        e164: '+525512345678',
      });
      expect(parseUserPhone(spaced('011 44 20 7946 0958'), 'US')).toBe('+442079460958');
      expect(describeDialled(spaced('00 252 61 123 4567'), 'ES')).toMatchObject({ e164: '+252611234567' });
    },
  );
});
