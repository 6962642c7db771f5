import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asReceived } from '@/lib/blocks/trigger-calls';
import { replaceControlCharacters } from '@/lib/server/control-characters';

// Text the switch wrote that Tollgate keeps as the switch's record (a trigger call's unread field,
// a registration's contact or user agent) has its control characters replaced by U+FFFD. That was
// written out twice (lib/blocks/trigger-calls.ts asReceived, lib/devices/registrations.ts
// readableSwitchText); now both call lib/server/control-characters.ts replaceControlCharacters.

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const hex = (cp: number) => `U+${cp.toString(16).padStart(4, '0').toUpperCase()}`;
/** C0 (tab, line feed and carriage return included), DEL and C1. */
const CONTROL = [...range(0x00, 0x1f), 0x7f, ...range(0x80, 0x9f)];

describe('replaceControlCharacters', () => {
  it.each(CONTROL.map((cp) => [hex(cp), String.fromCharCode(cp)]))('replaces %s by U+FFFD', (_, c) => {
    expect(replaceControlCharacters(`a${c}b`)).toBe('a\uFFFDb');
    expect(replaceControlCharacters(`${c}${c}`)).toBe('\uFFFD\uFFFD');
  });

  it('keeps every other character as it was, and the length', () => {
    // Space, tilde, no-break space (the first after C1), accents, an emoji, U+202E (revealInvisible
    // writes it out where shown), a lone surrogate (escapeLoneSurrogates' business), U+FFFD itself.
    const kept = ' ~\u00a0Señal 😀 \u202e \ud800 \uFFFD';
    expect(replaceControlCharacters(kept)).toBe(kept);
    expect(replaceControlCharacters('')).toBe('');
    const ua = 'Evil\u0007UA\u001b[31m\r\nX-Injected: 1';
    expect(replaceControlCharacters(ua)).toBe('Evil\uFFFDUA\uFFFD[31m\uFFFD\uFFFDX-Injected: 1');
    expect(replaceControlCharacters(ua)).toHaveLength(ua.length);
  });

  it('is what a trigger call’s unread text loses, before asReceived trims and cuts it', () => {
    for (const cp of CONTROL) {
      const c = String.fromCharCode(cp);
      expect(asReceived(`*9${c}7`), hex(cp)).toBe(replaceControlCharacters(`*9${c}7`));
    }
    // Still trimmed of spaces and cut to 100 characters (99 and `…`), after the replacement.
    expect(asReceived('  \u0000x  ')).toBe('\uFFFDx');
    expect(asReceived('\u0007'.repeat(150))).toBe(`${'\uFFFD'.repeat(99)}…`);
  });
});

describe('one way to replace control characters', () => {
  it('has no other copy of the C0, DEL and C1 range in lib/', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const walk = (dir: string): string[] =>
      fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) => {
        const rel = path.join(dir, d.name);
        if (d.isDirectory()) return d.name === 'generated' ? [] : walk(rel);
        return /\.tsx?$/.test(d.name) ? [rel] : [];
      });
    const copies = walk('lib')
      .filter((f) => f !== path.join('lib', 'server', 'control-characters.ts'))
      .filter((f) => fs.readFileSync(path.join(root, f), 'utf8').includes('\\u0000-\\u001f\\u007f-\\u009f'));
    expect(copies).toEqual([]);
  });
});
