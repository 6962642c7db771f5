import crypto from 'node:crypto';
import { createElement as h } from 'react';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { followsLift, liftNews } from '@/components/sip/lift-news';
import { LiftStatus } from '@/components/sip/lift-status';
import { blockPageData, blockPageDataFor } from '@/lib/blocks/page-version';
import { getBlockForUser } from '@/lib/blocks/queries';
import { resetSipPassword } from '@/lib/credentials/reset';
import { CATALOGUES } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { versionOf } from '@/lib/server/version';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { endSwitchQuiet } from '@/lib/switch/quiet';
import { formatWhen } from '@/lib/time/format';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeBlock } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';
import { makeAccountBlockedOnSim, type Reg, simClient, strongPassword } from '@/tests/helpers/registrar';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// Tester P (2026-12-08) reset the last compromised SIP password on /credentials/<id>/reset?block=…:
// the answer said the block page would say "which, or that calling is back", the switch lifted the
// block seconds later, and the reset page never said so. It now follows that lift as the block page
// follows its block (the block page's `/api/version/blocks/{id}` fingerprint, components/auto-refresh.tsx)
// and says, in a status region under the form, that the lift is on its way, that international
// calling is back once the switch confirmed it, or why not. The page's new part, rendered as the page
// renders it, from the block as getBlockForUser reads it, against the real simulator, on each database.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const ATTACKER = '185.220.101.47';
const OFFICE_PHONE: Reg = { sourceIp: '198.51.100.20', userAgent: 'Yealink SIP-T46U' };
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const run = () => processSwitchOutbox({ client: simClient(sim, 500) });

/** An account with desk and fax, blocked on the switch and in the portal for calls through desk. */
async function blocked(regs: Partial<Record<'desk' | 'fax', Reg[]>>) {
  const n = crypto.randomInt(10 ** 9, 10 ** 10);
  const { account, users, cred } = await makeAccountBlockedOnSim(
    sim,
    { desk: `desk-${n}`, fax: `fax-${n}` },
    regs,
  );
  const block = await makeBlock(account.id, {
    placedAt: new Date(Date.now() - 60_000),
    calls: [{ sipUsername: cred.desk.username, sourceIp: ATTACKER }],
  });
  const member = users[0]!;
  const reset = (name: 'desk' | 'fax') =>
    resetSipPassword(asCustomer(member), cred[name].id, strongPassword(), meta);
  /** The reset page's new part for this block, as the page renders it: what it says, and its watch. */
  const page = async (locale: 'en' | 'es') => {
    const view = (await getBlockForUser(member.id, block.id))!;
    const news = liftNews(view);
    const html = render(h(LiftStatus, { news, blockHref: `/blocks/${block.id}` }), locale);
    return {
      news,
      html,
      said: text(html).trim(),
      watches: followsLift(news),
      version: versionOf(await blockPageData(member.id, view)),
    };
  };
  return { account, member, cred, block, reset, page };
}

/** `at` as the page shows it in `locale` (UTC in tests): ZONED, its spaces as the page's text has them. */
const shownAt = (at: Date, locale: 'en' | 'es') => formatWhen(at, 'UTC', { locale }).replace(/\s+/g, ' ');

describe.each(dialects())('the reset page follows its block’s lift, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  beforeEach(async () => {
    await sim.control('DELETE', '/_sim/faults');
    endSwitchQuiet();
  });

  it.each(['en', 'es'] as const)(
    'the last password changed: the lift on its way, followed, then calling back once confirmed (%s)',
    async (locale) => {
      const b = await blocked({ desk: [OFFICE_PHONE] });
      const cat = CATALOGUES[locale].reset.lift;
      // Before any change: nothing to say, and nothing followed; the region is there, empty.
      const before = await b.page(locale);
      expect(before.news).toEqual({ is: 'none' });
      expect(before.said).toBe('');
      expect(before.html).toContain('role="status"');
      expect(before.watches).toBe(false);

      expect(await b.reset('desk')).toMatchObject({ ok: true, data: { liftQueued: true } });
      const pending = await b.page(locale);
      expect(pending.news).toEqual({ is: 'onItsWay' });
      // Said, with a reload to ask for where no script runs (hidden by CSS elsewhere).
      expect(pending.said).toBe(`${cat.onItsWay} ${cat.noScript}`);
      // Followed with the block page's own fingerprint: the route answers the same until it changes.
      expect(pending.watches).toBe(true);
      expect(versionOf(await blockPageDataFor(b.member.id, b.block.id))).toBe(pending.version);
      expect(pending.said).not.toContain(locale === 'en' ? 'is back' : 'vuelven a funcionar');

      // The outbox reads the devices, sends the lift, and the switch confirms it.
      expect(await run()).toBe(1);
      const lifted = await getDb().block.findUniqueOrThrow({ where: { id: b.block.id } });
      expect(lifted).toMatchObject({ status: 'lifted' });
      const after = await b.page(locale);
      // The watched fingerprint changed: the open page renders again, and says it.
      expect(versionOf(await blockPageDataFor(b.member.id, b.block.id))).not.toBe(pending.version);
      expect(after.version).not.toBe(pending.version);
      expect(after.news).toEqual({ is: 'back', at: lifted.liftedAt, count: 0 });
      expect(after.said).toBe(cat.back.replace('{at}', shownAt(lifted.liftedAt!, locale)));
      expect(after.said).toContain(
        locale === 'en'
          ? 'International calling is back on this account ('
          : 'Las llamadas internacionales vuelven a funcionar en esta cuenta desde el ',
      );
      expect(after.watches).toBe(false);
    },
  );

  it('the devices check found fax registered from the calls’ address: the page says so and links the block page', async () => {
    const b = await blocked({
      desk: [OFFICE_PHONE],
      fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }],
    });
    expect(await b.reset('desk')).toMatchObject({ ok: true, data: { liftQueued: true } });
    expect((await b.page('en')).news).toEqual({ is: 'onItsWay' });
    expect(await run()).toBe(0);
    const held = await b.page('en');
    expect(held.news).toMatchObject({ is: 'withheld', how: 'trigger_ip' });
    expect(held.said).toContain(
      `our phone system found that ${b.cred.fax.username} was registered from the address of the fraud calls`,
    );
    expect(held.said).not.toContain('is back');
    expect(held.html).toContain(`href="/blocks/${b.block.id}"`);
    expect(held.watches).toBe(false);
    // Spanish, usted, "nuestra central".
    const es = await b.page('es');
    expect(es.said).toContain('nuestra central detectó que');
    expect(es.said).toContain('Cambie también su contraseña');
  });

  it('the switch refused the lift: still blocked, with the block page', async () => {
    const b = await blocked({ desk: [OFFICE_PHONE] });
    expect(await b.reset('desk')).toMatchObject({ ok: true, data: { liftQueued: true } });
    await sim.control('PUT', `/_sim/faults/${b.account.number}`, {
      failNext: 1,
      failStatus: 422,
      method: 'PUT',
      pathContains: '/international-calling',
    });
    await run();
    expect((await getDb().block.findUniqueOrThrow({ where: { id: b.block.id } })).status).toBe('active');
    const refused = await b.page('en');
    expect(refused.news).toEqual({ is: 'refused' });
    expect(refused.said).toBe(`${CATALOGUES.en.reset.lift.refused} ${CATALOGUES.en.reset.lift.blockPage}`);
    expect(refused.html).toContain(`href="/blocks/${b.block.id}"`);
  });
});
