import { beforeAll, describe, expect, it } from 'vitest';
import { confirmLift, refuseLift, requestLift, type LiftRequest } from '@/lib/blocks/lifecycle';
import { timelineTitle } from '@/lib/blocks/timeline-title';
import { storedText, storeNote } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';

// A customer read "Lift asked of our phone system · Lifted by support" on a block still in force: the
// switch had refused the lift support asked for (lib/blocks/lifecycle.ts refuseLift), and the entry of
// the request said a result. The request's entry now says what was asked and why; only an entry the
// switch confirmed says lifted.

const en = translate('en');
const es = translate('es');
const db = () => getDb();

/** Each timeline entry of `blockId` as a reader sees it: heading, then the stored note, in `t`'s words. */
async function entries(blockId: string, t: typeof en) {
  const rows = await db().blockEvent.findMany({
    where: { blockId },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
  });
  return rows.map(
    (r) => `${t(`timeline.${timelineTitle(r.type, r.actor)}`)} · ${storedText(t, r.detail, 'customer')}`,
  );
}

/** A lift of one block asked `by`, then answered by the switch: refused (`refuse`) or confirmed. */
async function liftAnswered(by: LiftRequest['by'], refuse: boolean) {
  const { account } = await makeAccount();
  const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 3600_000) });
  const asked = await db().$transaction((tx) =>
    requestLift(tx, {
      accountId: account.id,
      blockIds: [block.id],
      actor: by === 'staff' ? 'sam@tollgate.example' : by === 'policy' ? 'policy' : 'ana@tollgate.example',
      reason: 'test lift',
      by,
    }),
  );
  expect(asked).toEqual({ ok: true, blockIds: [block.id] });
  const op = await db().switchOperation.findFirstOrThrow({
    where: { accountNumber: account.number, kind: 'lift' },
  });
  if (refuse) await refuseLift(op, 'account_closed: the account is closed');
  else await confirmLift(op);
  const status = (await db().block.findUniqueOrThrow({ where: { id: block.id } })).status;
  return { blockId: block.id, status };
}

const ASKED = {
  staff: {
    en: 'Lift asked of our phone system · Asked by support; the block is lifted only once our phone system confirms it.',
    es: 'Levantamiento pedido a nuestra central · Lo pidió soporte; el bloqueo solo se levanta cuando nuestra central lo confirma.',
  },
  request: {
    en: 'Lift asked of our phone system · Asked because support approved the unblock request after a call with the account holder; the block is lifted only once our phone system confirms it.',
    es: 'Levantamiento pedido a nuestra central · Se pidió porque soporte aprobó la solicitud de desbloqueo tras hablar por teléfono con el titular de la cuenta; el bloqueo solo se levanta cuando nuestra central lo confirma.',
  },
  policy: {
    en: 'Lift asked of our phone system · Asked because every SIP password named in the block was changed; the block is lifted only once our phone system confirms it.',
    es: 'Levantamiento pedido a nuestra central · Se pidió porque se cambiaron todas las contraseñas SIP que figuran en el bloqueo; el bloqueo solo se levanta cuando nuestra central lo confirma.',
  },
} as const;

describe.each(dialects())('the words of a lift the switch refused, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  for (const by of ['staff', 'request', 'policy'] as const)
    it(`a lift asked by ${by} and refused: the block in force reads what was asked, never lifted`, async () => {
      const { blockId, status } = await liftAnswered(by, true);
      expect(status).toBe('active');
      const english = await entries(blockId, en);
      expect(english).toEqual([
        ASKED[by].en,
        'Lift stopped: the block stays in force · Our phone system refused the lift (answer code “account_closed”). Support will follow up.',
      ]);
      // Nothing a reader of a block in force sees says it was lifted.
      for (const line of english) expect(line).not.toMatch(/\blifted (by|on|in)\b|^Lifted|Block lifted/i);
      const spanish = await entries(blockId, es);
      expect(spanish[0]).toBe(ASKED[by].es);
      for (const line of spanish) expect(line).not.toMatch(/levantado/i);
      expect(spanish[0]).not.toMatch(/switch/i);
    });

  it('a lift the switch confirmed: its request reads as asked, the confirmation as lifted', async () => {
    const { blockId, status } = await liftAnswered('staff', false);
    expect(status).toBe('lifted');
    expect(await entries(blockId, en)).toEqual([
      ASKED.staff.en,
      'Block lifted — international calling allowed · Our phone system confirmed: international calling is allowed again.',
    ]);
  });

  it('rows stored before: the English sentences and the notes read as the request, in both languages', () => {
    for (const [raw, by] of [
      ['Lifted by support', 'staff'],
      [storeNote('history.liftStaff'), 'staff'],
      ['Unblock request approved by support after a call with the account holder (firewall)', 'request'],
      [storeNote('history.liftRequest'), 'request'],
      ['Every SIP password named in the block was changed', 'policy'],
      [storeNote('history.liftPolicy'), 'policy'],
    ] as const) {
      expect(`${en('timeline.lift_requested')} · ${storedText(en, raw, 'customer')}`).toBe(ASKED[by].en);
      expect(`${es('timeline.lift_requested')} · ${storedText(es, raw, 'customer')}`).toBe(ASKED[by].es);
    }
  });
});
