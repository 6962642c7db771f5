import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { NextIntlClientProvider } from 'next-intl';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { Timeline } from '@/components/block/timeline';
import { checkUnreadSentence, ExplanationText, whileChecking } from '@/components/block/explanation';
import { explanationCheck } from '@/lib/blocks/live-read';
import { BlockStatusLines } from '@/components/block/status-lines';
import type { CredentialDevices, DeviceBinding } from '@/lib/devices/registrations';
import { getBlockForUser, type BlockView, withLiveRead } from '@/lib/blocks/queries';
import { CATALOGUES } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';

// B1 (2026-12): the block page's first view, whose switch read finds a second credential registered
// from the calls' address, asked for its password in the explanation and the credential list, but
// its timeline said nothing until the next view; and a block placed by a switch node whose clock ran
// fast read "Blocked since 10:04" at 10:00, below later timeline entries.

const CALLS_FROM = '185.220.101.5';
const at = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00Z`);

/** An account with Front desk (named by the calls) and Back office; its block as the page reads it. */
async function blocked(times: { placedAt: Date; createdAt: Date }) {
  const db = getDb();
  const n = crypto.randomInt(10 ** 9, 10 ** 10);
  const { account, users, creds } = await makeAccount({ credentials: [`desk-${n}`, `office-${n}`] });
  const [desk, office] = creds as [(typeof creds)[0], (typeof creds)[0]];
  await db.sipCredential.update({ where: { id: desk.id }, data: { label: 'Front desk' } });
  await db.sipCredential.update({ where: { id: office.id }, data: { label: 'Back office' } });
  const block = await makeBlock(account.id, {
    ...times,
    calls: [{ sipUsername: desk.username, sourceIp: CALLS_FROM, at: at('07:58') }],
  });
  await db.blockEvent.createMany({
    data: [
      { blockId: block.id, type: 'placed', at: times.placedAt, actor: 'switch' },
      { blockId: block.id, type: 'notice_sent', at: at('08:01'), actor: 'tollgate' },
    ],
  });
  const view = async () => (await getBlockForUser(users[0]!.id, block.id))!;
  return { db, block, desk, office, view };
}

/** A read of the switch: Back office registered from the calls' address (flagged `trigger_ip`). */
const readWith = (office: { id: string; username: string; label: string }): CredentialDevices[] => [
  {
    ...office,
    bindings: [
      {
        contact: `sip:${office.username}@${CALLS_FROM}`,
        sourceIp: CALLS_FROM,
        country: 'DE',
        userAgent: 'friendly-scanner',
        expiresAt: at('09:00'),
        flags: ['trigger_ip'],
        sameAddress: 1,
        shortened: [],
      } as unknown as DeviceBinding,
    ],
    notRead: null,
    unreadable: 0,
  },
];

const entries = (events: BlockView['events']) =>
  [
    ...renderToStaticMarkup(
      h(NextIntlClientProvider, {
        locale: 'en',
        messages: CATALOGUES.en,
        timeZone: 'UTC',
        children: h(Timeline, { events, audience: 'customer' }),
      }),
    ).matchAll(/<li>(.*?)<\/li>/g),
  ].map((m) => text(m[1]!).trim());

describe.each(dialects())('the block page’s first view, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('dates a suspect its own read found in the timeline when the read saw it', async () => {
    const b = await blocked({ placedAt: at('08:00'), createdAt: at('08:00') });
    const read = await b.view();
    expect(read.events.map((e) => e.type)).toEqual(['placed', 'notice_sent']);
    const live = withLiveRead(read, readWith(b.office), at('08:20'));
    expect(live.credentials.find((c) => c.id === b.office.id)?.suspected).toEqual({
      reason: 'trigger_ip',
      sourceIp: CALLS_FROM,
    });
    expect(entries(live.events)).toEqual([
      'Block placed by fraud monitoring Dec 7, 2026, 8:00 AM GMT+0',
      'We emailed the block notice Dec 7, 2026, 8:01 AM GMT+0',
      `Another SIP password at risk Dec 7, 2026, 8:20 AM GMT+0 · Back office (${b.office.username}) was seen registered from ${CALLS_FROM}, the address of the fraud calls: its password must be changed too before international calls come back.`,
    ]);
    // Once recorded, the next view reads it (at its firstSeenAt) and the live read adds nothing more.
    await b.db.blockSuspectCredential.create({
      data: {
        blockId: b.block.id,
        credentialId: b.office.id,
        reason: 'trigger_ip',
        sourceIp: CALLS_FROM,
        firstSeenAt: at('08:19'),
      },
    });
    const next = await b.view();
    const again = withLiveRead(next, readWith(b.office), at('08:30'));
    expect(again).toBe(next);
    expect(again.events.filter((e) => e.type === 'suspect_found').map((e) => e.at)).toEqual([at('08:19')]);
  });

  // B9 (2026-12): with the registrar read taking 4 s, the first view said "Change the SIP password of
  // Front desk now. International calling comes back automatically once it is changed." until the
  // read named Back office too; without JavaScript the streamed view never replaces that first one.
  it('promises nothing while its switch read is out, then asks for every password the read found', async () => {
    const b = await blocked({ placedAt: at('08:00'), createdAt: at('08:00') });
    const read = await b.view();
    const words = (
      view: BlockView,
      checking: boolean | 'unread',
      needsPerson = false,
      locale: 'en' | 'es' = 'en',
    ) => {
      const check = checking === 'unread' ? 'unread' : checking ? 'running' : undefined;
      return text(render(h(ExplanationText, { block: view, needsPerson, check }), locale)).trim();
    };
    const desk = `Front desk (${b.desk.username})`;
    const office = `Back office (${b.office.username})`;
    const { checking, checkingNoScript } = CATALOGUES.en.block.explain;

    const first = words(read, true);
    expect(first).toContain(`Change the SIP password of ${desk} now. ${checking} ${checkingNoScript}`);
    expect(first).not.toMatch(/comes back|reviews the account/);
    // A reason that needs a person: no promise of support's lift either, until the read is in.
    expect(words(read, true, true)).not.toMatch(/comes back|reviews the account/);
    expect(words(read, false, true)).toContain('our support team reviews the account and lifts the block');
    // The no-script sentence is shown only where no script runs (CSS `scripting: none`).
    expect(render(h(ExplanationText, { block: read, needsPerson: false, check: 'running' }))).toContain(
      `<span class="hidden noscript:inline"> ${checkingNoScript}</span>`,
    );

    // The read found nothing more: the stored view's promise, with no word of a check.
    expect(words(read, false)).toContain(
      `Change the SIP password of ${desk} now. International calling comes back automatically once it is changed.`,
    );
    expect(words(read, false)).not.toContain(checking);
    // The read found Back office: both asked for, and the promise covers both.
    const live = withLiveRead(read, readWith(b.office), at('08:20'));
    expect(words(live, false)).toContain(
      `Change the SIP passwords of ${desk} and ${office} now. International calling comes back automatically once all of them are changed.`,
    );

    // In Spanish too, as a reader who is spoken to as usted reads it.
    const es = words(read, true, false, 'es');
    // (The username's span closes before the period: the markup's text reads "…) .".)
    expect(es).toContain(`Cambie ahora la contraseña SIP de ${desk}`);
    expect(es).toContain(CATALOGUES.es.block.explain.checking);
    expect(es).toContain('nuestra central');
    expect(es).not.toMatch(/se restablecen|revisa la cuenta/);

    // Tester R (2026-12-08): the read came back without a credential's devices (the switch failed,
    // or asked Tollgate to pause): the page promised "comes back automatically", the customer did as
    // asked, and the lift was stopped for a credential registered from the calls' address that the
    // page had not named. An unread credential is as unknown as a read still out.
    const { checkUnread } = CATALOGUES.en.block.explain;
    const unread = words(read, 'unread');
    expect(unread).toContain(`Change the SIP password of ${desk} now. ${checkUnread}`);
    expect(unread).not.toMatch(/comes back automatically|reviews the account/);
    expect(unread).not.toContain(checking);
    expect(words(read, 'unread', false, 'es')).toContain(CATALOGUES.es.block.explain.checkUnread);
    // A block whose lift waits for support: support's lift reads no devices (only the rotation
    // policy's does, readBeforePolicyLift), so the sentence says support reviews them first and
    // never that they are "checked again before international calling comes back".
    const { checkUnreadSupport } = CATALOGUES.en.block.explain;
    const held = words(read, 'unread', true);
    expect(held).toContain(`Change the SIP password of ${desk} now. ${checkUnreadSupport}`);
    expect(held).not.toContain(checkUnread);
    expect(held).not.toMatch(/comes back automatically|lifts the block\./);
    expect(words(read, 'unread', true, 'es')).toContain(CATALOGUES.es.block.explain.checkUnreadSupport);
    expect(checkUnreadSentence('rotate')).toBe('checkUnread');
    expect(checkUnreadSentence('rotatedOtherOpen')).toBe('checkUnread');
    for (const support of [
      'rotateReview',
      'rotatedReview',
      'rotateOnly',
      'rotatedTrunk',
      'rotatedStillBlocked',
    ] as const) {
      expect(checkUnreadSentence(support)).toBe('checkUnreadSupport');
    }
    const cred = { notRead: null };
    expect(explanationCheck(null)).toBe('running');
    expect(explanationCheck({ credentials: [cred, cred] })).toBeUndefined();
    expect(explanationCheck({ credentials: [cred, { notRead: { reason: 'failed' } }] })).toBe('unread');
    expect(explanationCheck({ credentials: [{ notRead: { reason: 'paused', until: at('08:30') } }] })).toBe(
      'unread',
    );
  });

  it('never shows a block placed ahead of the portal’s clock, and orders the timeline by it', async () => {
    // The switch node's clock ran 4 minutes fast: placed "08:04", recorded by the portal at 08:00.
    const b = await blocked({ placedAt: at('08:04'), createdAt: at('08:00') });
    const read = await b.view();
    expect(read.placedAt).toEqual(at('08:04')); // the domain's own time is kept
    expect(entries(read.events)).toEqual([
      'Block placed by fraud monitoring Dec 7, 2026, 8:00 AM GMT+0',
      'We emailed the block notice Dec 7, 2026, 8:01 AM GMT+0',
    ]);
    const html = renderToStaticMarkup(
      h(NextIntlClientProvider, {
        locale: 'en',
        messages: CATALOGUES.en,
        timeZone: 'UTC',
        children: h(BlockStatusLines, { block: read, otherHref: '#', allowancesMayPass: false }),
      }),
    );
    expect(text(html)).toContain('8:00');
    expect(text(html)).not.toContain('8:04');
  });
});

describe('the block page', () => {
  // A first view once said "Change the SIP password of Front desk now… comes back once it is
  // changed" beside a credential list asking for Back office too: each had a Suspense boundary of its
  // own over the one switch read, and React reveals boundaries one by one (a late or large one stays
  // hidden behind its fallback, the block as read, until its script runs). What asks the customer to
  // act must be one boundary.
  it('renders the explanation and the credential list in one boundary over the live read', () => {
    const file = ts.createSourceFile(
      'page.tsx',
      readFileSync('app/blocks/[id]/page.tsx', 'utf8'),
      ts.ScriptTarget.Latest,
      true,
      ts.ScriptKind.TSX,
    );
    // Each <WithLiveSuspects … /> of the page, as written (its render prop included).
    const boundaries: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isJsxSelfClosingElement(node) && node.tagName.getText(file) === 'WithLiveSuspects')
        boundaries.push(node.getText(file));
      ts.forEachChild(node, visit);
    };
    visit(file);
    const withBoth = boundaries.filter((b) => b.includes('<Explanation') && b.includes('<CredentialList'));
    expect(withBoth).toHaveLength(1);
    expect(boundaries.filter((b) => b.includes('<Explanation'))).toHaveLength(1);
    expect(boundaries.filter((b) => b.includes('<CredentialList'))).toHaveLength(1);
    // And the timeline takes the same live view.
    expect(boundaries.some((b) => b.includes('<Timeline'))).toBe(true);
    // B9: the summary of suspicious devices, rendered right before the explanation, said "Change Back
    // office" from a boundary of its own while the explanation named Front desk only. It is in the
    // explanation's boundary now, and the page has no other.
    expect(withBoth[0]).toMatch(/<SuspiciousList[\s\S]*<Explanation/);
    expect(file.getText()).not.toMatch(/<SuspiciousDevices\b/);
    // The fallback (no read yet) tells the explanation that the check is still running, and a read
    // that left a credential unread that it could not be made (explanationCheck).
    expect(withBoth[0]).toMatch(
      /render=\{\(b, (\w+)\) =>[\s\S]*<ExplanationText\s+block=\{b\}\s+needsPerson=\{needsPerson\}\s+check=\{explanationCheck\(\1\?\.devices \?\? null\)\}\s*\/>/,
    );
    // A read in time renders in place, outside any boundary: inside one (with no fallback), React's
    // HTML renderer sent the part after the first bytes, hidden until a script revealed it, so without
    // JavaScript the page never showed its explanation, calls and passwords (Tester P, 2026-12-08).
    expect(file.getText()).toMatch(/if \(read\) return render\(read\.block, \{ devices: read\.devices \}\);/);
    expect(file.getText()).not.toMatch(/<Suspense fallback=\{null\}>/);
    // The open page's own refresh waits longer for its read than a page load (liveReadWaitMs), so a
    // slow read does not mount a new boundary whose fallback shows at once (Tester R).
    expect(file.getText()).toMatch(/liveReadWaitMs\(\(await headers\(\)\)\.get\('sec-fetch-dest'\)\)/);
    // Every boundary and the device list take the read that came in time (lib/blocks/live-read.ts),
    // so a view whose read is in renders each part once, in place, with no fallback beside it.
    for (const b of boundaries) expect(b).toMatch(/\bread=\{read\}/);
    expect(file.getText()).toMatch(/<RegisteredDevices load=\{read \? read\.devices : devices\} \/>/);
    expect(file.getText()).toMatch(/liveReadWithin\(live, devices, waitMs\)/);
  });

  it('while the read is out, no password step says what comes next', () => {
    expect(whileChecking('rotate')).toBe('rotateOnly');
    expect(whileChecking('rotateReview')).toBe('rotateOnly');
    expect(whileChecking('rotatedReview')).toBe('rotatedTrunk');
    expect(whileChecking('rotatedOtherOpen')).toBe('rotatedTrunk');
    for (const kept of ['rotateOnly', 'rotatedTrunk', 'rotatedStillBlocked', null] as const)
      expect(whileChecking(kept)).toBe(kept);
  });
});
