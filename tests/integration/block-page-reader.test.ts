import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { beforeAll, describe, expect, it } from 'vitest';
import { CredentialList } from '@/components/block/credential-list';
import { ExplanationText } from '@/components/block/explanation';
import { BlockStatusLines } from '@/components/block/status-lines';
import { confirmLift, requestLift, type LiftRequest } from '@/lib/blocks/lifecycle';
import { suggestsMisdial } from '@/lib/blocks/misdial-step';
import { getBlockForUser, type BlockView } from '@/lib/blocks/queries';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { CATALOGUES, translator } from '@/lib/i18n/translate';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { mailTranslator } from '@/lib/mail/templates/context';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import { deliver, liftedEvent } from '@/tests/helpers/switch-events';

// A tester walked the block page as a dental office manager in a panic (Dana, demo data), on a phone
// and a laptop, in English and Spanish (2026-12):
// 1. a hotspot block's notice suggested a misdial its page did not (lib/blocks/misdial-step.ts now
//    decides for both);
// 2. neither the page's top nor its explanation said that calls within the country still worked and
//    that calls abroad were refused, so no new charges could build up (block.stillWorks);
// 3. after one of two passwords was changed, the page still asked to change both, and named no
//    progress;
// 4. after support approved a misdial and the block lifted, the page still read "What probably
//    happened… destinations like these are used for toll fraud", "Also make sure your router…" after
//    a step that was gone, and "Password not changed yet" in red with no reset button.
// Each part of the page is rendered here as the page renders it, from the block as getBlockForUser
// reads it.

type Locale = 'en' | 'es';

/** `node` as the page renders it for a reader of `locale` (in UTC): its HTML, its text, its paragraphs. */
function rendered(node: ReactNode, locale: Locale = 'en') {
  const html = renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  );
  const words = (s: string) =>
    s
      .replace(/<[^>]+>/g, '')
      .replace(/&#x27;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim();
  const paragraphs = html
    .split(/(?=<p[ >])/)
    .filter((p) => p.startsWith('<p'))
    .map((p) => words(p.slice(0, p.indexOf('</p>'))));
  return { html, text: words(html.replace(/<\/p>/g, '</p> ')), paragraphs };
}

const explanation = (block: BlockView, locale: Locale = 'en', needsPerson = false) =>
  rendered(h(ExplanationText, { block, needsPerson }), locale);
const status = (block: BlockView, locale: Locale = 'en', allowancesMayPass = false) =>
  rendered(h(BlockStatusLines, { block, otherHref: '#others', allowancesMayPass }), locale);
const credentials = (block: BlockView, locale: Locale = 'en') =>
  rendered(h(CredentialList, { block, labelledBy: 'creds' }), locale);

/** An account with two SIP credentials and a block of `reason` on calls to +252 through both. */
async function blocked(reason: BlockReason = 'high_risk_destination') {
  const { account, users, creds } = await makeAccount();
  const block = await makeBlock(account.id, {
    reason,
    placedAt: new Date(Date.now() - 3600_000),
    calls: creds.map((c) => ({ sipUsername: c.username, sourceIp: '185.220.101.47' })),
  });
  const view = () => getBlockForUser(users[0]!.id, block.id).then((v) => v!);
  return { account, member: users[0]!, creds, block, view };
}

/** `credential`'s password changed after `block` came (the rotation policy's own comparison). */
const rotate = (credential: { id: string }, block: { createdAt: Date }) =>
  getDb().sipCredential.update({
    where: { id: credential.id },
    data: { passwordChangedAt: new Date(block.createdAt.getTime() + 60_000) },
  });

/** A lift decided as `req` says (the lifecycle's own), then confirmed by the switch. */
async function lift(req: LiftRequest) {
  const db = getDb();
  expect(await db.$transaction((tx) => requestLift(tx, req))).toMatchObject({ ok: true });
  const op = await db.switchOperation.findFirstOrThrow({
    where: { kind: 'lift', status: 'pending', blockId: req.blockIds[0] },
  });
  await confirmLift(op);
}

/** The misdial sentence of the page's explanation, as the reader reads its end. */
const MISDIAL = { en: 'tell us it was a misdial', es: 'indíquenos que fue una marcación errónea' } as const;

describe.each(dialects())('the block page as a customer in a panic reads it, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('suggests a misdial for each reason exactly where the block notice does (finding 1)', async () => {
    for (const reason of [
      'high_risk_destination',
      'hotspot_source_ip',
      'suspicious_pattern',
      'manual',
    ] as const) {
      const b = await blocked(reason);
      const view = await b.view();
      const wanted = suggestsMisdial(view);
      expect(wanted, reason).toBe(reason === 'high_risk_destination');
      for (const locale of ['en', 'es'] as const) {
        expect(explanation(view, locale).text.includes(MISDIAL[locale]), `${reason} page ${locale}`).toBe(
          wanted,
        );
        const mail = blockNotice(
          {
            recipient: { email: b.member.email, name: null },
            account: view.account,
            block: { id: view.id, reason, placedAt: view.placedAt },
            calls: view.calls,
            credentials: b.creds.map((c) => ({ username: c.username, label: c.label })),
            link: null,
          },
          {
            t: mailTranslator(locale),
            locale,
            provider: null,
            support: 'help@voice.example',
            timeZone: 'UTC',
            appUrl: 'https://p.example',
          },
        );
        const button = translator(locale)('block.misdial');
        expect(mail.text.includes(button), `${reason} mail ${locale}`).toBe(wanted);
      }
    }
  });

  it('says at the top that calls within the country still work and calls abroad are refused, while in force only (finding 2)', async () => {
    const b = await blocked('hotspot_source_ip');
    const view = await b.view();
    const en = status(view).text;
    expect(en).toContain(
      'Calls within your country (United States) still work. Only calls abroad are refused for now, so no new charges for calls abroad can build up.',
    );
    expect(status(view, 'es').text).toContain(
      'Las llamadas dentro de su país (Estados Unidos) siguen funcionando. Por ahora solo se rechazan las llamadas al extranjero, así que no pueden acumularse nuevos cargos por llamadas al extranjero.',
    );
    // An allowance that may let calls to a country through: named, and no claim about charges.
    const allowed = status(view, 'en', true).text;
    expect(allowed).toContain('Calls abroad are refused for now, except to a country allowed for a while');
    expect(allowed).not.toContain('no new charges');

    // Being lifted is still in force.
    await getDb().block.update({ where: { id: b.block.id }, data: { status: 'lift_pending' } });
    const lifting = status(await b.view()).text;
    expect(lifting).toContain(translator('en')('block.waiting'));
    expect(lifting).toContain('Only calls abroad are refused for now');

    // Lifted: calling abroad is back, and nothing says it is refused.
    const { account, users } = await makeAccount();
    const gone = await makeBlock(account.id, { calls: [{ sipUsername: 'x' }] });
    await lift({
      accountId: account.id,
      blockIds: [gone.id],
      actor: 'support@staff.example',
      reason: 't',
      by: 'staff',
    });
    const lifted = (await getBlockForUser(users[0]!.id, gone.id))!;
    for (const [locale, back, refused] of [
      ['en', 'International calling allowed. Calls abroad work again.', 'refused'],
      [
        'es',
        'Llamadas internacionales permitidas. Las llamadas al extranjero vuelven a funcionar.',
        'rechazan',
      ],
    ] as const) {
      const text = status(lifted, locale).text;
      expect(text).toContain(back);
      expect(text).not.toContain(refused);
    }
  });

  it('names only the passwords still to change, and how many are changed (finding 3)', async () => {
    const b = await blocked();
    const [first, second] = b.creds as [(typeof b.creds)[0], (typeof b.creds)[0]];
    const before = explanation(await b.view()).text;
    expect(before).toContain('Change the SIP passwords of ');
    expect(before).not.toContain('has been changed');

    await rotate(first, b.block);
    const view = await b.view();
    for (const [locale, done, step] of [
      ['en', '1 of the 2 SIP passwords named in this block has been changed.', 'Change the SIP password of'],
      [
        'es',
        'Ya se ha cambiado 1 de las 2 contraseñas SIP nombradas en este bloqueo.',
        'Cambie ahora la contraseña SIP de',
      ],
    ] as const) {
      const { paragraphs } = explanation(view, locale);
      const p = paragraphs.find((x) => x.includes(done));
      expect(p, locale).toBeDefined();
      expect(p).toContain(`${step} ${second.username}`);
      expect(p).not.toContain(first.username);
    }
    // The credentials list agrees.
    const list = credentials(view).text;
    expect(list).toContain('Password changed since the block');
    expect(list).toContain('Password not changed yet');

    // Both changed and the reason needs a person: what happens next, not "change" again.
    await rotate(second, b.block);
    const all = await b.view();
    const review = explanation(all, 'en', true).text;
    expect(review).toContain('our support team reviews the account and lifts the block');
    expect(review).not.toMatch(/Change the SIP password|has been changed\. Change/);
  });

  it('with every password changed and another block open: nothing more for this one, calling back once the other is lifted', async () => {
    const b = await blocked();
    for (const c of b.creds) await rotate(c, b.block);
    await makeBlock(b.account.id, { calls: [{ sipUsername: 'somewhere-else' }] });
    const view = await b.view();
    expect(view.otherOpenBlockId).not.toBeNull();
    const en = explanation(view).text;
    expect(en).toContain(
      'Every SIP password named in this block has been changed since it was placed, so nothing more is needed for this block. International calling comes back once the other block in force on this account is lifted too.',
    );
    expect(en).not.toContain('Change the SIP password');
    expect(explanation(view, 'es').text).toContain('en cuanto se levante también el otro bloqueo en vigor');
  });

  it('after a misdial approval lifted it: how it ended first, the reasons as history, no dangling "also", credentials neutral with their reset links (finding 4)', async () => {
    const b = await blocked();
    const agent = await makeStaff();
    const request = await makeRequest(b.block, b.member.id);
    await getDb().unblockRequest.update({
      where: { id: request.id },
      data: { status: 'approved', openKey: null, decidedAt: new Date(), decidedById: agent.id },
    });
    await lift({
      accountId: b.account.id,
      blockIds: [b.block.id],
      actor: agent.email,
      reason: 'approved',
      by: 'request',
      requestId: request.id,
    });
    const view = await b.view();
    expect(view.status).toBe('lifted');
    expect(view.ended).toBe('misdial');

    for (const [locale, ended, also, placed, fraud, neutral, notYet] of [
      [
        'en',
        /^International calling allowed\. Calls abroad work again\. Our support team agreed it was a misdial and lifted this block on .+\.$/,
        'Also make sure',
        'We blocked international calling because destinations like these are used for toll fraud.',
        'block.explain.high_risk_destination',
        'Password not changed since the block',
        'Password not changed yet',
      ],
      [
        'es',
        /^Llamadas internacionales permitidas\. Las llamadas al extranjero vuelven a funcionar\. Nuestro equipo de soporte confirmó que fue una marcación errónea y levantó este bloqueo el .+\.$/,
        'Asegúrese también',
        'Bloqueamos las llamadas internacionales porque destinos como estos se usan para el fraude telefónico.',
        'block.explain.high_risk_destination',
        'Contraseña sin cambiar desde el bloqueo',
        'Contraseña aún sin cambiar',
      ],
    ] as const) {
      expect(status(view, locale).paragraphs).toEqual([expect.stringMatching(ended)]);

      const { paragraphs, text } = explanation(view, locale);
      expect(paragraphs).toContain(placed);
      // The fraud explanation stays as history, never as the present "what probably happened".
      expect(text).not.toContain(translator(locale)(fraud));
      // The advice to harden the router follows the advice to keep each password strong.
      const firewall = paragraphs.find((p) => p.includes(also))!;
      expect(firewall, locale).toBeDefined();
      expect(firewall.startsWith(also), locale).toBe(false);
      expect(firewall.startsWith(translator(locale)('block.explain.keepSafe')), locale).toBe(true);
      expect(text).not.toContain(MISDIAL[locale]);

      const list = credentials(view, locale);
      expect(list.text).toContain(neutral);
      expect(list.text).not.toContain(notYet);
      expect(list.html).not.toContain('text-red-800');
      for (const c of b.creds)
        expect(list.html).toContain(`href="/credentials/${c.id}/reset?block=${b.block.id}"`);
    }
  });

  it('names every other way a block ended: passwords changed, support by hand, the switch itself', async () => {
    const byPolicy = await blocked();
    await lift({
      accountId: byPolicy.account.id,
      blockIds: [byPolicy.block.id],
      actor: 'policy',
      reason: 't',
      by: 'policy',
    });
    const bySupport = await blocked('suspicious_pattern');
    const agent = await makeStaff();
    await lift({
      accountId: bySupport.account.id,
      blockIds: [bySupport.block.id],
      actor: agent.email,
      reason: 't',
      by: 'staff',
    });
    const bySwitch = await blocked('hotspot_source_ip');
    expect(
      (await deliver(liftedEvent(bySwitch.account.number, new Date(), 'noc@provider.example'))).status,
    ).toBe(200);

    const ended = async (b: Awaited<ReturnType<typeof blocked>>) => {
      const view = await b.view();
      return { how: view.ended, en: status(view).text, es: status(view, 'es').text };
    };
    const policy = await ended(byPolicy);
    expect(policy.how).toBe('rotation');
    expect(policy.en).toMatch(
      /Every SIP password named in this block was changed, so it was lifted automatically on .+\./,
    );
    expect(policy.es).toMatch(
      /Se cambiaron todas las contraseñas SIP nombradas en este bloqueo, así que se levantó automáticamente el .+\./,
    );
    const support = await ended(bySupport);
    expect(support.how).toBe('support');
    expect(support.en).toMatch(/Our support team lifted this block on .+\./);
    expect(support.es).toMatch(/Nuestro equipo de soporte levantó este bloqueo el .+\./);
    const sw = await ended(bySwitch);
    expect(sw.how).toBe('switch');
    expect(sw.en).toMatch(/Our phone system lifted this block on .+\./);
    expect(sw.es).toMatch(/Nuestra central levantó este bloqueo el .+\./);
    // Never which agent.
    expect(support.en).not.toContain(agent.email);
  });
});
