import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import { CLAIM_MINUTES, releaseRequest, takeRequest } from '@/lib/requests/claim';
import { denyRequest } from '@/lib/requests/decide';
import { getRequestForStaff } from '@/lib/requests/detail';
import { listQueue, oldestNotTaken } from '@/lib/requests/queue';
import { withdrawRequest } from '@/lib/requests/submit';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';

// The soft claim on an unblock request (lib/requests/claim.ts): in a fraud wave four agents opened the
// same oldest request and phoned the same customer; nothing said one of them was already calling.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const MIN = 60_000;

/** A pending misdial request on a fresh account's block, with its submitter. */
async function pending(createdAt = new Date()) {
  const { account, users } = await makeAccount();
  const block = await makeBlock(account.id);
  const request = await makeRequest(block, users[0].id, { createdAt });
  return { account, block, request, customer: asCustomer(users[0]) };
}

const take = (u: CurrentUser, requestId: string, from = '') => takeRequest(u, { requestId, from }, meta);
const row = (id: string) => getDb().unblockRequest.findUniqueOrThrow({ where: { id } });
const audits = (id: string, action: string) =>
  getDb().auditLog.findMany({ where: { targetId: id, action }, orderBy: { at: 'asc' } });
/** The request's claim as if `ms` had passed: its times moved back by that much. */
async function later(id: string, ms: number) {
  const r = await row(id);
  await getDb().unblockRequest.update({
    where: { id },
    data: {
      claimedAt: r.claimedAt && new Date(r.claimedAt.getTime() - ms),
      claimedUntil: r.claimedUntil && new Date(r.claimedUntil.getTime() - ms),
    },
  });
}

describe.each(dialects())('taking an unblock request on %s', (dialect) => {
  let ana: CurrentUser;
  let ben: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    [ana, ben] = [await makeStaff(), await makeStaff({ role: 'admin' })];
  });

  it('two agents pressing "Take this request" at once: one holds it, the other is told who', async () => {
    const { request } = await pending();
    const results = await Promise.all([take(ana, request.id), take(ben, request.id)]);
    const won = results.findIndex((r) => r.ok);
    expect(won).toBeGreaterThanOrEqual(0);
    const [winner, loser] = won === 0 ? [ana, ben] : [ben, ana];
    expect(results[1 - won]).toEqual({
      ok: false,
      code: 'conflict',
      note: { key: 'outcome.claim.takenBy', values: { by: winner.email } },
    });
    const held = await row(request.id);
    expect(held.claimedById).toBe(winner.id);
    expect(held.claimedUntil!.getTime() - held.claimedAt!.getTime()).toBe(CLAIM_MINUTES * MIN);
    expect((await audits(request.id, 'request.taken')).map((a) => a.actorId)).toEqual([winner.id]);

    // Both see who has it: the queue (with "since" and "until") and the request page.
    const item = (u: CurrentUser) =>
      listQueue(u, null, 'en', { account: undefined, taken: 'yes' }).then((q) =>
        q.items.find((i) => i.id === request.id),
      );
    expect((await item(loser))?.claim).toEqual({
      by: winner.email,
      mine: false,
      since: held.claimedAt,
      until: held.claimedUntil,
    });
    expect((await item(winner))?.claim?.mine).toBe(true);
    expect((await getRequestForStaff(loser, request.id))?.claim).toMatchObject({
      byId: winner.id,
      by: winner.email,
      mine: false,
    });
    // The loser can still open it and take it over, naming whose it was: audited with the holder.
    expect(await take(loser, request.id, winner.id)).toMatchObject({
      ok: true,
      note: { key: 'outcome.claim.takenOver' },
    });
    expect((await row(request.id)).claimedById).toBe(loser.id);
    const [over] = await audits(request.id, 'request.taken_over');
    expect(over.actorId).toBe(loser.id);
    expect(JSON.parse(over.detail!)).toMatchObject({
      kind: 'misdial',
      from: winner.email,
      heldSince: held.claimedAt!.toISOString(),
      heldUntil: held.claimedUntil!.toISOString(),
    });
  });

  it('a take-over needs the holder the page showed: one who took it meanwhile is named, not replaced', async () => {
    const { request } = await pending();
    expect((await take(ana, request.id)).ok).toBe(true);
    // Ben's page was drawn before Ana took it (nobody shown), then before a take-over by a third agent.
    expect(await take(ben, request.id)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.takenBy', values: { by: ana.email } },
    });
    const cy = await makeStaff();
    expect((await take(cy, request.id, ana.id)).ok).toBe(true);
    expect(await take(ben, request.id, ana.id)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.takenBy', values: { by: cy.email } },
    });
    expect((await row(request.id)).claimedById).toBe(cy.id);
    expect(await audits(request.id, 'request.taken_over')).toHaveLength(1);
  });

  it(`lapses after ${CLAIM_MINUTES} minutes: the request is free again, for anyone`, async () => {
    const { request } = await pending(new Date('2001-02-03T00:00:00Z'));
    expect((await take(ana, request.id)).ok).toBe(true);
    await later(request.id, (CLAIM_MINUTES - 1) * MIN);
    expect((await getRequestForStaff(ben, request.id))?.claim?.by).toBe(ana.email);
    await later(request.id, 2 * MIN);
    // Past its end nobody holds it: the page and the queue say so, and "Next request" leads to it.
    expect((await getRequestForStaff(ben, request.id))?.claim).toBeNull();
    const free = await listQueue(ben, null, 'en', { taken: 'no' });
    expect(free.items.find((i) => i.id === request.id)?.claim).toBeNull();
    expect((await oldestNotTaken(ben))?.id).toBe(request.id);
    // Ben takes it as a free request (no take-over, nothing to name).
    expect(await take(ben, request.id)).toMatchObject({ ok: true, note: { key: 'outcome.claim.taken' } });
    expect(await audits(request.id, 'request.taken_over')).toEqual([]);
    expect((await oldestNotTaken(ana))?.id).not.toBe(request.id);
  });

  it('the holder keeps it longer (same start, a new end) or releases it; nobody else can release it', async () => {
    const { request } = await pending();
    expect((await take(ana, request.id)).ok).toBe(true);
    const first = await row(request.id);
    await later(request.id, 15 * MIN);
    expect(await take(ana, request.id)).toMatchObject({ ok: true, note: { key: 'outcome.claim.renewed' } });
    const kept = await row(request.id);
    expect(kept.claimedAt!.getTime()).toBe(first.claimedAt!.getTime() - 15 * MIN);
    expect(kept.claimedUntil!.getTime()).toBeGreaterThan(first.claimedUntil!.getTime());
    const [, renewed] = await audits(request.id, 'request.taken');
    expect(JSON.parse(renewed.detail!)).toMatchObject({ renewed: true });

    expect(await releaseRequest(ben, { requestId: request.id }, meta)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.takenBy', values: { by: ana.email } },
    });
    expect(await releaseRequest(ana, { requestId: request.id }, meta)).toMatchObject({
      ok: true,
      note: { key: 'outcome.claim.released' },
    });
    expect(await row(request.id)).toMatchObject({ claimedById: null, claimedAt: null, claimedUntil: null });
    expect(await audits(request.id, 'request.released')).toHaveLength(1);
    expect(await releaseRequest(ana, { requestId: request.id }, meta)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.notYours' },
    });
  });

  it('a decision ends the claim, whoever decides; a decided or withdrawn request cannot be taken', async () => {
    const { request } = await pending();
    expect((await take(ana, request.id)).ok).toBe(true);
    // The claim is soft: Ben may still decide, through the decision's own race-safe path.
    const denial = {
      requestId: request.id,
      callback: 'unreached' as const,
      denyReason: 'We could not reach the account holder.',
    };
    expect((await denyRequest(ben, denial, meta)).ok).toBe(true);
    expect(await row(request.id)).toMatchObject({ status: 'denied', claimedById: null, claimedUntil: null });
    expect(await take(ana, request.id)).toMatchObject({
      ok: false,
      note: { key: 'outcome.claim.notPending' },
    });
    expect((await getRequestForStaff(ana, request.id))?.claim).toBeNull();

    const other = await pending();
    expect((await take(ben, other.request.id)).ok).toBe(true);
    expect((await withdrawRequest(other.customer, other.request.id, meta)).ok).toBe(true);
    expect(await row(other.request.id)).toMatchObject({ status: 'withdrawn', claimedById: null });
  });

  it('staff only: a customer is refused as a page would be (404); a disabled agent takes nothing', async () => {
    const { request, customer } = await pending();
    await expect(take(customer, request.id)).rejects.toThrow();
    await expect(take({ ...ana, mfaVerified: false }, request.id)).rejects.toThrow();
    const gone = await makeStaff();
    await getDb().user.update({ where: { id: gone.id }, data: { disabled: true } });
    expect(await take(gone, request.id)).toMatchObject({ ok: false, code: 'refused' });
    expect(await row(request.id)).toMatchObject({ claimedById: null });
    expect(await take(ana, 'no-such-request')).toEqual({ ok: false, code: 'not_found' });
  });
});
