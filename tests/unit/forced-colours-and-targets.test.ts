import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CopyButton } from '@/components/sip/copy-button';
import { StrengthMeter } from '@/components/sip/strength-meter';
import { buttonClass, PAGE_LINK, TARGET_SIZE } from '@/components/ui/button-class';
import { PageHead } from '@/components/ui/page-head';
import { translate } from '@/lib/i18n/translate';
import type { Assessment } from '@/lib/passwords/strength';

// Accessibility review, findings 4 and 6. In forced colours (Windows high contrast) the browser drops
// every background and paints borders in the user's text colour: "Set password", "Deny" and "Approve
// and lift block" had a background and no border, and read as bold text; the strength meter's bars
// were backgrounds only, and vanished. On a phone, "Back…" links, the dashboard's "Account details"
// and the Copy button after a reset were 20–32 px tall, under the 44 px of TARGET_SIZE.
// (Seen in Chromium with emulateMedia({ forcedColors: 'active' }); e2e/15-keyboard-and-touch.spec.ts
// checks the pages themselves.)

const tokens = (classes: string) => classes.split(/\s+/).filter(Boolean);
const classesOf = (html: string, tag: string) =>
  [...html.matchAll(new RegExp(`<${tag}\\b[^>]*class="([^"]*)"`, 'g'))].map((m) => tokens(m[1]!));

describe('buttons in forced colours', () => {
  it.each(['primary', 'secondary', 'danger'] as const)(
    'a %s button keeps a border the browser paints',
    (v) => {
      const t = tokens(buttonClass(v));
      expect(t).toContain('border');
      // A filled button's border is transparent (no line in normal colours); forced colours paint it.
      if (v !== 'secondary') expect(t).toContain('border-transparent');
      // One border colour, and no border-0 or border-none to take it away again.
      expect(t.filter((c) => /^border-(?!transparent$)(?:[a-z]+-\d+|0|none)$/.test(c)).length).toBe(
        v === 'secondary' ? 1 : 0,
      );
    },
  );
});

const assessment = (level: Assessment['level']): Assessment => ({
  score: level,
  level,
  guessesLog10: 20,
  crackTime: { key: 'password.time.centuries' },
  required: { key: 'password.required.guesses', values: { count: '10^18', gpu: 'about 3 years on one GPU' } },
  warning: null,
  suggestions: [],
  problems: [],
  strongEnough: true,
  acceptable: true,
});

function meterBars(level: Assessment['level'], empty = false): string[][] {
  const html = renderToStaticMarkup(
    h(StrengthMeter, {
      assessment: assessment(level),
      empty,
      attack: 'sip',
      words: { name: 'n', empty: 'e', checking: 'c' },
      t: translate('en'),
    }),
  );
  const meter = html.slice(html.indexOf('role="meter"'));
  return classesOf(meter, 'span').slice(0, 4);
}

describe('the strength meter in forced colours', () => {
  const FILLED = ['forced-colors:forced-color-adjust-none', 'forced-colors:bg-[CanvasText]'];
  it.each([0, 1, 2, 3, 4] as const)(
    'at level %i shows as many filled bars, the others as outlines',
    (level) => {
      const bars = meterBars(level);
      expect(bars).toHaveLength(4);
      for (const [i, bar] of bars.entries()) {
        // Every bar has a border, which forced colours paint: an empty bar is its outline.
        expect(bar).toEqual(expect.arrayContaining(['border', 'border-transparent']));
        // A filled bar keeps a fill of the text colour there; an empty one none.
        if (i < level) expect(bar).toEqual(expect.arrayContaining(FILLED));
        else for (const c of FILLED) expect(bar).not.toContain(c);
      }
    },
  );
  it('shows no filled bar for an empty field', () => {
    for (const bar of meterBars(4, true)) expect(bar).not.toContain('forced-colors:bg-[CanvasText]');
  });
});

describe('touch targets on a phone', () => {
  const target = tokens(TARGET_SIZE);
  it('gives a page’s Back link the target size, as wide as its words', () => {
    const html = renderToStaticMarkup(
      h(PageHead, { back: { href: '/', label: 'Back to your accounts' }, title: 'T' }),
    );
    const [link] = classesOf(html, 'a');
    expect(link).toEqual(expect.arrayContaining([...target, 'inline-flex', 'items-center', 'self-start']));
  });
  it('gives a standalone link (PAGE_LINK) the target size', () => {
    expect(tokens(PAGE_LINK)).toEqual(expect.arrayContaining(target));
  });
  it('gives the Copy button after a reset the target size and a button’s look', () => {
    const html = renderToStaticMarkup(h(CopyButton, { text: 'x', copy: 'Copy', copied: 'Copied' }));
    const [button] = classesOf(html, 'button');
    expect(button).toEqual(expect.arrayContaining([...target, ...tokens(buttonClass('secondary'))]));
  });
});
