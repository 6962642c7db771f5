import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllowanceStatus, type AskAgain } from '@/components/allowance/block-allowances';
import { watchAllowances } from '@/lib/allowances/expiry';
import { grantAllowance } from '@/lib/allowances/decide';
import { allowancesForBlockPage, type AllowanceView } from '@/lib/allowances/queries';
import { requestAllowance } from '@/lib/allowances/request';
import type { CurrentUser } from '@/lib/auth/session';
import { CATALOGUES } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeBlockedOnSwitch, makeStaff } from '@/tests/helpers/factory';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Found by a tester in a browser (2026-12-06): Spain and Somalia asked for under a block, the block
// lifted (both requests closed without a decision), then the switch placed a new block. On the new
// block's page each old request still read "Every country can be called, so no allowance is needed"
// while calling was blocked. What the block page says of an allowance must be true of the account
// now, blocked or not, not of the moment the allowance last changed.

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const outbox = () => processSwitchOutbox({ client: client() });

/** The member asks for `country` for `hours` from block `blockId`'s page; the new allowance's id. */
async function ask(member: CurrentUser, blockId: string, country: string, hours: number) {
  const asked = await requestAllowance(
    member,
    { blockId, country, hours, reason: 'Our supplier must be called.', callbackPhone: '+1 202 555 0143' },
    meta,
  );
  expect(asked).toMatchObject({ ok: true });
  return (asked as { data: { allowanceId: string } }).data.allowanceId;
}

/** The newest block in force of the account. */
const blockInForce = (accountId: string) =>
  getDb().block.findFirstOrThrow({ where: { accountId, status: 'active' }, orderBy: { placedAt: 'desc' } });

/** The block page's line for allowance `a` as a reader of `locale` reads it (`ask`: as the page gives it). */
function line(a: AllowanceView, locale: 'en' | 'es', ask: AskAgain = 'here'): string {
  const html = renderToStaticMarkup(
    h(NextIntlClientProvider, {
      locale,
      messages: CATALOGUES[locale],
      timeZone: 'UTC',
      children: h(AllowanceStatus, {
        allowance: a,
        country: a.country,
        until: 'UNTIL',
        endedAt: 'ENDED',
        ask,
      }),
    }),
  );
  return html.replace(/<[^>]+>/g, '');
}

/** Sentences that say international calling is open: false while a block is in force. */
const OPEN = [
  /every country can be called/i,
  /not blocked any more/i,
  /cualquier país/i,
  /ya no están bloqueadas/i,
];
/** Sentences that say it is blocked, or send the reader to ask: false while no block is in force. */
const BLOCKED = [
  /blocked again/i,
  /ask (for it )?again/i,
  /vuelven a estar bloqueadas/i,
  /vuelva a solicitarlo/i,
];

/** Every line the block page would show for `list`, in English and Spanish (`ask` as the page gives it). */
const everyLine = (list: AllowanceView[], ask: AskAgain = 'here') =>
  list.flatMap((a) => [line(a, 'en', ask), line(a, 'es', ask)]);

describe.each(dialects())(
  'the block page’s allowance words are true of the account now, on %s',
  (dialect) => {
    beforeAll(async () => {
      await useFreshDb(dialect);
      sim = await startTestSim();
    });
    afterAll(async () => {
      await sim.stop();
    });

    it('a request closed by a lift, read under a new block, says calling is blocked and where to ask again', async () => {
      const { account, block, member } = await makeBlockedOnSwitch(sim);
      const spain = await ask(member, block.id, 'ES', 48);
      const somalia = await ask(member, block.id, 'SO', 24);
      expect((await deliver(liftedEvent(account.number))).status).toBe(200);

      // No block in force: "every country can be called" is true, and so it reads.
      const lifted = await allowancesForBlockPage(member.id, account.id);
      expect(lifted.map((a) => [a.id, a.status])).toEqual([
        [somalia, 'closed'],
        [spain, 'closed'],
      ]);
      expect(line(lifted[0]!, 'en')).toMatch(/Every country can be called/);

      // The switch places a new block: the same two requests, read on its page.
      expect((await deliver(placedEvent(account.number, { to: '+252611234567' }))).status).toBe(200);
      const blocked = await allowancesForBlockPage(member.id, account.id);
      expect(blocked.map((a) => [a.id, a.status])).toEqual([
        [somalia, 'closedBlocked'],
        [spain, 'closedBlocked'],
      ]);
      for (const text of everyLine(blocked)) for (const open of OPEN) expect(text).not.toMatch(open);
      expect(line(blocked[0]!, 'en')).toBe(
        'SO: closed without a decision on ENDED, when the block in force then was lifted. International calling is blocked again now. If you still need to call this country, ask again with “Allow one country for a while” below.',
      );
      expect(line(blocked[0]!, 'es')).toBe(
        'SO: la solicitud se cerró sin decisión el ENDED, al levantarse el bloqueo que estaba en vigor entonces. Las llamadas internacionales vuelven a estar bloqueadas. Si todavía necesita llamar a este país, vuelva a solicitarlo con «Permitir un país durante un tiempo», más abajo.',
      );
      // Read on a page that does not offer the link: the one of the block in force, or none while lifting.
      expect(line(blocked[0]!, 'en', 'elsewhere')).toMatch(
        /ask again from the page of the block in force\.$/,
      );
      expect(line(blocked[0]!, 'en', 'none')).toMatch(/International calling is blocked again now\.$/);
      // The page itself says it knows the account is blocked (as the block page tells it): the same.
      expect(await allowancesForBlockPage(member.id, account.id, { blocked: true })).toEqual(blocked);

      // Somalia asked for again from the new block's page: the old request no longer sends them to ask.
      const again = await ask(member, (await blockInForce(account.id)).id, 'SO', 4);
      const asked = await allowancesForBlockPage(member.id, account.id);
      expect(asked.map((a) => [a.id, a.status])).toEqual([
        [again, 'requested'],
        [somalia, 'closedAskedAgain'],
        [spain, 'closedBlocked'],
      ]);
      expect(line(asked[1]!, 'en')).toMatch(/You have asked for this country again since, shown above\.$/);
      for (const text of everyLine(asked)) for (const open of OPEN) expect(text).not.toMatch(open);
    });

    it('a request a new block denied, read once no block is in force, says no allowance is needed', async () => {
      const { account, block, member } = await makeBlockedOnSwitch(sim);
      const somalia = await ask(member, block.id, 'SO', 24);
      // A new block beside the first: the request can no longer be approved, and is told to ask again.
      expect((await deliver(placedEvent(account.number, { to: '+252611234567' }))).status).toBe(200);
      const [denied] = await allowancesForBlockPage(member.id, account.id);
      expect(denied).toMatchObject({ id: somalia, status: 'denied' });
      expect(line(denied!, 'en')).toMatch(/ask for it again: support will decide it under the new block/);

      expect((await deliver(liftedEvent(account.number))).status).toBe(200);
      expect(await getDb().block.count({ where: { accountId: account.id, status: 'active' } })).toBe(0);
      const lifted = await allowancesForBlockPage(member.id, account.id);
      expect(lifted.map((a) => [a.id, a.status])).toEqual([[somalia, 'deniedUnneeded']]);
      for (const text of everyLine(lifted, 'none'))
        for (const blockedWords of BLOCKED) expect(text).not.toMatch(blockedWords);
      expect(line(lifted[0]!, 'en')).toMatch(/every country can be called and no allowance is needed\.$/);
    });

    it('an ended allowance beside a newer one in force for the same country does not say calls there are blocked', async () => {
      const { account, member } = await makeBlockedOnSwitch(sim);
      const agent = await makeStaff();
      const grant = async () => {
        expect(
          await grantAllowance(
            agent,
            { accountNumber: account.number, country: 'SO', hours: 24, reason: 'Supplier in Mogadishu.' },
            meta,
          ),
        ).toMatchObject({ ok: true });
        expect(await outbox()).toBe(1);
      };
      await grant();
      const [first] = await allowancesForBlockPage(member.id, account.id);
      expect(
        (await sim.control('POST', `/_sim/accounts/${account.number}/allowances/SO/expire`)).status,
      ).toBe(200);
      expect(await watchAllowances({ client: client() })).toBe(1);
      const ended = await allowancesForBlockPage(member.id, account.id);
      // Only it: calls to Somalia are blocked again, and it says so.
      expect(ended.map((a) => [a.id, a.status])).toEqual([[first!.id, 'ended']]);
      expect(line(ended[0]!, 'en')).toMatch(
        /Calls there are blocked again\. It was removed in our phone system before its end time\.$/,
      );

      await grant();
      const renewed = await allowancesForBlockPage(member.id, account.id);
      expect(renewed.map((a) => a.status)).toEqual(['active', 'endedRenewed']);
      expect(renewed[1]!.id).toBe(first!.id);
      for (const text of [line(renewed[1]!, 'en'), line(renewed[1]!, 'es')])
        expect(text).not.toMatch(/blocked again|vuelven a estar bloqueadas/);
      expect(line(renewed[1]!, 'en')).toBe(
        'SO: this allowance ended on ENDED. A newer one for this country is in force, shown above. It was removed in our phone system before its end time.',
      );
    });
  },
);
