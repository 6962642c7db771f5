import { withoutControlCharacters } from '@/lib/server/control-characters';

/** The most characters (grapheme clusters, the ellipsis included) a staff page says back of a value. */
export const SAID_BACK_MAX = 40;

const ELLIPSIS = '\u2026';

/** Grapheme clusters (Unicode UAX #29, extended): a flag, a family emoji or "e" + U+0301 is one. */
const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/**
 * A value a staff page says back inside a sentence (a filter that was not applied, an address no login
 * has, a search term: "…not applied: “ACC-100…”"), from what the URL or the form carried (`raw`):
 * without control or invisible formatting characters (withoutControlCharacters, as the filters read
 * it), trimmed, and at most `max` user-perceived characters (grapheme clusters, Unicode UAX #29,
 * counted with Intl.Segmenter), so an emoji, a flag or a letter with a combining accent is never split.
 * A longer value is cut to `max - 1` of them (trailing spaces dropped) and ends in "…" (U+2026), so
 * the reader sees that it was cut; a value that fits is returned whole, with no ellipsis. `max` is at
 * least 2. Pure; for display only: search and filter with the value itself.
 *
 * Example: saidBack('x'.repeat(50)) is 39 "x" then "…"; saidBack('café') is 'café'.
 */
export function saidBack(raw: string, max: number = SAID_BACK_MAX): string {
  const text = withoutControlCharacters(raw).trim();
  // A cluster is at least one code unit: a text no longer than `max` units fits without counting.
  if (text.length <= max) return text;
  const parts = Array.from(graphemes.segment(text), (s) => s.segment);
  if (parts.length <= max) return text;
  return (
    parts
      .slice(0, Math.max(1, max - 1))
      .join('')
      .trimEnd() + ELLIPSIS
  );
}
