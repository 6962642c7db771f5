import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardView } from '@/lib/accounts/dashboard';
import type { DashboardParams } from '@/lib/accounts/dashboard-params';
import { getAccountForUser, listAccountsForUser } from '@/lib/accounts/queries';
import { liftBlockByStaff, placeManualBlock } from '@/lib/blocks/manual';
import { getDb } from '@/lib/server/db';
import { versionOf } from '@/lib/server/version';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeStaff } from '@/tests/helpers/factory';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Support's manual block (or lift) on its way to a switch that answers after the portal's time limit:
// the switch may already hold it, so the member's dashboard and account page never say "allowed" as
// a settled fact meanwhile (lib/accounts/queries.ts `blockOnItsWay`), and the dashboard's fingerprint
// (/api/version/dashboard) changes when the wait starts and ends, so an open tab follows it.

let sim: TestSim;
/** The portal's switch client with a 300 ms limit: an answer later than that is a timeout. */
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 300, retries: 0, log: () => {} });
const calling = async (n: string) =>
  (await sim.control('GET', `/_sim/accounts/${n}`)).body.internationalCalling as string;
/** The switch applies this account's changes at once but answers them 800 ms later (its reads pass). */
const answerLate = (n: string) =>
  sim.control('PUT', `/_sim/faults/${n}`, { applyLateMs: 800, method: 'PUT' });
const answerInTime = async (n: string) => {
  // The late answers still on the wire end first (the client stopped waiting for them).
  await new Promise((r) => setTimeout(r, 900));
  await sim.control('DELETE', `/_sim/faults/${n}`);
};
/** Makes a failed attempt's backoff due now (tests do not wait for it). */
const dueNow = () =>
  getDb().switchOperation.updateMany({ where: { status: 'pending' }, data: { nextAttemptAt: new Date(0) } });
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const VIEW: DashboardParams = { show: 'all', q: '', page: 1 };

/** A member's account, allowed on the simulated switch, and a second account of theirs with nothing going on. */
async function memberWithAccount() {
  const {
    account,
    users: [member],
  } = await makeAccount();
  await sim.control('PUT', `/_sim/accounts/${account.number}`, {
    internationalCalling: 'allowed',
    credentials: [],
  });
  const quiet = await makeAccount({ members: [], credentials: [] });
  await getDb().membership.create({ data: { userId: member!.id, accountId: quiet.account.id } });
  return { account, member: member!, quiet: quiet.account };
}

describe.each(dialects())('a manual block or lift on its way, as the member reads it, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('says the block is coming (not "allowed") while the switch answers too late, then blocked once it confirms', async () => {
    const { account, member, quiet } = await memberWithAccount();
    const agent = await makeStaff();
    const card = async () => (await getAccountForUser(member.id, account.number))!;
    const dashboard = () => dashboardView(member.id, VIEW);
    expect(await card()).toMatchObject({ activeBlock: null, blockOnItsWay: false });
    const untouched = versionOf(await dashboard());

    const placed = await placeManualBlock(
      agent,
      { accountNumber: account.number, note: 'The owner asked us to block while they audit their PBX.' },
      meta,
    );
    expect(placed.ok).toBe(true);
    await answerLate(account.number);
    expect(await processSwitchOutbox({ client: client() })).toBe(0); // timed out: not known to be applied
    expect(await calling(account.number)).toBe('blocked'); // …although the switch holds it already
    expect(
      (await getDb().switchOperation.findFirstOrThrow({ where: { accountNumber: account.number } })).status,
    ).toBe('pending');

    // The account page, the dashboard's card and the full list all say it is on its way, no block yet.
    const waiting = await card();
    expect(waiting).toMatchObject({ activeBlock: null, blockOnItsWay: true });
    const view = await dashboard();
    expect(view.accounts.find((a) => a.id === account.id)).toEqual(waiting);
    expect((await listAccountsForUser(member.id)).find((a) => a.id === account.id)).toEqual(waiting);
    // Only that account; and not counted blocked (nothing the switch confirmed).
    expect(view.accounts.find((a) => a.id === quiet.id)!.blockOnItsWay).toBe(false);
    expect(view).toMatchObject({ total: 2, blocked: 0 });
    // The fingerprint an open dashboard asks for changes as the wait starts.
    const placing = versionOf(view);
    expect(placing).not.toBe(untouched);

    // A re-send answered in time: the switch's confirmation, and the block the member reads.
    await answerInTime(account.number);
    await dueNow();
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    const blocked = await card();
    expect(blocked).toMatchObject({
      blockOnItsWay: false,
      activeBlock: { reason: 'manual', status: 'active', inForce: 1 },
    });
    const confirmed = versionOf(await dashboard());
    expect(confirmed).not.toBe(placing);

    // Support lifts it, and the switch again answers too late: still blocked, being lifted, with no
    // block "coming" (a lift's operation is no placement).
    const lifted = await liftBlockByStaff(
      agent,
      { blockId: blocked.activeBlock!.id, note: 'Audit finished; the PBX is locked down.' },
      meta,
    );
    expect(lifted.ok).toBe(true);
    await answerLate(account.number);
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    expect(await calling(account.number)).toBe('allowed');
    expect(await card()).toMatchObject({
      blockOnItsWay: false,
      activeBlock: { reason: 'manual', status: 'lift_pending' },
    });
    expect(versionOf(await dashboard())).not.toBe(confirmed);

    await answerInTime(account.number);
    await dueNow();
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    expect(await card()).toMatchObject({ activeBlock: null, blockOnItsWay: false });
  });

  it('a manual block the switch refuses ends the wait with no block', async () => {
    const { account, member } = await memberWithAccount();
    const agent = await makeStaff();
    await placeManualBlock(agent, { accountNumber: account.number, note: 'Fraud suspected by phone.' }, meta);
    expect((await getAccountForUser(member.id, account.number))!.blockOnItsWay).toBe(true);
    await sim.control('PUT', `/_sim/faults/${account.number}`, {
      failNext: 1,
      failStatus: 409,
      method: 'PUT',
    });
    await processSwitchOutbox({ client: client() });
    await sim.control('DELETE', `/_sim/faults/${account.number}`);
    expect(await calling(account.number)).toBe('allowed');
    expect(await getAccountForUser(member.id, account.number)).toMatchObject({
      activeBlock: null,
      blockOnItsWay: false,
    });
  });

  it('shows the wait on the page of a member of many accounts too (the paged read)', async () => {
    const { account, member } = await memberWithAccount();
    const db = getDb();
    for (let i = 0; i < 21; i++) {
      const more = await makeAccount({ members: [], credentials: [] });
      await db.membership.create({ data: { userId: member.id, accountId: more.account.id } });
    }
    const agent = await makeStaff();
    await placeManualBlock(agent, { accountNumber: account.number, note: 'Fraud suspected by phone.' }, meta);
    const pages = [
      await dashboardView(member.id, VIEW),
      await dashboardView(member.id, { ...VIEW, page: 2 }),
    ];
    expect(pages[0]).toMatchObject({ paged: true, total: 23, blocked: 0 });
    const cards = pages.flatMap((p) => p.accounts);
    expect(cards).toHaveLength(23);
    expect(cards.filter((a) => a.blockOnItsWay).map((a) => a.id)).toEqual([account.id]);
    const found = await dashboardView(member.id, { ...VIEW, q: account.number });
    expect(found.accounts).toEqual([await getAccountForUser(member.id, account.number)]);
    expect(found.accounts[0]!.blockOnItsWay).toBe(true);
  });
});
