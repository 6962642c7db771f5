import { createElement as h, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SwitchWaiting } from '@/components/staff/switch-waiting';
import type { CurrentUser } from '@/lib/auth/session';
import { intlTag } from '@/lib/i18n/locales';
import { CATALOGUES } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { SWITCH_WAITING_AFTER_MS, switchChangesWaiting } from '@/lib/staff/switch-waiting';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { endSwitchQuiet, MAX_QUIET_MS, noteSwitchAnswer } from '@/lib/switch/quiet';
import { formatWhen } from '@/lib/time/format';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { decideLift, makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// A fraud wave's support desk (tester's report, 2026-12-07): one account's change answered 429 with
// Retry-After: 600, and the switch outbox sent nothing for 5 minutes (lib/switch/quiet.ts). "Still
// being sent to the switch" meanwhile printed each change's stored next attempt, a time already past
// ("not sent yet — Next try 10:15 PM" at 22:17), said nothing of the pause, and the 429 read "the
// switch was unavailable". Real parts: the switch simulator (its fault answers 429 with Retry-After),
// the outbox, the desk's query and its list as the page renders it, both databases.

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 500, retries: 0, log: () => {} });
const ZONE = 'America/Mexico_City';

/** A blocked account in both Tollgate and the simulator, with a lift decided (queued) in Tollgate. */
async function blockedWithLiftQueued() {
  const { account } = await makeAccount();
  await sim.control('PUT', `/_sim/accounts/${account.number}`, {
    internationalCalling: 'blocked',
    reason: 'high_risk_destination',
    blockedAt: new Date().toISOString(),
    credentials: [],
  });
  const block = await makeBlock(account.id);
  await decideLift([block]);
  return { account, block };
}
const opOf = (blockId: string) => getDb().switchOperation.findFirstOrThrow({ where: { blockId } });
/** Queued long enough ago for the desk's list (more than SWITCH_WAITING_AFTER_MS). */
const queuedMinutesAgo = (ids: string[]) =>
  getDb().switchOperation.updateMany({
    where: { id: { in: ids } },
    data: { createdAt: new Date(Date.now() - SWITCH_WAITING_AFTER_MS - 60_000) },
  });

/** The staff home's section as `user` reads it in `locale`, as text; null when it shows nothing. */
async function shown(user: CurrentUser, locale: 'en' | 'es'): Promise<string | null> {
  const node = (await SwitchWaiting({ user: { ...user, timeZone: ZONE } })) as ReactElement | null;
  if (node === null) return null;
  return renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: ZONE, children: node }),
  )
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/&#x27;/g, "'");
}
const at = (d: Date, locale: 'en' | 'es') => formatWhen(d, ZONE, { locale: intlTag(locale), seconds: true });

describe.each(dialects())('the desk sees a pause the switch asked for, on %s', (dialect) => {
  let agent: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
    agent = await makeStaff();
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(async () => {
    // Each case starts with no quiet, no faults, and no change of an earlier case still waiting.
    endSwitchQuiet();
    await sim.control('DELETE', '/_sim/faults');
    await getDb().switchOperation.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
  });
  afterEach(() => {
    endSwitchQuiet();
  });

  it('while the switch asked for a pause: one line says until when, and no next try is already past', async () => {
    // One account's PUT answered 429 with Retry-After: 600; another's change, approved after it, is
    // not sent at all meanwhile.
    const slow = await blockedWithLiftQueued();
    await sim.control('PUT', `/_sim/faults/${slow.account.number}`, {
      failNext: 1000,
      failStatus: 429,
      retryAfter: '600',
      method: 'PUT',
    });
    const asked = Date.now();
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    const other = await blockedWithLiftQueued();
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    const [slowOp, otherOp] = [await opOf(slow.block.id), await opOf(other.block.id)];
    expect(slowOp.lastError).toBe(
      'asked_to_wait: 600 s; simulated_failure: HTTP 429 simulated_failure: injected fault: the switch failed before applying anything',
    );
    expect({ attempts: otherOp.attempts, due: otherOp.nextAttemptAt.getTime() <= Date.now() }).toEqual({
      attempts: 0,
      due: true,
    });
    await queuedMinutesAgo([slowOp.id, otherOp.id]);

    const waiting = await switchChangesWaiting(agent);
    const now = Date.now();
    // Until when: the pause's end (at most 5 minutes, lib/switch/quiet.ts), to the whole second.
    const quiet = waiting.quietUntil!.getTime();
    expect(quiet).toBeGreaterThanOrEqual(asked + MAX_QUIET_MS - 1000);
    expect(quiet).toBeLessThanOrEqual(now + MAX_QUIET_MS + 1000);
    expect(quiet % 1000).toBe(0);
    const byId = new Map(waiting.items.map((i) => [i.id, i]));
    // The one answered 429 goes at its own Retry-After, 10 minutes, later than the pause's end.
    expect(byId.get(slowOp.id)!.nextTry).toEqual({
      at: new Date(Math.ceil(slowOp.nextAttemptAt.getTime() / 1000) * 1000),
      afterPause: false,
    });
    expect(slowOp.nextAttemptAt.getTime()).toBeGreaterThan(quiet);
    // The one not sent yet, due since it was queued: when the pause ends, not its stored time.
    expect(byId.get(otherOp.id)!.nextTry).toEqual({ at: waiting.quietUntil, afterPause: true });
    for (const i of waiting.items) expect(i.nextTry!.at.getTime()).toBeGreaterThan(now);

    const en = (await shown(agent, 'en'))!;
    expect(en).toContain(
      `The switch asked Tollgate to pause its calls to it until ${at(waiting.quietUntil!, 'en')}. Nothing is sent to the switch meanwhile; every change waiting for it goes out after that by itself.`,
    );
    expect(en).toContain(
      `Next try ${at(waiting.quietUntil!, 'en')}, once the pause the switch asked for ends`,
    );
    expect(en).toContain(
      'Last try: the switch asked Tollgate to wait 10 minutes before calling it again (it answered “simulated_failure”): injected fault',
    );
    expect(en).not.toContain('the switch was unavailable');
    expect(en).not.toContain(at(otherOp.nextAttemptAt, 'en'));
    const es = (await shown(agent, 'es'))!;
    expect(es).toContain(
      `El switch pidió a Tollgate que pausara sus llamadas al switch hasta el ${at(waiting.quietUntil!, 'es')}.`,
    );
    expect(es).toContain(
      `Próximo intento: ${at(waiting.quietUntil!, 'es')}, cuando termine la pausa que pidió el switch`,
    );
    expect(es).toContain('el switch pidió a Tollgate que esperara 10 minutos antes de volver a llamarlo');

    // The pause over: no line, and the change not sent yet is due now, in words, not a past time.
    endSwitchQuiet();
    const after = await switchChangesWaiting(agent);
    expect(after.quietUntil).toBeNull();
    expect(after.items.find((i) => i.id === otherOp.id)!.nextTry).toBeNull();
    const enAfter = (await shown(agent, 'en'))!;
    expect(enAfter).not.toContain('pause');
    expect(enAfter).toContain('Next try: due now');
    expect((await shown(agent, 'es'))!).toContain('Próximo intento: ahora mismo, ya le toca');
  });

  it('the pause is said even before any change has waited long enough to be listed, and not when none waits', async () => {
    // A pause and nothing waiting for the switch: nothing for the desk.
    noteSwitchAnswer(429, 30_000);
    expect(await switchChangesWaiting(agent)).toEqual({ items: [], more: false, quietUntil: null });
    expect(await shown(agent, 'en')).toBeNull();
    // A lift approved a moment ago waits for the pause too: the line, and why the list is empty.
    const { block } = await blockedWithLiftQueued();
    const waiting = await switchChangesWaiting(agent);
    expect(waiting.items).toEqual([]);
    expect(waiting.quietUntil).toEqual(expect.any(Date));
    const en = (await shown(agent, 'en'))!;
    expect(en).toContain('Still being sent to the switch');
    expect(en).toContain(`pause its calls to it until ${at(waiting.quietUntil!, 'en')}.`);
    expect(en).toContain('Changes are waiting for the switch, none yet for more than 2 minutes');
    expect((await shown(agent, 'es'))!).toContain(
      'Hay cambios esperando al switch, ninguno aún desde hace más de 2 minutos',
    );
    // No pause and nothing waiting long: nothing shown, as before.
    endSwitchQuiet();
    expect(await shown(agent, 'en')).toBeNull();
    expect((await opOf(block.id)).status).toBe('pending');
  });
});
