import { beforeAll, describe, expect, it } from 'vitest';
import { requestAllowance } from '@/lib/allowances/request';
import { getDb } from '@/lib/server/db';
import { submitFirewall, submitMisdial } from '@/lib/requests/submit';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeAccount, makeBlock } from '@/tests/helpers/factory';
import { inWords } from '@/tests/helpers/outcome';

// Found by a tester in a browser (2026-12-06): the misdial form sent empty was told of the number,
// the story and the callback phone, and only once those were filled in of the calls to choose. The
// rules that need the block (a call of it, a number of its account's country, a callback number that
// is not one of its destinations, a country the account may ask for) ran only after the form's other
// rules passed. Each customer request form is told every problem of its fields on one submission.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

/** A US account blocked for a call to Somalia, and its member. */
async function blocked() {
  const { account, users } = await makeAccount();
  const block = await makeBlock(account.id, { calls: [{ sipUsername: 'x', to: '+252611234567' }] });
  return { account, block, user: asUser(users[0]!) };
}

/** The fields a browser posts of a form left empty: its text fields empty, no box ticked. */
const emptyText = (...names: string[]) => Object.fromEntries(names.map((n) => [n, '']));

describe.each(dialects())('every field’s problem on one submission, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('the misdial form sent empty names every field, the calls to choose among them', async () => {
    const { block, user } = await blocked();
    const posted = { blockId: block.id, ...emptyText('intendedNumber', 'whatHappened', 'callbackPhone') };
    const r = inWords(await submitMisdial(user, posted, meta));
    expect(r).toMatchObject({
      ok: false,
      code: 'invalid',
      message: 'Please correct the highlighted fields.',
    });
    expect(r.fieldErrors).toEqual({
      'callIds[]': ['Choose the call or calls that were the misdial.'],
      intendedNumber: ['Enter the number you meant to dial.'],
      whatHappened: ['Tell us in a sentence or two what happened.'],
      callbackPhone: ['Enter a phone number we can call you back on.'],
    });
    expect(inWords(await submitMisdial(user, posted, meta), 'es').fieldErrors).toMatchObject({
      'callIds[]': ['Elija la llamada o las llamadas que fueron una marcación errónea.'],
    });
    expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
  });

  it('the misdial form’s rules that need the block are told with the rest', async () => {
    const { block, user } = await blocked();
    const r = inWords(
      await submitMisdial(
        user,
        { blockId: block.id, intendedNumber: '12', whatHappened: 'typo', callbackPhone: '+252 61 123 4567' },
        meta,
      ),
    );
    expect(r.fieldErrors).toEqual({
      'callIds[]': ['Choose the call or calls that were the misdial.'],
      intendedNumber: [expect.stringMatching(/^Enter a valid number, in international form/)],
      whatHappened: ['Tell us in a sentence or two what happened.'],
      callbackPhone: [expect.stringMatching(/Somalia/)],
    });
    // A call of another block, with the story too short: both at once.
    const other = await submitMisdial(
      user,
      {
        blockId: block.id,
        'callIds[]': ['not-a-call-of-this-block'],
        intendedNumber: '+1 252 611 2345',
        whatHappened: 'typo',
        callbackPhone: '+1 202 555 0143',
      },
      meta,
    );
    expect(inWords(other).fieldErrors).toEqual({
      'callIds[]': ['Choose calls from this block.'],
      whatHappened: ['Tell us in a sentence or two what happened.'],
    });
    expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
  });

  it('the firewall form sent empty names every box, the address and the callback phone', async () => {
    const { block, user } = await blocked();
    const posted = { blockId: block.id, ...emptyText('pbxIp', 'whatHappened', 'callbackPhone') };
    expect(Object.keys(inWords(await submitFirewall(user, posted, meta)).fieldErrors ?? {}).sort()).toEqual(
      [
        'callForwarding',
        'callbackPhone',
        'defaultPasswords',
        'pbxIp',
        'sipPorts',
        'voicemailDisa',
        'webAdmin',
      ].sort(),
    );
    // The callback rule that needs the block (one of its destinations) comes with the boxes not ticked.
    const r = inWords(
      await submitFirewall(
        user,
        { blockId: block.id, pbxIp: '192.168.1.10', whatHappened: '', callbackPhone: '+252 61 123 4567' },
        meta,
      ),
    );
    expect(r.fieldErrors).toMatchObject({
      pbxIp: [expect.stringMatching(/^That is an address inside your network/)],
      callbackPhone: [expect.stringMatching(/Somalia/)],
      // No PROVIDER_SIP_ADDRESSES here: where to ask for them (tests/integration/sip-ports-box.test.ts lists them).
      sipPorts: [
        expect.stringMatching(
          /^Confirm that SIP ports 5060 and 5061 accept connections only from our addresses \(ask support for the list: .+\)\.$/,
        ),
      ],
    });
    expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
  });

  it('the allowance form names every field, the country the account may not ask for among them', async () => {
    const { account, block, user } = await blocked();
    const empty = inWords(
      await requestAllowance(
        user,
        { blockId: block.id, ...emptyText('country', 'hours', 'reason', 'callbackPhone') },
        meta,
      ),
    );
    expect(empty.fieldErrors).toEqual({
      country: ['Choose the country to allow.'],
      hours: ['Enter how many hours, from 1 to 72.'],
      reason: ['Tell us why you need to call this country (at least 10 characters).'],
      callbackPhone: ['Enter a phone number we can call you back on.'],
    });
    const home = inWords(
      await requestAllowance(
        user,
        { blockId: block.id, country: 'us', hours: '0', reason: 'short', callbackPhone: 'not a phone' },
        meta,
      ),
    );
    expect(home.fieldErrors).toEqual({
      country: [
        expect.stringMatching(
          /^.*United States: this is the account’s own country\. Calls there are national and are not blocked/,
        ),
      ],
      hours: ['Enter how many hours, from 1 to 72.'],
      reason: ['Tell us why you need to call this country (at least 10 characters).'],
      callbackPhone: [expect.stringMatching(/^Enter a valid phone number/)],
    });
    expect(await getDb().destinationAllowance.count({ where: { accountId: account.id } })).toBe(0);
  });
});
