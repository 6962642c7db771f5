import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { submitFirewall, submitMisdial, type SubmitResult } from '@/lib/requests/submit';
import { noteText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import { getRequestForStaff } from '@/lib/requests/detail';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeAccount, makeBlock, makeStaff, firewallForm } from '@/tests/helpers/factory';

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

/** The field errors of a refusal in English words (the domain returns catalogue notes). */
const englishFieldErrors = (r: SubmitResult) =>
  r.ok || r.code === 'not_found'
    ? {}
    : Object.fromEntries(
        Object.entries(r.fieldErrors ?? {}).map(([k, notes]) => [
          k,
          notes.map((n) => noteText(translate('en'), n)),
        ]),
      );

describe.each(dialects())('callback numbers on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  async function blocked(phone: string | null = null) {
    const { account, users } = await makeAccount();
    const db = getDb();
    await db.customerAccount.update({ where: { id: account.id }, data: { phone } });
    const block = await makeBlock(account.id, { calls: [{ sipUsername: 'x', to: '252611234567' }] });
    return { user: asUser(users[0]), block };
  }
  const misdial = (blockId: string, callId: string, callbackPhone: string) => ({
    blockId,
    'callIds[]': [callId],
    intendedNumber: '+12526112345',
    whatHappened: 'A receptionist typed the wrong prefix.',
    callbackPhone,
  });

  it.each([
    ['+252 61 123 4567', /Somalia/],
    ['+882 13 10 0123', /high-cost/],
  ])('refuses %s and records nothing', async (phone, why) => {
    const { user, block } = await blocked();
    const r = await submitMisdial(user, misdial(block.id, block.calls[0]!.id, phone), meta);
    expect(r).toMatchObject({ ok: false, code: 'invalid' });
    expect(englishFieldErrors(r)).toMatchObject({ callbackPhone: [expect.stringMatching(why)] });
    const f = await submitFirewall(user, firewallForm(block.id, phone), meta);
    expect(englishFieldErrors(f)).toMatchObject({ callbackPhone: [expect.stringMatching(why)] });
    expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
  });

  it('shows the agent whether the number is on file', async () => {
    const agent = await makeStaff();
    const onFile = await blocked('+12125550100');
    const a = await submitMisdial(
      onFile.user,
      misdial(onFile.block.id, onFile.block.calls[0]!.id, '(212) 555-0100'),
      meta,
    );
    expect(a).toMatchObject({ ok: true });
    expect(
      (await getRequestForStaff(agent, (a as { data: { requestId: string } }).data.requestId))!.callback,
    ).toEqual({ source: 'on_file', onFile: '+12125550100', safe: true, warning: null });

    const typed = await blocked('+12125550100');
    const b = await submitMisdial(
      typed.user,
      misdial(typed.block.id, typed.block.calls[0]!.id, '+44 20 7946 0018'),
      meta,
    );
    expect(
      (await getRequestForStaff(agent, (b as { data: { requestId: string } }).data.requestId))!.callback,
    ).toMatchObject({ source: 'typed', onFile: '+12125550100', safe: true });
  });

  it('keeps an extension (review 9 item 6): stored as E.164 with ;ext=, on file when it matches', async () => {
    const agent = await makeStaff();
    const { user, block } = await blocked('+12125550100;ext=21');
    const r = await submitMisdial(
      user,
      misdial(block.id, block.calls[0]!.id, '(212) 555-0100 ext. 21'),
      meta,
    );
    expect(r).toMatchObject({ ok: true });
    const id = (r as { data: { requestId: string } }).data.requestId;
    expect((await getDb().unblockRequest.findUniqueOrThrow({ where: { id } })).callbackPhone).toBe(
      '+12125550100;ext=21',
    );
    expect((await getRequestForStaff(agent, id))!).toMatchObject({
      callbackPhone: '+12125550100;ext=21',
      callback: { source: 'on_file', onFile: '+12125550100;ext=21', safe: true, warning: null },
    });
  });
});
