import { createElement as h } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExplanationText } from '@/components/block/explanation';
import { CallSource } from '@/components/block/trigger-calls';
import { callOverview, NO_SOURCE_IP } from '@/lib/blocks/call-overview';
import { getBlockForUser } from '@/lib/blocks/queries';
import { readTriggerCalls } from '@/lib/blocks/trigger-calls';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';

// A call the switch reported without `sourceIp` left an empty address in the block page's summary
// ("…from 185.220.101.47 (Germany), 2001:db8::9 (…), and (country unknown).") and a calls table cell
// reading only "country unknown" (a tester playing the switch engineer, 2026-12-07). The summary now
// names only reported addresses and counts the rest once; the cell says the address was not reported.

const ATTACKER = '185.220.101.47';

describe('a call reported without a source address', () => {
  it('is stored with NO_SOURCE_IP, which no address is', () => {
    const at = new Date().toISOString();
    const { kept } = readTriggerCalls(
      [{ at, from: 'desk', to: '+252611234567', durationSec: 0 }],
      'US',
      new Date(),
    );
    expect(kept[0]!.sourceIp).toBe(NO_SOURCE_IP);
  });

  it.each([
    ['en', 'address not reported'],
    ['es', 'dirección no informada'],
  ] as const)('reads “%s: %s” in the calls table, never “country unknown”', (locale, words) => {
    const cell = text(render(h(CallSource, { ip: NO_SOURCE_IP }), locale)).trim();
    expect(cell).toBe(words);
    // A reported address is still shown with where it is.
    expect(text(render(h(CallSource, { ip: ATTACKER }), locale))).toContain(ATTACKER);
  });
});

describe.each(dialects())('the block summary of calls without a source address, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  async function blockWith(sources: string[]) {
    const { account, users, creds } = await makeAccount();
    const block = await makeBlock(account.id, {
      placedAt: new Date(Date.now() - 3600_000),
      calls: sources.map((sourceIp, i) => ({
        sipUsername: creds[0]!.username,
        sourceIp,
        at: new Date(Date.now() - 3600_000 - i * 1000),
      })),
    });
    return { user: users[0]!, block, usernames: creds.map((c) => c.username) };
  }

  it('the overview names only the reported addresses and counts the calls without, read either way', async () => {
    const { block, usernames } = await blockWith([ATTACKER, NO_SOURCE_IP, ATTACKER, NO_SOURCE_IP]);
    // Fewer calls than shown: summarised from the calls read; more: by GROUP BY.
    for (const shown of [50, 2]) {
      const o = await callOverview(block.id, usernames, shown);
      expect(o.top.sourceIp, `shown ${shown}`).toMatchObject({
        values: [ATTACKER],
        distinct: 1,
        unreported: 2,
      });
      expect(o.sourceIps).toEqual([ATTACKER]);
    }
  });

  it.each([
    ['en', `from ${ATTACKER} (Germany) and 2 calls with no address reported.`],
    ['es', `desde ${ATTACKER} (Alemania) y 2 llamadas sin dirección informada.`],
  ] as const)('in %s the summary says so once', async (locale, words) => {
    const { user, block } = await blockWith([ATTACKER, NO_SOURCE_IP, NO_SOURCE_IP]);
    const view = (await getBlockForUser(user.id, block.id))!;
    const said = text(render(h(ExplanationText, { block: view, needsPerson: false }), locale));
    expect(said).toContain(words);
    expect(said).not.toMatch(/\(\s*(country unknown|país desconocido)\)/);
    expect(said).not.toMatch(/, (and|y) \(/);
  });

  it.each([
    ['en', ' ; our phone system did not report which address they came from.'],
    ['es', ' ; nuestra central no informó desde qué dirección.'],
  ] as const)(
    'in %s, when no call had one, the sentence says the address was not reported',
    async (locale, words) => {
      const { user, block } = await blockWith([NO_SOURCE_IP, NO_SOURCE_IP]);
      const view = (await getBlockForUser(user.id, block.id))!;
      const said = text(render(h(ExplanationText, { block: view, needsPerson: false }), locale));
      expect(said).toContain(words);
      expect(said).not.toMatch(/country unknown|país desconocido|\(\s*\)/);
    },
  );
});
