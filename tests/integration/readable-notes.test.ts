import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { confirmLift, recordNoticeSent, refuseLift } from '@/lib/blocks/lifecycle';
import { completePasswordChange } from '@/lib/credentials/reset';
import { storedText } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import { renderMessage } from '@/lib/mail/render';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';

// What the lifecycle and the SIP password change write for people to read later: a Spanish agent's
// "Out of sync" list read "El switch rechazó el levantamiento decidido por policy" and "después de
// aplicarse el bloqueo cmabc…"; a customer's timeline "enviado por correo a ana@xn--…"; the SIP
// password alert "Quién: ana@xn--…", or "Quién: unknown user" in a Spanish mail.

const spanish = translate('es');
const IDN = (local: string) => `${local}-${crypto.randomUUID().slice(0, 8)}@xn--clnica-peasco-xib1e.es`;
const unicode = (email: string) => email.replace('xn--clnica-peasco-xib1e.es', 'clínica-peñasco.es');

/** A lift of `blockIds` decided by `actor`, as requestLift queues it, still waiting for the switch. */
async function queuedLift(accountNumber: string, blockIds: string[], actor: string) {
  return getDb().switchOperation.create({
    data: {
      idempotencyKey: crypto.randomUUID(),
      kind: 'lift',
      accountNumber,
      blockId: blockIds[0],
      payload: JSON.stringify({ state: 'allowed', reason: 'test', actor, blockIds }),
    },
  });
}

const syncDetails = async (accountId: string) =>
  (await getDb().syncIssue.findMany({ where: { accountId }, orderBy: { detectedAt: 'asc' } })).map((i) =>
    storedText(spanish, i.detail),
  );

describe.each(dialects())('what people read of the system’s notes, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('a lift confirmed after a newer block: the agent reads who decided it and which block, never its id', async () => {
    const { account } = await makeAccount();
    const older = await makeBlock(account.id, { placedAt: new Date(Date.UTC(2026, 10, 20, 12)) });
    const newer = await makeBlock(account.id, {
      reason: 'hotspot_source_ip',
      placedAt: new Date(Date.UTC(2026, 10, 25, 12)),
    });
    await confirmLift(await queuedLift(account.number, [older.id], 'policy'));
    const [detail] = await syncDetails(account.id);
    expect(detail).toContain('solicitado por la política de desbloqueo');
    expect(detail).toContain('el 25 nov 2026 (IP de origen en un foco de fraude)');
    expect(detail).not.toContain(newer.id);
    expect(detail).not.toMatch(/\bpolicy\b/);
  });

  it('a lift the switch refused: the agent reads who decided it in their language', async () => {
    const { account } = await makeAccount();
    const block = await makeBlock(account.id);
    await getDb().block.update({ where: { id: block.id }, data: { status: 'lift_pending' } });
    await refuseLift(await queuedLift(account.number, [block.id], 'policy'), 'rejected: HTTP 400');
    const [detail] = await syncDetails(account.id);
    expect(detail).toMatch(/^El switch rechazó el levantamiento decidido por la política de desbloqueo \(/);
  });

  it('a block notice sent to an internationalised address: the timeline shows it as people write it', async () => {
    const { account } = await makeAccount();
    const block = await makeBlock(account.id);
    const to = IDN('ana');
    await getDb().$transaction((tx) => recordNoticeSent(tx, block.id, to));
    const sent = await getDb().blockEvent.findFirstOrThrow({
      where: { blockId: block.id, type: 'notice_sent' },
    });
    const words = storedText(spanish, sent.detail)!;
    expect(words).toContain(`Aviso de bloqueo enviado por correo a ${unicode(to)}`);
    expect(words).not.toContain('xn--');
  });

  it('the SIP password alert names who changed it as they write their address, or “unknown” in the reader’s language', async () => {
    const ana = IDN('ana');
    const { account, users, creds } = await makeAccount({ members: [ana] });
    await getDb().user.update({ where: { id: users[0]!.id }, data: { locale: 'es' } });
    const block = await makeBlock(account.id);
    const change = (userId: string) =>
      getDb().sipPasswordChange.create({
        data: { credentialId: creds[0]!.id, userId, score: 4, switchConfirmedAt: new Date() },
      });
    const alerts = async () => {
      const rows = await getDb().mailMessage.findMany({
        where: { to: ana, template: 'sip_password_changed' },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return Promise.all(
        rows.map(async (row) => {
          const r = await renderMessage(row, new Date());
          if (!r.ok) throw new Error(r.reason);
          return r.mail.text;
        }),
      );
    };

    await completePasswordChange((await change(users[0]!.id)).id);
    // A change whose login cannot be found (no such user).
    await completePasswordChange((await change(`gone-${crypto.randomUUID()}`)).id);
    // One alert: the second change joined the first while it waited (lib/mail/queue.ts queuePasswordChangedAlert).
    const [both, ...more] = await alerts();
    expect(more).toEqual([]);
    expect(both).toContain(`Quién: ${unicode(ana)}`);
    expect(both).not.toContain('xn--');
    expect(both).toContain('Quién: desconocido');
    expect(both).not.toContain('unknown user');
    // The timeline names no made-up English actor either.
    const resets = await getDb().blockEvent.findMany({
      where: { blockId: block.id, type: 'password_reset' },
    });
    expect(resets.map((e) => e.actor).sort()).toEqual(['', ana].sort());
  });
});
