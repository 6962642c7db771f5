import { beforeAll, describe, expect, it } from 'vitest';
import { requestAllowance } from '@/lib/allowances/request';
import { approveSchema } from '@/lib/requests/decide';
import { liftSchema } from '@/lib/blocks/manual';
import { misdialSchema, submitMisdial, withdrawRequest } from '@/lib/requests/submit';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeAccount, makeBlock } from '@/tests/helpers/factory';
import { dataOf } from '@/tests/helpers/outcome';

// An input tester posted the customer's forms by hand (2026-12): the misdial form with `callIds[]` three
// times the same id stored the id three times in the request's `misdialCallIds`; the allowance form
// with hours "٣" (Arabic-Indic 3) was refused "Enter how many hours", where the phone and address
// fields read such digits. Each id a form lists is stored once, in the order posted; a number field
// reads digits of any script (lib/phone/digits.ts asciiDigits).

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

/** A US account blocked for two calls to Somalia, and its member. */
async function blocked() {
  const { account, users } = await makeAccount();
  const block = await makeBlock(account.id, {
    calls: [
      { sipUsername: 'x', to: '+252611234567' },
      { sipUsername: 'x', to: '+252611234568' },
    ],
  });
  return { block, calls: block.calls.map((c) => c.id), user: asUser(users[0]!) };
}

describe('every list a form posts reads each value once, in the order first posted', () => {
  it('the misdial’s calls, an approval’s and a lift’s other blocks', () => {
    const fields = {
      blockId: 'b-1',
      intendedNumber: '+1 252 611 2345',
      whatHappened: 'We typed 00252 instead of 1-252.',
      callbackPhone: '+1 202 555 0143',
    };
    expect(
      misdialSchema.parse({ ...fields, 'callIds[]': ['c2', 'c1', 'c2', 'c2', 'c1'] })['callIds[]'],
    ).toEqual(['c2', 'c1']);
    const note = 'Spoke with the account holder.';
    expect(
      approveSchema.parse({ requestId: 'r-1', attest: 'on', note, 'alsoLift[]': ['b3', 'b2', 'b3'] })[
        'alsoLift[]'
      ],
    ).toEqual(['b3', 'b2']);
    expect(liftSchema.parse({ blockId: 'b-1', note, 'alsoLift[]': ['b2', 'b2'] })['alsoLift[]']).toEqual([
      'b2',
    ]);
  });
});

describe.each(dialects())('what a hand-made post stores, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('a misdial naming one call three times stores it once; two calls keep the order they were posted in', async () => {
    const { block, calls, user } = await blocked();
    const [first, second] = calls as [string, string];
    const posted = {
      blockId: block.id,
      intendedNumber: '+1 252 611 2345',
      whatHappened: 'We typed 00252 instead of 1-252 for a supplier.',
      callbackPhone: '+1 202 555 0143',
    };
    const once = dataOf(
      await submitMisdial(user, { ...posted, 'callIds[]': [second, second, second] }, meta),
    );
    const stored = async (requestId: string) =>
      JSON.parse(
        (await getDb().unblockRequest.findUniqueOrThrow({ where: { id: requestId } })).misdialCallIds ??
          'null',
      );
    expect(await stored(once.requestId)).toEqual([second]);
    expect(await withdrawRequest(user, once.requestId, meta)).toMatchObject({ ok: true });
    const two = dataOf(
      await submitMisdial(user, { ...posted, 'callIds[]': [second, first, second, first] }, meta),
    );
    expect(await stored(two.requestId)).toEqual([second, first]);
  });

  it.each([
    ['٣', 3],
    ['۲۴', 24],
    ['४८', 48],
  ])('an allowance for %s hours is asked for %d hours', async (hours, stored) => {
    const { block, user } = await blocked();
    const { allowanceId } = dataOf(
      await requestAllowance(
        user,
        {
          blockId: block.id,
          country: 'SO',
          hours,
          reason: 'Calling our supplier in Mogadishu.',
          callbackPhone: '+1 202 555 0143',
        },
        meta,
      ),
    );
    expect((await getDb().destinationAllowance.findUniqueOrThrow({ where: { id: allowanceId } })).hours).toBe(
      stored,
    );
  });
});
