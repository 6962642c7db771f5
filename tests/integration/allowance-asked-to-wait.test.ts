import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { grantAllowance } from '@/lib/allowances/decide';
import { ALLOWANCE_GIVE_UP_MS } from '@/lib/allowances/operations';
import { storedText } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { endSwitchQuiet } from '@/lib/switch/quiet';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeBlockedOnSwitch, makeStaff } from '@/tests/helpers/factory';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// The allowance outbox stored a switch failure its own way (`<code>: <message>`) where the rest of
// the outbox stores it with storedSwitchError (lib/switch/error-text.ts): a grant or an end the switch
// kept answering 429 with Retry-After: 600 was given up, or listed for staff, with a last error that
// read "asked to wait" and not for how long, and the gave-up notes showed it in English to Spanish
// readers (lib/i18n/stored.ts SWITCH_ERROR_NOTES lacked them). Real parts: the switch simulator (its
// fault answers 429 with Retry-After), the outbox, both databases.

let sim: TestSim;
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
/** One pass of the outbox; the pause a 429 asks this instance for is ended after it (lib/switch/quiet.ts). */
async function outbox() {
  const n = await processSwitchOutbox({ client: client() });
  endSwitchQuiet();
  return n;
}
/** The switch answers every allowance call for account `n` with 429 and Retry-After: 600. */
const askedToWait = (n: string) =>
  sim.control('PUT', `/_sim/faults/${n}`, {
    failNext: 1000,
    failStatus: 429,
    retryAfter: '600',
    pathContains: 'destination-allowances',
  });
/** The account's allowance operations still pending, queued past the give-up horizon and due now. */
const pastHorizon = (accountNumber: string) =>
  getDb().switchOperation.updateMany({
    where: { accountNumber, kind: { in: ['allowance_put', 'allowance_delete'] }, status: 'pending' },
    data: { createdAt: new Date(Date.now() - ALLOWANCE_GIVE_UP_MS - 60_000), nextAttemptAt: new Date(0) },
  });
const opOf = (accountNumber: string, kind: 'allowance_put' | 'allowance_delete') =>
  getDb().switchOperation.findFirstOrThrow({ where: { accountNumber, kind } });
/** The account's only out-of-sync entry's note, as a reader of `locale` reads it. */
async function issueNote(accountId: string, locale: 'en' | 'es') {
  const [issue, ...more] = await getDb().syncIssue.findMany({ where: { accountId } });
  expect(more).toEqual([]);
  expect(issue).toMatchObject({ action: 'allowance_gave_up', switchState: 'unknown' });
  return storedText(translate(locale), issue!.detail)!;
}
const STORED =
  'asked_to_wait: 600 s; simulated_failure: HTTP 429 simulated_failure: injected fault: the switch failed before applying anything';
// Inside a sentence that names the switch: said once (B1, 2026-12-08, SaidIn `named`).
const EN = 'it asked Tollgate to wait 10 minutes before calling it again (answer “simulated_failure”)';
const ES =
  'pidió a Tollgate que esperara 10 minutos antes de volver a llamarlo (respondió «simulated_failure»)';

describe.each(dialects())('an allowance operation the switch asked to wait, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(async () => {
    // Each case starts with no faults and no change of an earlier case still waiting: a 429 quiets
    // the outbox, and an earlier case's DELETE answered 429 would quiet it before this case's send.
    await sim.control('DELETE', '/_sim/faults');
    await getDb().switchOperation.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
  });
  afterEach(() => {
    endSwitchQuiet();
  });

  /** A blocked account with support's two-hour allowance for Somalia queued for the switch. */
  async function granted() {
    const made = await makeBlockedOnSwitch(sim);
    expect(
      await grantAllowance(
        await makeStaff(),
        { accountNumber: made.account.number, country: 'SO', hours: 2, reason: 'Supplier call.' },
        meta,
      ),
    ).toMatchObject({ ok: true });
    return made;
  }

  it('a grant given up after 429s stores how long the switch asked to wait, and staff read it in their language', async () => {
    const { account } = await granted();
    await askedToWait(account.number);
    await pastHorizon(account.number);
    expect(await outbox()).toBe(0);
    const put = await opOf(account.number, 'allowance_put');
    expect(put).toMatchObject({ status: 'failed', lastError: STORED });
    const allowance = await getDb().destinationAllowance.findFirstOrThrow({
      where: { accountId: account.id },
    });
    expect(allowance).toMatchObject({ status: 'refused', endReason: 'gave_up' });
    const audit = await getDb().auditLog.findFirstOrThrow({
      where: { targetId: allowance.id, action: 'allowance.refused' },
    });
    expect(JSON.parse(audit.detail!)).toMatchObject({ cause: 'gave_up', error: STORED.slice(0, 200) });

    const en = await issueNote(account.id, 'en');
    expect(en).toContain(`(last: ${EN})`);
    const es = await issueNote(account.id, 'es');
    expect(es).toContain(`(último error: ${ES})`);
    // Neither reader gets Tollgate's English diagnostic.
    for (const words of [en, es]) expect(words).not.toMatch(/asked_to_wait|injected fault|HTTP 429/);
  });

  it('an end overdue after 429s is listed for staff with the wait the switch asked for', async () => {
    const { account } = await granted();
    expect(await outbox()).toBe(1); // in force on the switch
    await askedToWait(account.number);
    // Fraud again: the new block ends the allowance, and the switch answers its DELETE 429.
    expect(await deliver(placedEvent(account.number))).toMatchObject({ status: 200 });
    await pastHorizon(account.number);
    expect(await outbox()).toBe(0);
    const del = await opOf(account.number, 'allowance_delete');
    // Never given up: sent again after the wait the switch asked for.
    expect(del).toMatchObject({ status: 'pending', lastError: STORED });
    expect(del.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 590_000);

    expect(await issueNote(account.id, 'en')).toContain(`(last: ${EN})`);
    const es = await issueNote(account.id, 'es');
    expect(es).toContain(`(último error: ${ES})`);
    expect(es).not.toMatch(/asked_to_wait|injected fault|HTTP 429/);
  });
});
