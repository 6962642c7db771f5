import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { releaseAllowance, takeAllowance } from '@/lib/allowances/claim';
import { approveAllowance, denyAllowance } from '@/lib/allowances/decide';
import { allowancesForStaff, pendingAllowanceRequests } from '@/lib/allowances/queries';
import { requestAllowance, requestAllowanceSchema } from '@/lib/allowances/request';
import { CLAIM_MINUTES, takeRequest } from '@/lib/requests/claim';
import { getRequestForStaff } from '@/lib/requests/detail';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import {
  asCustomer,
  decideLift,
  makeAccount,
  makeBlock,
  makeBlockedOnSwitch,
  makeRequest,
  makeStaff,
} from '@/tests/helpers/factory';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// The soft claim on a destination-allowance request (lib/allowances/claim.ts), as on an unblock
// request (request-claims.test.ts): in a fraud wave two agents phoned the same customer about the same
// allowance request; nothing said one of them was already calling. And a lift that closes a waiting
// request (unblock or allowance) ends the claim on it: before 2026-12-06 the agent who had taken it
// stayed written on the closed request.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const MIN = 60_000;
let sim: TestSim;
const outbox = () =>
  processSwitchOutbox({
    client: createSwitchClient({
      baseUrl: sim.url,
      token: TOKEN,
      timeoutMs: 2000,
      retries: 0,
      log: () => {},
    }),
  });

/** The member asks for Somalia for 4 h from block `blockId`'s page; the allowance's id. */
async function askSomalia(member: CurrentUser, blockId: string): Promise<string> {
  const parsed = requestAllowanceSchema.parse({
    blockId,
    country: 'SO',
    hours: '4',
    reason: 'Our supplier is in Mogadishu.',
    callbackPhone: '+1 202 555 0143',
  });
  const asked = await requestAllowance(member, parsed, meta);
  expect(asked).toMatchObject({ ok: true });
  return (asked as { data: { allowanceId: string } }).data.allowanceId;
}

/** An allowance request waiting for support on a fresh blocked account, with its member. */
async function waiting() {
  const { account, users } = await makeAccount();
  // Placed an hour ago: a lift or a new block a test delivers now comes after it.
  const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 3600_000) });
  const customer = asCustomer(users[0]);
  return { account, block, customer, allowanceId: await askSomalia(customer, block.id) };
}

const take = (u: CurrentUser, requestId: string, from = '') => takeAllowance(u, { requestId, from }, meta);
const release = (u: CurrentUser, requestId: string) => releaseAllowance(u, { requestId }, meta);
const row = (id: string) => getDb().destinationAllowance.findUniqueOrThrow({ where: { id } });
const requestRow = (id: string) => getDb().unblockRequest.findUniqueOrThrow({ where: { id } });
const audits = (id: string, action: string) =>
  getDb().auditLog.findMany({ where: { targetId: id, action }, orderBy: { at: 'asc' } });
/** The allowance's claim as if `ms` had passed: its times moved back by that much. */
async function later(id: string, ms: number) {
  const r = await row(id);
  await getDb().destinationAllowance.update({
    where: { id },
    data: {
      claimedAt: r.claimedAt && new Date(r.claimedAt.getTime() - ms),
      claimedUntil: r.claimedUntil && new Date(r.claimedUntil.getTime() - ms),
    },
  });
}
/** The allowance as the staff account page shows it. */
const staffView = async (u: CurrentUser, accountId: string, id: string) =>
  (await allowancesForStaff(u, accountId)).find((a) => a.id === id);
/** The allowance as the staff home's allowance list shows it (undefined once it no longer waits). */
const listed = async (u: CurrentUser, id: string) =>
  (await pendingAllowanceRequests(u, null, { pageSize: 1000 })).items.find((i) => i.id === id);
const NO_CLAIM = { claimedById: null, claimedAt: null, claimedUntil: null };

describe.each(dialects())('taking an allowance request on %s', (dialect) => {
  let ana: CurrentUser;
  let ben: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
    [ana, ben] = [await makeStaff(), await makeStaff({ role: 'admin' })];
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('two agents pressing "Take this request" at once: one holds it, the other is told who, and may take it over', async () => {
    const { account, allowanceId } = await waiting();
    const results = await Promise.all([take(ana, allowanceId), take(ben, allowanceId)]);
    const won = results.findIndex((r) => r.ok);
    expect(won).toBeGreaterThanOrEqual(0);
    const [winner, loser] = won === 0 ? [ana, ben] : [ben, ana];
    expect(results[won]).toMatchObject({ ok: true, note: { key: 'outcome.claim.taken' } });
    expect(results[1 - won]).toEqual({
      ok: false,
      code: 'conflict',
      note: { key: 'outcome.claim.takenBy', values: { by: winner.email } },
    });
    const held = await row(allowanceId);
    expect(held.claimedById).toBe(winner.id);
    expect(held.claimedUntil!.getTime() - held.claimedAt!.getTime()).toBe(CLAIM_MINUTES * MIN);
    const [taken, ...more] = await audits(allowanceId, 'allowance.taken');
    expect(more).toEqual([]);
    expect(taken).toMatchObject({ actorId: winner.id, targetType: 'destination_allowance' });
    expect(JSON.parse(taken.detail!)).toMatchObject({ country: 'SO', hours: 4 });

    // Both see who has it, since and until when: the staff home's list and the account page.
    const claim = { by: winner.email, since: held.claimedAt, until: held.claimedUntil };
    expect((await listed(loser, allowanceId))?.claim).toMatchObject({ ...claim, mine: false });
    expect((await listed(winner, allowanceId))?.claim).toMatchObject({ ...claim, mine: true });
    expect((await staffView(loser, account.id, allowanceId))?.claim).toEqual({
      ...claim,
      byId: winner.id,
      mine: false,
    });

    // The loser takes it over, naming whose it was: audited with the holder and their claim.
    expect(await take(loser, allowanceId, winner.id)).toMatchObject({
      ok: true,
      note: { key: 'outcome.claim.takenOver' },
    });
    expect((await row(allowanceId)).claimedById).toBe(loser.id);
    const [over] = await audits(allowanceId, 'allowance.taken_over');
    expect(over.actorId).toBe(loser.id);
    expect(JSON.parse(over.detail!)).toMatchObject({
      country: 'SO',
      from: winner.email,
      heldSince: held.claimedAt!.toISOString(),
      heldUntil: held.claimedUntil!.toISOString(),
    });
  });

  it('a take-over needs the holder the page showed: one who took it meanwhile is named, not replaced', async () => {
    const { allowanceId } = await waiting();
    expect((await take(ana, allowanceId)).ok).toBe(true);
    expect(await take(ben, allowanceId)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.takenBy', values: { by: ana.email } },
    });
    const cy = await makeStaff();
    expect((await take(cy, allowanceId, ana.id)).ok).toBe(true);
    expect(await take(ben, allowanceId, ana.id)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.takenBy', values: { by: cy.email } },
    });
    expect((await row(allowanceId)).claimedById).toBe(cy.id);
    expect(await audits(allowanceId, 'allowance.taken_over')).toHaveLength(1);
  });

  it(`lapses after ${CLAIM_MINUTES} minutes: the request is free again, for anyone`, async () => {
    const { account, allowanceId } = await waiting();
    expect((await take(ana, allowanceId)).ok).toBe(true);
    await later(allowanceId, (CLAIM_MINUTES - 1) * MIN);
    expect((await staffView(ben, account.id, allowanceId))?.claim?.by).toBe(ana.email);
    await later(allowanceId, 2 * MIN);
    expect((await staffView(ben, account.id, allowanceId))?.claim).toBeNull();
    expect((await listed(ben, allowanceId))?.claim).toBeNull();
    expect(await take(ben, allowanceId)).toMatchObject({ ok: true, note: { key: 'outcome.claim.taken' } });
    expect(await audits(allowanceId, 'allowance.taken_over')).toEqual([]);
  });

  it('the holder keeps it longer (same start, a new end) or releases it; nobody else can release it', async () => {
    const { allowanceId } = await waiting();
    expect((await take(ana, allowanceId)).ok).toBe(true);
    const first = await row(allowanceId);
    await later(allowanceId, 15 * MIN);
    expect(await take(ana, allowanceId)).toMatchObject({ ok: true, note: { key: 'outcome.claim.renewed' } });
    const kept = await row(allowanceId);
    expect(kept.claimedAt!.getTime()).toBe(first.claimedAt!.getTime() - 15 * MIN);
    expect(kept.claimedUntil!.getTime()).toBeGreaterThan(first.claimedUntil!.getTime());
    const [, renewed] = await audits(allowanceId, 'allowance.taken');
    expect(JSON.parse(renewed.detail!)).toMatchObject({ renewed: true });

    expect(await release(ben, allowanceId)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.takenBy', values: { by: ana.email } },
    });
    expect(await release(ana, allowanceId)).toMatchObject({
      ok: true,
      note: { key: 'outcome.claim.released' },
    });
    expect(await row(allowanceId)).toMatchObject(NO_CLAIM);
    expect(await audits(allowanceId, 'allowance.released')).toHaveLength(1);
    expect(await release(ana, allowanceId)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.notYours' },
    });
  });

  it('a decision ends the claim, whoever decides (approve or deny); a decided request cannot be taken', async () => {
    const denied = await waiting();
    expect((await take(ana, denied.allowanceId)).ok).toBe(true);
    // The claim is soft: Ben may still decide, through the decision's own race-safe path.
    const note = 'We could not reach the account holder on the callback.';
    expect((await denyAllowance(ben, { allowanceId: denied.allowanceId, note }, meta)).ok).toBe(true);
    expect(await row(denied.allowanceId)).toMatchObject({ status: 'denied', ...NO_CLAIM });
    expect(await take(ana, denied.allowanceId)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.notPending' },
    });
    expect((await staffView(ana, denied.account.id, denied.allowanceId))?.claim).toBeNull();

    const approved = await waiting();
    expect((await take(ana, approved.allowanceId)).ok).toBe(true);
    const approval = {
      allowanceId: approved.allowanceId,
      attest: 'on' as const,
      note: 'Called the owner back.',
    };
    expect((await approveAllowance(ben, approval, meta)).ok).toBe(true);
    expect(await row(approved.allowanceId)).toMatchObject({ status: 'sending', ...NO_CLAIM });
    expect(await release(ana, approved.allowanceId)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.notPending' },
    });
  });

  it('staff only, and only allowance requests: a customer or a signed-out caller takes nothing; another id is not found', async () => {
    const { allowanceId, customer, block } = await waiting();
    await expect(take(customer, allowanceId)).rejects.toThrow();
    await expect(take(null as unknown as CurrentUser, allowanceId)).rejects.toThrow();
    await expect(take({ ...ana, mfaVerified: false }, allowanceId)).rejects.toThrow();
    await expect(release(customer, allowanceId)).rejects.toThrow();
    const gone = await makeStaff();
    await getDb().user.update({ where: { id: gone.id }, data: { disabled: true } });
    expect(await take(gone, allowanceId)).toMatchObject({ ok: false, code: 'refused' });
    expect(await row(allowanceId)).toMatchObject(NO_CLAIM);
    // An unblock request's id is no allowance, and an allowance's id no unblock request.
    const request = await makeRequest(block, customer.id);
    expect(await take(ana, request.id)).toEqual({ ok: false, code: 'not_found' });
    expect(await release(ana, request.id)).toEqual({ ok: false, code: 'not_found' });
    expect(await takeRequest(ana, { requestId: allowanceId, from: '' }, meta)).toEqual({
      ok: false,
      code: 'not_found',
    });
    expect(await take(ana, 'no-such-request')).toEqual({ ok: false, code: 'not_found' });
    expect(await requestRow(request.id)).toMatchObject(NO_CLAIM);
  });

  it('the switch lifts the block: the waiting unblock and allowance requests it closes are no longer held', async () => {
    const { account, block, customer, allowanceId } = await waiting();
    const request = await makeRequest(block, customer.id);
    expect((await take(ana, allowanceId)).ok).toBe(true);
    expect((await takeRequest(ben, { requestId: request.id, from: '' }, meta)).ok).toBe(true);
    expect((await deliver(liftedEvent(account.number))).status).toBe(200);
    expect(await requestRow(request.id)).toMatchObject({
      status: 'withdrawn',
      decidedById: null,
      ...NO_CLAIM,
    });
    expect(await row(allowanceId)).toMatchObject({
      status: 'closed',
      endReason: 'block_lifted',
      ...NO_CLAIM,
    });
    expect((await getRequestForStaff(ben, request.id))?.claim).toBeNull();
    expect((await staffView(ana, account.id, allowanceId))?.claim).toBeNull();
    expect(await take(ana, allowanceId)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.notPending' },
    });
  });

  it('support’s lift, once the switch confirms it, closes the waiting requests and ends their claims', async () => {
    const { block, member } = await makeBlockedOnSwitch(sim);
    const allowanceId = await askSomalia(member, block.id);
    const request = await makeRequest(block, member.id);
    expect((await take(ben, allowanceId)).ok).toBe(true);
    expect((await takeRequest(ana, { requestId: request.id, from: '' }, meta)).ok).toBe(true);
    expect(await decideLift([block])).toMatchObject({ ok: true });
    expect(await outbox()).toBeGreaterThanOrEqual(1);
    expect(await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).toMatchObject({
      status: 'lifted',
    });
    expect(await requestRow(request.id)).toMatchObject({ status: 'withdrawn', ...NO_CLAIM });
    expect(await row(allowanceId)).toMatchObject({
      status: 'closed',
      endReason: 'block_lifted',
      ...NO_CLAIM,
    });
    expect(await listed(ben, allowanceId)).toBeUndefined();
  });

  it('a new block closes a waiting allowance request (denied by Tollgate) and ends its claim', async () => {
    const { account, allowanceId } = await waiting();
    expect((await take(ana, allowanceId)).ok).toBe(true);
    const creds = await getDb().sipCredential.findMany({ where: { accountId: account.id } });
    expect((await deliver(placedEvent(account.number, { from: [creds[0]!.username] }))).status).toBe(200);
    expect(await row(allowanceId)).toMatchObject({ status: 'denied', decidedById: null, ...NO_CLAIM });
  });
});
