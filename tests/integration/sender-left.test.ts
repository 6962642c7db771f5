import crypto from 'node:crypto';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { beforeAll, describe, expect, it } from 'vitest';
import { CallbackCell, requesterLabel } from '@/components/staff/request-summary';
import { DecisionForms } from '@/components/staff/decision-forms';
import { SenderLeftNotice } from '@/components/staff/sender-left';
import { addMember, removeMember } from '@/lib/accounts/commands';
import { allowancesForStaff } from '@/lib/allowances/queries';
import { audit } from '@/lib/audit/log';
import { leftAt } from '@/lib/accounts/left-at';
import { getRequestForStaff, type StaffRequestView } from '@/lib/requests/detail';
import { CATALOGUES } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';

// Found by a tester (2026-12-07): Ivan, an IT contractor and a member of an account, asked for a
// firewall unblock; the operator then removed him from the account. The request page still said "Sent
// by ivan@itfix.example", "Language Español" and offered the number he typed as the one to call the
// account holder on; the decision form's "I spoke with the account holder" could be ticked on his word.
// Now the page says he no longer speaks for the account (since when, from the audit log), the callback
// is the account's number on file and its current members, and the decision form says so beside the
// checkbox. The same on the staff account page's waiting allowance requests.

/** `node` as a server component renders it for a reader of `locale`, as HTML. */
const html = (node: ReactNode, locale: 'en' | 'es' = 'en') =>
  renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  );
/** The same, as text. */
const text = (node: ReactNode, locale: 'en' | 'es' = 'en') => html(node, locale).replace(/<[^>]+>/g, '');

const ON_FILE = '+34912345678';
const TYPED = '+34600123456';

describe.each(dialects())('a request whose sender left the account, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  /** Ivan (a contractor) and Dana on an account with a number on file; Ivan's pending request. */
  async function ivansRequest() {
    const tag = crypto.randomUUID().slice(0, 8);
    const ivan = `ivan-${tag}@itfix.example`;
    const dana = `dana-${tag}@acme.example`;
    const { account, users } = await makeAccount({ members: [ivan, dana] });
    const db = getDb();
    await db.customerAccount.update({ where: { id: account.id }, data: { phone: ON_FILE } });
    await db.user.update({ where: { id: users[0]!.id }, data: { locale: 'es', name: 'Ivan' } });
    const block = await makeBlock(account.id);
    const request = await makeRequest(block, users[0]!.id, { callbackPhone: TYPED });
    return { db, account, ivan, dana, ivanId: users[0]!.id, danaId: users[1]!.id, request };
  }

  it('names a current member as before', async () => {
    const { request, ivan } = await ivansRequest();
    const r = await getRequestForStaff(await makeStaff(), request.id);
    expect(r).toMatchObject({ submittedBy: { email: ivan, name: 'Ivan', locale: 'es' }, senderLeft: null });
  });

  it('says the sender was removed from the account, since the audit log’s time, and names nobody as the customer', async () => {
    const { db, account, request, ivan, ivanId } = await ivansRequest();
    await removeMember(db, { email: ivan, account: account.number });
    const removed = await db.auditLog.findFirstOrThrow({
      where: { action: 'membership.removed', targetId: ivanId, accountId: account.id },
    });
    const r = (await getRequestForStaff(await makeStaff(), request.id))!;
    expect(r.submittedBy).toBeNull();
    expect(r.senderLeft).toEqual({
      who: { id: ivanId, email: ivan, name: 'Ivan', locale: 'es' },
      why: 'removed',
      since: removed.at,
    });
    // The number he typed is still what he typed, not on file.
    expect(r.callback).toMatchObject({ source: 'typed', onFile: ON_FILE });
  });

  it('takes the newest removal after a return, and none once he is a member again', async () => {
    const { db, account, request, ivan, ivanId } = await ivansRequest();
    const agent = await makeStaff();
    await removeMember(db, { email: ivan, account: account.number });
    await addMember(db, { email: ivan, account: account.number });
    expect((await getRequestForStaff(agent, request.id))!.senderLeft).toBeNull();
    await removeMember(db, { email: ivan, account: account.number });
    const rows = await db.auditLog.findMany({
      where: { action: 'membership.removed', targetId: ivanId, accountId: account.id },
      orderBy: { at: 'asc' },
    });
    expect(rows).toHaveLength(2);
    expect((await getRequestForStaff(agent, request.id))!.senderLeft).toMatchObject({
      why: 'removed',
      since: rows[1]!.at,
    });
  });

  it('says a disabled login is no one to act on, since its audit row on this account', async () => {
    const { db, account, request, ivanId, ivan } = await ivansRequest();
    const other = await makeAccount();
    await db.user.update({ where: { id: ivanId }, data: { disabled: true } });
    // Another account's row is no time for this one.
    await audit({
      action: 'customer_user.disabled',
      accountId: other.account.id,
      target: { type: 'user', id: ivanId },
    });
    const agent = await makeStaff();
    expect((await getRequestForStaff(agent, request.id))!).toMatchObject({
      submittedBy: null,
      senderLeft: { who: { email: ivan }, why: 'disabled', since: null },
    });
    await audit({
      action: 'customer_user.disabled',
      accountId: account.id,
      target: { type: 'user', id: ivanId },
    });
    const row = await db.auditLog.findFirstOrThrow({
      where: { action: 'customer_user.disabled', targetId: ivanId, accountId: account.id },
    });
    expect((await getRequestForStaff(agent, request.id))!.senderLeft).toEqual({
      who: expect.objectContaining({ email: ivan }),
      why: 'disabled',
      since: row.at,
    });
  });

  it('says so of a login removed without an audit row, and of one that no longer exists', async () => {
    const { db, account, request, ivanId } = await ivansRequest();
    const agent = await makeStaff();
    await db.membership.deleteMany({ where: { userId: ivanId, accountId: account.id } });
    expect((await getRequestForStaff(agent, request.id))!.senderLeft).toMatchObject({
      why: 'removed',
      since: null,
    });
    await db.user.delete({ where: { id: ivanId } });
    expect((await getRequestForStaff(agent, request.id))!).toMatchObject({
      submittedBy: null,
      senderLeft: { who: null, why: 'deleted', since: null },
    });
  });

  it('leftAt reads nothing for nobody, and only the asked action of each login', async () => {
    const { db, account, ivan, ivanId, danaId } = await ivansRequest();
    expect(await leftAt(account.id, [])).toEqual(new Map());
    await removeMember(db, { email: ivan, account: account.number });
    await audit({
      action: 'customer_user.disabled',
      accountId: account.id,
      target: { type: 'user', id: danaId },
    });
    const removed = await db.auditLog.findFirstOrThrow({
      where: { action: 'membership.removed', targetId: ivanId },
    });
    // Dana's disable row is not a removal of hers.
    expect(
      await leftAt(account.id, [
        { userId: ivanId, why: 'removed' },
        { userId: danaId, why: 'removed' },
      ]),
    ).toEqual(new Map([[ivanId, removed.at]]));
  });

  it('marks a waiting allowance request of an asker who left, not a decided one nor a current member’s', async () => {
    const { db, account, ivan, ivanId, danaId } = await ivansRequest();
    const asked = (requestedById: string, status = 'requested') =>
      db.destinationAllowance.create({
        data: {
          accountId: account.id,
          country: 'SO',
          hours: 4,
          reason: 'Supplier in Mogadishu.',
          callbackPhone: TYPED,
          requestedById,
          status,
        },
      });
    const waiting = await asked(ivanId);
    const denied = await asked(ivanId, 'denied');
    const danas = await asked(danaId);
    const agent = await makeStaff();
    const view = async () => new Map((await allowancesForStaff(agent, account.id)).map((a) => [a.id, a]));
    expect((await view()).get(waiting.id)!.requesterLeft).toBeNull();
    await removeMember(db, { email: ivan, account: account.number });
    const removed = await db.auditLog.findFirstOrThrow({
      where: { action: 'membership.removed', targetId: ivanId },
    });
    let seen = await view();
    expect(seen.get(waiting.id)).toMatchObject({
      requestedBy: ivan,
      requesterLeft: { why: 'removed', since: removed.at },
    });
    expect(seen.get(denied.id)!.requesterLeft).toBeNull();
    expect(seen.get(danas.id)!.requesterLeft).toBeNull();
    await db.user.update({ where: { id: danaId }, data: { disabled: true } });
    seen = await view();
    expect(seen.get(danas.id)!.requesterLeft).toEqual({ why: 'disabled', since: null });
  });

  it('words it for the agent, in English and Spanish, with the number on file to call instead of his', async () => {
    const { db, account, request, ivan, dana } = await ivansRequest();
    await removeMember(db, { email: ivan, account: account.number });
    const r = (await getRequestForStaff(await makeStaff(), request.id))!;
    const notice = (locale: 'en' | 'es') =>
      text(
        h(SenderLeftNotice, { left: r.senderLeft!, who: requesterLabel(r.senderLeft!.who!), since: 'THEN' }),
        locale,
      );
    expect(notice('en')).toBe(
      `Ivan (${ivan}) is no longer a member of this account (since THEN): do not act on their word; ` +
        'call a current member at the account’s number on file.',
    );
    expect(notice('es')).toBe(
      `Ivan (${ivan}) ya no es miembro de esta cuenta (desde el THEN): no actúe según lo que diga; ` +
        'llame a un miembro actual al número registrado de la cuenta.',
    );
    const cell = html(h(CallbackCell, { r }));
    // The number on file is the one to call (a tel: link); his is shown, never as a link.
    expect(cell).toContain(`href="tel:${ON_FILE}"`);
    expect(cell).not.toContain(`tel:${TYPED}`);
    expect(cell.replace(/<[^>]+>/g, '')).toBe(
      'The account’s number on file: call it and ask for a current member.+34 912 34 56 78' +
        `Current members: ${dana}.` +
        'Number the requester gave (not on file: do not call it to confirm): +34 600 12 34 56',
    );
    expect(text(h(CallbackCell, { r }), 'es')).toContain(`Miembros actuales: ${dana}.`);
  });

  it('says it without a time, with no number on file, and with no member left', async () => {
    const left = { why: 'removed' as const, since: null };
    expect(text(h(SenderLeftNotice, { left, who: 'ivan@itfix.example', since: null }))).toBe(
      'ivan@itfix.example is no longer a member of this account: do not act on their word; ' +
        'call a current member at the account’s number on file.',
    );
    expect(
      text(
        h(SenderLeftNotice, {
          left: { why: 'disabled', since: new Date() },
          who: 'ivan@itfix.example',
          since: 'THEN',
        }),
        'es',
      ),
    ).toBe(
      'ivan@itfix.example ya no puede iniciar sesión: su acceso al portal está desactivado (desde el THEN). ' +
        'No actúe según lo que diga; llame a un miembro actual al número registrado de la cuenta.',
    );
    expect(
      text(h(SenderLeftNotice, { left: { why: 'deleted', since: null }, who: null, since: null })),
    ).toMatch(
      /^The person who asked is no longer a member of this account: their portal login no longer exists\. Do not act on their word/,
    );
    const { db, account, request, ivan, danaId } = await ivansRequest();
    await removeMember(db, { email: ivan, account: account.number });
    await db.customerAccount.update({ where: { id: account.id }, data: { phone: null } });
    await db.user.update({ where: { id: danaId }, data: { disabled: true } });
    const r = (await getRequestForStaff(await makeStaff(), request.id))!;
    const cell = html(h(CallbackCell, { r }));
    expect(cell).not.toContain('tel:');
    expect(cell.replace(/<[^>]+>/g, '')).toBe(
      'The account has no number on file. Do not call the number the requester gave: reach a current member ' +
        'through a contact you can verify.The account has no current member who can confirm this.' +
        'Number the requester gave (not on file: do not call it to confirm): +34 600 12 34 56',
    );
  });

  it('the decision form says it where the agent ticks "I spoke with the account holder"', async () => {
    const { db, account, request, ivan } = await ivansRequest();
    const agent = await makeStaff();
    const forms = (r: StaffRequestView, locale: 'en' | 'es' = 'en') =>
      html(
        h(DecisionForms, {
          requestId: r.id,
          // As the request page passes it (app/staff/requests/[id]/page.tsx).
          subject: {
            number: r.account.number,
            name: r.account.name,
            customer: r.submittedBy ? requesterLabel(r.submittedBy) : null,
          },
        }),
        locale,
      );
    const before = forms((await getRequestForStaff(agent, request.id))!);
    expect(before).toContain(`asked by Ivan (${ivan})`);
    expect(before).not.toContain('speaks for the account');
    await removeMember(db, { email: ivan, account: account.number });
    const r = (await getRequestForStaff(agent, request.id))!;
    const after = forms(r);
    expect(after).not.toContain(ivan);
    expect(after).toContain(
      'The person who asked no longer speaks for the account (no longer a member, or their login is disabled: ' +
        'see “Sent by” above): do not act on their word. Approve only after a call with a current member at ' +
        'the account’s number on file: tick both boxes and name the member you spoke with in the note.',
    );
    // The checkbox is read with that line.
    const attest = (page: string) => page.match(/<input type="checkbox"[^>]*name="attest"[^>]*>/)![0];
    expect(attest(after)).toContain('aria-describedby="decision-subject"');
    expect(attest(before)).not.toContain('aria-describedby');
    expect(forms(r, 'es')).toContain(
      'Apruebe solo después de hablar con un miembro actual en el número registrado de la cuenta: marque las dos casillas',
    );
  });
});
