import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { KeptLines } from '@/components/ui/stored-text';
import { storedText, storeNote, storePersonText } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';

// An agent's approval note lost its line breaks where it was shown, while the customer's own account
// of the misdial kept them (tester, session 42).

const note = 'Called the owner back at 14:02.\nConfirmed the supplier in Guernsey.\n\nNo further action.';
/** What StoredText renders for a column `value`: its words (storedText), through KeptLines. */
const shown = (value: string) =>
  renderToStaticMarkup(h(KeptLines, { text: storedText(translate('en'), value) }));

describe('a staff note, where it is shown', () => {
  it('keeps the line breaks the agent typed', () => {
    expect(shown(storePersonText(note))).toBe(`<span class="whitespace-pre-wrap">${note}</span>`);
    expect(renderToStaticMarkup(h(KeptLines, { text: note }))).toBe(
      `<span class="whitespace-pre-wrap">${note}</span>`,
    );
  });

  it('still words a note the system stored, shows invisible characters escaped, and nothing when empty', () => {
    expect(shown(storeNote('history.approvedAfterCall'))).toContain(
      'Support called the account holder back and approved the request.',
    );
    expect(renderToStaticMarkup(h(KeptLines, { text: 'a\u202Eb' }))).toContain('a\\u202eb');
    expect(renderToStaticMarkup(h(KeptLines, { text: '' }))).toBe('');
    expect(shown('')).toBe('');
  });
});
