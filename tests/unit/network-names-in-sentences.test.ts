import { describe, expect, it } from 'vitest';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { NON_GEOGRAPHIC } from '@/lib/phone/format';
import { destinationsOf } from '@/tests/helpers/destinations';
import { noteText } from '@/lib/i18n/note';
import { CATALOGUES, translate, translator } from '@/lib/i18n/translate';

// A tester on the block page (es-419): "2 llamadas a Redes internacionales y Santo Tomé y Príncipe".
// The names of the codes outside any country (+882, +800…: phone.network.*) are shown inside
// sentences (the block page's and the email's "calls to …", the misdial hint, the queue's summary,
// "(…)" after a number, the callback refusal), where Spanish and English write a common noun in
// lower case; only the trigger-call table shows one at the start of its cell, where the cell's
// first letter is set in capitals (components/block/trigger-calls.tsx).

/** The block page's misdial hint about two calls, to an international network and São Tomé, in `tag`. */
function blockSentence(catalogue: 'en' | 'es', tag: string): string {
  const { names } = destinationsOf(['+882131000456', '+2399912345'], 'US', tag);
  const countries = new Intl.ListFormat(tag, { style: 'long', type: 'conjunction' }).format(names);
  return translator(catalogue, tag)('block.explain.misdial', { count: 2, countries });
}

describe('the names of networks outside any country, in a sentence', () => {
  it('reads in lower case in the block page’s Spanish sentence', () => {
    expect(blockSentence('es', 'es-419')).toMatch(
      /^Si las llamadas a redes internacionales y Santo Tomé y Príncipe fueron solo un error al marcar,/,
    );
  });

  it('reads in lower case in the English one', () => {
    expect(blockSentence('en', 'en-US')).toMatch(
      /^If the calls to international networks and São Tomé & Príncipe were only a mistyped number,/,
    );
  });

  it('reads in lower case in the callback refusal, in both languages', () => {
    const network = checkCallbackNumber('+882 13 10 0123', 'US', [], 'es');
    expect(network.ok ? null : noteText(translate('es'), network.note)).toMatch(
      /^\+882 13 10 0123 es un número de tarifa elevada \(redes internacionales\):/,
    );
    const english = checkCallbackNumber('+882 13 10 0123', 'US', [], 'en');
    expect(english.ok ? null : noteText(translate('en'), english.note)).toMatch(
      /^\+882 13 10 0123 is a high-cost number \(international networks\):/,
    );
  });

  it.each(['en', 'es'] as const)('is worded for the middle of a sentence in every name (%s)', (catalogue) => {
    const names = CATALOGUES[catalogue].phone.network as Record<string, string>;
    for (const code of [...Object.keys(NON_GEOGRAPHIC), 'other']) {
      const name = names[code]!;
      // A proper name keeps its capital (Inmarsat, OCHA); a common noun starts in lower case.
      const first = name.split(' ')[0]!;
      expect(first === 'Inmarsat' || first === first.toLocaleLowerCase(catalogue), `${code}: ${name}`).toBe(
        true,
      );
    }
  });
});
