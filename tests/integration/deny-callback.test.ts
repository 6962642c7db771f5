import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { Timeline } from '@/components/block/timeline';
import { approveDoubt, DecisionForms, type ApproveEvidence } from '@/components/staff/decision-forms';
import { displayEmail } from '@/lib/auth/email-address';
import { getBlockForUser } from '@/lib/blocks/queries';
import { queueMail } from '@/lib/mail/queue';
import { denyRequest, denySchema } from '@/lib/requests/decide';
import { denialCallback, denialCallbackNote } from '@/lib/requests/denial-callback';
import { getDb } from '@/lib/server/db';
import { dialects } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';
import { mailSuite } from '@/tests/helpers/mail-suite';

// Tester P (2026-12-08): "Approve and lift block" needed "I spoke with the account holder", but "Deny"
// needed only a reason, and an agent denied a misdial request without calling, although the block
// page and the request mail had told the customer "Support will call you back before deciding". A
// denial now records the callback as the agent can truthfully give it (spoke with the account holder,
// or called and could not reach them), refuses to go without it, and the customer's mail and block
// page say which. And an approval the evidence does not support (the customer explained fewer calls
// than the block has, or the hint says unlikely) is said at the "Approve and lift block" button.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const REASON = 'The calls came from an address abroad.';
const oneLine = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ');

describe.each(dialects())('a denial records the callback, on %s', (dialect) => {
  const mail = mailSuite(dialect);

  async function pending(locale: 'en' | 'es' = 'en') {
    const { account, users } = await makeAccount();
    const member = users[0]!;
    if (locale !== 'en') await getDb().user.update({ where: { id: member.id }, data: { locale } });
    const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 3600_000) });
    const request = await makeRequest(block, member.id);
    return { account, block, request, member };
  }

  /** The customer's block page timeline, as its entries read (the denial's entry last). */
  async function timeline(userId: string, blockId: string, locale: 'en' | 'es') {
    const view = (await getBlockForUser(userId, blockId))!;
    const out = render(h(Timeline, { events: view.events, audience: 'customer' }), locale);
    return [...out.matchAll(/<li>(.*?)<\/li>/g)].map((m) => text(m[1]!).trim());
  }

  it.each([
    [
      'spoke',
      'Before deciding, the agent spoke with the account holder on the phone.',
      'Support spoke with the account holder before deciding.',
    ],
    [
      'unreached',
      'Before deciding, the agent called the account holder back and could not reach them.',
      'Support called the account holder before deciding and could not reach them.',
    ],
  ] as const)(
    'callback %s: recorded, audited, mailed and on the block page',
    async (callback, mailWords, pageWords) => {
      const { block, request, member } = await pending();
      const agent = await makeStaff();
      const r = await denyRequest(agent, { requestId: request.id, denyReason: REASON, callback }, meta);
      expect(r).toEqual({ ok: true, data: { blockStatus: 'active', liftQueued: false } });
      const db = getDb();
      const row = await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } });
      expect(row).toMatchObject({
        status: 'denied',
        denyReason: REASON,
        decisionNote: denialCallbackNote(callback),
      });
      expect(denialCallback(row)).toBe(callback);
      // The audit row says which.
      const audit = await db.auditLog.findFirstOrThrow({
        where: { action: 'request.denied', targetId: request.id },
      });
      expect(JSON.parse(audit.detail!)).toMatchObject({
        callback,
        attestedCallback: callback === 'spoke',
        denyReason: REASON,
      });
      // The customer's mail says the matching thing, before the reason.
      expect(await mail.deliver()).toBeGreaterThanOrEqual(1);
      const words = oneLine(mail.smtp.to(displayEmail(member.email)).at(-1)!.text);
      expect(words).toContain(mailWords);
      expect(words.indexOf(mailWords)).toBeLessThan(words.indexOf(REASON));
      // And the block page's timeline.
      expect((await timeline(member.id, block.id, 'en')).at(-1)).toContain(pageWords);
    },
  );

  it('in Spanish: the mail and the block page', async () => {
    const { block, request, member } = await pending('es');
    const agent = await makeStaff();
    const denial = { requestId: request.id, denyReason: REASON, callback: 'unreached' as const };
    expect((await denyRequest(agent, denial, meta)).ok).toBe(true);
    await mail.deliver();
    expect(oneLine(mail.smtp.to(displayEmail(member.email)).at(-1)!.text)).toContain(
      'Antes de decidir, el agente llamó al titular de la cuenta, pero no logró comunicarse.',
    );
    expect((await timeline(member.id, block.id, 'es')).at(-1)).toContain(
      'Soporte llamó al titular de la cuenta antes de decidir, pero no logró comunicarse.',
    );
  });

  it.each([
    ['none', undefined],
    ['another word', 'maybe'],
  ])(
    'without a callback (%s): refused at the field, nothing changed, nothing mailed',
    async (_, callback) => {
      const { block, request } = await pending();
      const agent = await makeStaff();
      const input = { requestId: request.id, denyReason: REASON, callback } as unknown as Parameters<
        typeof denyRequest
      >[1];
      expect(await denyRequest(agent, input, meta)).toEqual({
        ok: false,
        code: 'invalid',
        note: { key: 'outcome.correctFields' },
        fieldErrors: { callback: [{ key: 'outcome.field.denyCallback' }] },
      });
      const db = getDb();
      expect(await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
        status: 'pending',
        openKey: block.id,
        decidedAt: null,
        decidedById: null,
        denyReason: null,
        decisionNote: null,
      });
      expect(await db.mailMessage.count({ where: { payload: { contains: request.id } } })).toBe(0);
      expect(await db.auditLog.count({ where: { targetId: request.id } })).toBe(0);
      expect(await db.blockEvent.count({ where: { blockId: block.id, type: 'request_denied' } })).toBe(0);
      // The form's schema refuses it first, with the same words for the field.
      const parsed = denySchema.safeParse({ requestId: request.id, denyReason: REASON, callback });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
        ['callback', 'outcome.field.denyCallback'],
      ]);
    },
  );

  it('an older denial, with no callback recorded: the mail says nothing of a call', async () => {
    const { request, member } = await pending();
    const agent = await makeStaff();
    const db = getDb();
    await db.unblockRequest.update({
      where: { id: request.id },
      data: {
        status: 'denied',
        openKey: null,
        decidedAt: new Date(),
        decidedById: agent.id,
        denyReason: REASON,
      },
    });
    await db.$transaction((tx) =>
      queueMail(tx, member.email, 'request_denied', { requestId: request.id, userId: member.id }),
    );
    await mail.deliver();
    const words = oneLine(mail.smtp.to(displayEmail(member.email)).at(-1)!.text);
    expect(words).toContain(REASON);
    expect(words).not.toMatch(/Before deciding|could not reach/);
    // Only a denial's own callback note is read as one: never an approval's note, nor none.
    expect(denialCallback({ status: 'denied', decisionNote: null })).toBeNull();
    expect(denialCallback({ status: 'approved', decisionNote: denialCallbackNote('spoke') })).toBeNull();
    expect(denialCallback({ status: 'denied', decisionNote: 'Spoke with the owner.' })).toBeNull();
  });
});

describe('the decision forms: the callback for a denial, the evidence at the approval', () => {
  const subject = { number: 'ACC-7100', name: 'Acme Dental', customer: 'Dana Reyes (dana@acme.example)' };
  const partly: ApproveEvidence = { marked: 1, calls: 4, unlikely: false, credentials: 2, changedSince: 0 };
  const forms = (props: Partial<Parameters<typeof DecisionForms>[0]>, locale: 'en' | 'es' = 'en') =>
    render(h(DecisionForms, { requestId: 'r1', subject, ...props }), locale);
  const buttons = (out: string) => [...out.matchAll(/<button[^>]*>/g)].map((m) => m[0]);
  const said = (out: string, id: string) =>
    text(new RegExp(`<div id="${id}"[^>]*>(.*?)</div>`).exec(out)?.[1] ?? '').trim();

  it('a partly marked request: said above "Approve and lift block" and read with it', () => {
    const out = forms({ evidence: partly });
    expect(buttons(out)[0]).toMatch(/aria-describedby="decision-subject approve-doubt"/);
    // "Deny" is not described by it: a denial lifts nothing.
    expect(buttons(out)[1]).toMatch(/aria-describedby="decision-subject"/);
    expect(said(out, 'approve-doubt')).toBe(
      'The customer marked 1 of the 4 calls of this block as the misdial: approving lifts the block for all of them, including the ones nobody has explained. ' +
        'No SIP password of this account has been changed since the block was placed: if these calls were fraud, whoever made them can call abroad again once the switch lifts the block. ' +
        'You decide: approve if what the account holder told you on the call explains this.',
    );
    expect(
      said(forms({ evidence: { ...partly, unlikely: true, changedSince: 1 } }, 'es'), 'approve-doubt'),
    ).toBe(
      'El cliente marcó 1 de las 4 llamadas de este bloqueo como la marcación errónea: al aprobar se levanta el bloqueo para todas, también para las que nadie ha explicado. ' +
        'El indicio de marcación errónea de arriba dice: poco probable. ' +
        'Desde que se puso el bloqueo se ha cambiado 1 contraseña SIP de las 2 de la cuenta. ' +
        'Usted decide: apruebe si lo que le dijo el titular de la cuenta en la llamada lo explica.',
    );
  });

  it('every call explained and a likely hint: nothing said; unlikely alone: said; never once decided', () => {
    expect(approveDoubt({ ...partly, marked: 4 })).toBeNull();
    // No marked call (a request sent before calls were marked): the page cannot tell.
    expect(approveDoubt({ ...partly, marked: 0 })).toBeNull();
    expect(approveDoubt(null)).toBeNull();
    expect(forms({ evidence: { ...partly, marked: 4 } })).not.toContain('approve-doubt');
    const unlikely = forms({ evidence: { ...partly, marked: 4, unlikely: true } });
    expect(said(unlikely, 'approve-doubt')).toMatch(
      /^The misdial hint above says: unlikely to be a misdial\./,
    );
    expect(forms({ evidence: partly, closed: true })).not.toContain('approve-doubt');
    expect(forms({ evidence: partly, liftPending: true })).not.toContain('approve-doubt');
  });

  it('the deny form asks for the callback: a radio group with its hint', () => {
    const out = forms({});
    const words = text(out);
    expect(words).toContain('The callback');
    expect(words).toContain('I called and spoke with the account holder');
    expect(words).toContain('I called and could not reach them');
    expect(out).toMatch(
      /<fieldset role="radiogroup" aria-labelledby="callback-legend" aria-describedby="callback-hint"/,
    );
    const radios = [...out.matchAll(/<input[^>]*type="radio"[^>]*>/g)].map((m) => m[0]);
    expect(radios.map((r) => [/name="(\w+)"/.exec(r)?.[1], /value="(\w+)"/.exec(r)?.[1]])).toEqual([
      ['callback', 'spoke'],
      ['callback', 'unreached'],
    ]);
    expect(text(forms({}, 'es'))).toContain('Llamé, pero no logré comunicarme');
    // Never the approval's box's name ("I spoke with the account holder", CONTRACTS §6): a label match
    // for that box must find the box alone.
    const labels = [...out.matchAll(/<label[^>]*>(.*?)<\/label>/g)].map((m) => text(m[1]!).trim());
    expect(labels.filter((l) => /i spoke with the account holder/i.test(l))).toEqual([
      'I spoke with the account holder',
    ]);
    const es = [...forms({}, 'es').matchAll(/<label[^>]*>(.*?)<\/label>/g)].map((m) => text(m[1]!).trim());
    expect(es.filter((l) => /he hablado con el titular de la cuenta/i.test(l))).toEqual([
      'He hablado con el titular de la cuenta',
    ]);
  });
});
