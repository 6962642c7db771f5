import crypto from 'node:crypto';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecisionForms } from '@/components/staff/decision-forms';
import { requesterLabel } from '@/components/staff/request-summary';
import { removeMember } from '@/lib/accounts/commands';
import { approveAllowance, denyAllowance } from '@/lib/allowances/decide';
import type { CurrentUser } from '@/lib/auth/session';
import { approveRequest, approveSchema, denyRequest } from '@/lib/requests/decide';
import { getRequestForStaff, type StaffRequestView } from '@/lib/requests/detail';
import { CATALOGUES } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import { inWords } from '@/tests/helpers/outcome';

// An agent could approve a lift (and an allowance) on the word of someone the operator had removed
// from the account, or whose login support had disabled: the request page warned (20cd4ac), nothing
// on the server checked. Now the approval reads the sender's membership inside its transaction, under
// the account's lock: a lift needs the agent's confirmation that they spoke with a current member
// (audited with `senderLeft`), an allowance is not approved on their word at all. Either way nothing
// changes when it is refused, and a current member's request is decided as before.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const NOTE = 'Called Dana Ruiz (owner) at the number on file; she confirms the misdial.';

/** `node` rendered for a reader of `locale`, as HTML. */
const html = (node: ReactNode, locale: 'en' | 'es' = 'en') =>
  renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  );

describe.each(dialects())('approving on the word of someone who left the account, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  /** Ivan (a contractor) and Dana on a blocked account; Ivan's pending misdial request. */
  async function ivansRequest() {
    const tag = crypto.randomUUID().slice(0, 8);
    const ivan = `ivan-${tag}@itfix.example`;
    const dana = `dana-${tag}@acme.example`;
    const { account, users } = await makeAccount({ members: [ivan, dana] });
    const block = await makeBlock(account.id);
    const request = await makeRequest(block, users[0]!.id);
    return { db: getDb(), account, block, ivan, ivanId: users[0]!.id, request };
  }

  const approve = (agent: CurrentUser, requestId: string, more: { attestCurrentMember?: 'on' } = {}) =>
    approveRequest(agent, { requestId, attest: 'on', note: NOTE, ...more }, meta);

  /** What an approval left behind: the request, the block, its lift operations, mails and audit rows. */
  async function left(requestId: string, blockId: string) {
    const db = getDb();
    return {
      request: (await db.unblockRequest.findUniqueOrThrow({ where: { id: requestId } })).status,
      block: (await db.block.findUniqueOrThrow({ where: { id: blockId } })).status,
      lifts: await db.switchOperation.count({ where: { blockId } }),
      mails: await db.mailMessage.count({ where: { payload: { contains: requestId } } }),
      approvals: await db.auditLog.count({ where: { action: 'request.approved', targetId: requestId } }),
    };
  }
  const untouched = { request: 'pending', block: 'active', lifts: 0, mails: 0, approvals: 0 };

  it('a current member’s request is approved as before: no second box, nothing new in the audit', async () => {
    const { request, block } = await ivansRequest();
    const r = await approve(await makeStaff(), request.id);
    expect(r).toMatchObject({ ok: true, data: { blockStatus: 'lift_pending', liftQueued: true } });
    expect(await left(request.id, block.id)).toMatchObject({ request: 'approved', lifts: 1, approvals: 1 });
    const row = await getDb().auditLog.findFirstOrThrow({
      where: { action: 'request.approved', targetId: request.id },
    });
    const detail = JSON.parse(row.detail!);
    expect(detail).toMatchObject({ attestedCallback: true, note: NOTE });
    expect(detail).not.toHaveProperty('senderLeft');
    expect(detail).not.toHaveProperty('attestedCurrentMember');
  });

  it('a removed sender: refused without the confirmation, nothing changed; approved with it, audited', async () => {
    const { db, account, block, request, ivan } = await ivansRequest();
    await removeMember(db, { email: ivan, account: account.number });
    const agent = await makeStaff();
    const refused = await approve(agent, request.id);
    expect(inWords(refused)).toEqual({
      ok: false,
      code: 'conflict',
      message:
        `${ivan} is no longer a member of this account. Nothing was changed and the request is still pending. ` +
        'Approve it only after a call with a current member at the account’s number on file: tick “I spoke ' +
        'with a current member of the account, not the person who asked” and name them in the note.',
      fieldErrors: {
        attestCurrentMember: [
          'The person who asked no longer speaks for the account: confirm that you spoke with a current member, and name them in the note.',
        ],
      },
    });
    expect(await left(request.id, block.id)).toEqual(untouched);

    const approved = await approve(agent, request.id, { attestCurrentMember: 'on' });
    expect(approved).toMatchObject({ ok: true, data: { liftQueued: true } });
    expect(await left(request.id, block.id)).toMatchObject({
      request: 'approved',
      block: 'lift_pending',
      lifts: 1,
      approvals: 1,
    });
    const row = await db.auditLog.findFirstOrThrow({
      where: { action: 'request.approved', targetId: request.id },
    });
    expect(JSON.parse(row.detail!)).toMatchObject({
      senderLeft: 'removed',
      attestedCurrentMember: true,
      attestedCallback: true,
      note: NOTE,
    });
    // The "approved" mail goes to the account's current member, not to the man who was removed.
    const to = (
      await db.mailMessage.findMany({
        where: { template: 'request_approved', payload: { contains: request.id } },
      })
    ).map((m) => m.to);
    expect(to).not.toContain(ivan);
    expect(to).toHaveLength(1);
  });

  it('a disabled login, and one that no longer exists, need it too; each says why', async () => {
    const { db, block, request, ivan, ivanId } = await ivansRequest();
    const agent = await makeStaff();
    await db.user.update({ where: { id: ivanId }, data: { disabled: true } });
    const disabled = await approve(agent, request.id);
    expect(inWords(disabled).message).toMatch(
      new RegExp(
        `^${ivan.replace(/\./g, '\\.')} can no longer sign in: their portal login is disabled\\. Nothing was changed`,
      ),
    );
    expect(await left(request.id, block.id)).toEqual(untouched);
    // Gone altogether (the request keeps its sender's id).
    await db.membership.deleteMany({ where: { userId: ivanId } });
    await db.user.delete({ where: { id: ivanId } });
    const deleted = await approve(agent, request.id);
    expect(inWords(deleted).message).toMatch(
      /^The person who asked is no longer a member of this account: their portal login no longer exists\. Nothing was changed/,
    );
    expect(await left(request.id, block.id)).toEqual(untouched);
    expect(await approve(agent, request.id, { attestCurrentMember: 'on' })).toMatchObject({ ok: true });
    const row = await db.auditLog.findFirstOrThrow({
      where: { action: 'request.approved', targetId: request.id },
    });
    expect(JSON.parse(row.detail!)).toMatchObject({ senderLeft: 'deleted', attestedCurrentMember: true });
  });

  it('a sender removed after the page was drawn: the page offered no box, the server refuses all the same', async () => {
    const { db, account, block, request, ivan } = await ivansRequest();
    const agent = await makeStaff();
    // The page as drawn while Ivan was a member: no second box.
    const forms = (r: StaffRequestView) =>
      html(
        h(DecisionForms, {
          requestId: r.id,
          subject: {
            number: r.account.number,
            name: r.account.name,
            customer: r.submittedBy ? requesterLabel(r.submittedBy) : null,
          },
        }),
      );
    const drawn = forms((await getRequestForStaff(agent, request.id))!);
    expect(drawn).not.toContain('name="attestCurrentMember"');
    await removeMember(db, { email: ivan, account: account.number });
    // Posted from that page: what it had (attest and a note), nothing more.
    const posted = approveSchema.parse({ requestId: request.id, attest: 'on', note: NOTE });
    const r = await approveRequest(agent, posted, meta);
    // A conflict: the action draws the request page again (lib/requests/actions.ts), which now warns.
    expect(r).toMatchObject({ ok: false, code: 'conflict', note: { key: 'outcome.decision.senderLeft' } });
    expect(await left(request.id, block.id)).toEqual(untouched);
    const redrawn = forms((await getRequestForStaff(agent, request.id))!);
    const box = redrawn.match(/<input type="checkbox"[^>]*name="attestCurrentMember"[^>]*>/)?.[0];
    expect(box).toBeDefined();
    expect(box).toContain('aria-describedby="decision-subject"');
    expect(redrawn).toContain('I spoke with a current member of the account, not the person who asked');
  });

  it('in Spanish: the refusal and the field message', async () => {
    const { db, account, request, ivan } = await ivansRequest();
    await removeMember(db, { email: ivan, account: account.number });
    const said = inWords(await approve(await makeStaff({ locale: 'es' }), request.id), 'es');
    expect(said.message).toBe(
      `${ivan} ya no es miembro de esta cuenta. No se cambió nada y la solicitud sigue pendiente. Apruébela ` +
        'solo después de hablar con un miembro actual en el número registrado de la cuenta: marque «He hablado ' +
        'con un miembro actual de la cuenta, no con la persona que la pidió» y escriba su nombre en la nota.',
    );
    expect(said.fieldErrors).toEqual({
      attestCurrentMember: [
        'La persona que hizo la solicitud ya no representa a la cuenta: confirme que habló con un miembro actual y escriba su nombre en la nota.',
      ],
    });
  });

  it('the form shows the second box only when the page knows the sender left, read with the warning', async () => {
    const forms = (customer: string | null, locale: 'en' | 'es' = 'en') =>
      html(
        h(DecisionForms, { requestId: 'r1', subject: { number: 'ACC-1', name: 'Acme', customer } }),
        locale,
      );
    expect(forms('Dana (dana@acme.example)')).not.toContain('attestCurrentMember');
    const warned = forms(null);
    const box = warned.match(/<input type="checkbox"[^>]*name="attestCurrentMember"[^>]*>/)![0];
    expect(box).toContain('aria-describedby="decision-subject"');
    // Labelled (the input inside its label), in both languages.
    expect(warned).toMatch(
      /<label[^>]*><input type="checkbox"[^>]*name="attestCurrentMember"[^>]*\/?><span>I spoke with a current member of the account, not the person who asked<\/span><\/label>/,
    );
    expect(forms(null, 'es')).toContain(
      'He hablado con un miembro actual de la cuenta, no con la persona que la pidió',
    );
    expect(warned).toContain('tick both boxes and name the member you spoke with in the note');
    // Closed (decided): nothing offered.
    expect(
      html(
        h(DecisionForms, {
          requestId: 'r1',
          closed: true,
          subject: { number: 'ACC-1', name: 'Acme', customer: null },
        }),
      ),
    ).not.toContain('attestCurrentMember');
  });

  it('a denial on a removed sender’s request needs nothing new', async () => {
    const { db, account, request, ivan } = await ivansRequest();
    await removeMember(db, { email: ivan, account: account.number });
    const r = await denyRequest(
      await makeStaff(),
      {
        requestId: request.id,
        callback: 'spoke' as const,
        denyReason: 'The person who asked is no longer on the account.',
      },
      meta,
    );
    expect(r).toMatchObject({ ok: true });
  });

  describe('an allowance request', () => {
    /** Ivan's waiting allowance request for Somalia under the account's block. */
    async function ivansAllowance() {
      const made = await ivansRequest();
      const allowance = await made.db.destinationAllowance.create({
        data: {
          accountId: made.account.id,
          blockId: made.block.id,
          country: 'SO',
          hours: 4,
          reason: 'Supplier in Mogadishu.',
          callbackPhone: '+34600123456',
          requestedById: made.ivanId,
        },
      });
      return { ...made, allowance };
    }
    const approveIt = (agent: CurrentUser, allowanceId: string) =>
      approveAllowance(agent, { allowanceId, attest: 'on', note: NOTE }, meta);
    const queued = (accountNumber: string) =>
      getDb().switchOperation.count({ where: { accountNumber, kind: 'allowance_put' } });

    it('of a current member is approved as before', async () => {
      const { account, allowance } = await ivansAllowance();
      expect(await approveIt(await makeStaff(), allowance.id)).toMatchObject({ ok: true });
      expect(await queued(account.number)).toBe(1);
    });

    it('of a removed asker is refused, nothing sent; it can be denied, and the agent grants one instead', async () => {
      const { db, account, allowance, ivan } = await ivansAllowance();
      await removeMember(db, { email: ivan, account: account.number });
      const agent = await makeStaff();
      const r = await approveIt(agent, allowance.id);
      expect(inWords(r)).toMatchObject({
        ok: false,
        code: 'conflict',
        message:
          `${ivan} is no longer a member of this account. Nothing was changed and nothing was sent to the switch. ` +
          'An allowance is not approved on their word: deny this request, then, if a current member wants it ' +
          'after you call them at the account’s number on file, grant it with “Grant allowance” on this page.',
      });
      expect(await db.destinationAllowance.findUniqueOrThrow({ where: { id: allowance.id } })).toMatchObject({
        status: 'requested',
        decidedById: null,
      });
      expect(await queued(account.number)).toBe(0);
      expect(
        await db.auditLog.count({ where: { action: 'allowance.approved', targetId: allowance.id } }),
      ).toBe(0);
      expect(inWords(await approveIt(await makeStaff({ locale: 'es' }), allowance.id), 'es').message).toMatch(
        /^.+ ya no es miembro de esta cuenta\. No se cambió nada y no se envió nada al switch\. Un permiso no se aprueba/,
      );
      expect(
        await denyAllowance(
          agent,
          { allowanceId: allowance.id, note: 'Asked by someone no longer on the account.' },
          meta,
        ),
      ).toMatchObject({ ok: true });
    });
  });
});
