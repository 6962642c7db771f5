import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { recordNoticeSent, refuseLift } from '@/lib/blocks/lifecycle';
import { Prisma } from '@/lib/generated/sqlite/client';
import { getDb, isPostgres } from '@/lib/server/db';
import { releaseRequest, takeRequest } from '@/lib/requests/claim';
import { approveRequest, denyRequest } from '@/lib/requests/decide';
import { getRequestForStaff } from '@/lib/requests/detail';
import { listQueue } from '@/lib/requests/queue';
import { withdrawRequest } from '@/lib/requests/submit';
import { readWatchQuery, requestChangeSince, watchRead } from '@/lib/requests/watch';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, blockedWithRequest, makeStaff } from '@/tests/helpers/factory';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';
import { startTestSim, type TestSim } from '@/tests/switch/sim-fixture';

// The staff request page told nothing while an agent worked it: another agent denied or took the
// request and the page still read "Pending", both decisions live, until a button was refused after
// the customer had been phoned; and a request whose approved lift the switch refused came back to the
// queue reading as untouched, "Not taken", the approval only at the bottom of the timeline (tester,
// fraud-wave morning). The page now asks lib/requests/watch.ts what changed since it was drawn, and
// the page and the queue say who approved a request that came back and what the switch answered
// (lib/requests/came-back.ts).

let sim: TestSim;
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

/** What the request page was drawn with for `u`: its watch's mark and the return it shows. */
const drawn = async (u: CurrentUser, id: string) => (await getRequestForStaff(u, id))!.watch;
/** The page's check, as its route asks it, of a page drawn with `watch` (after an answer `known`). */
const check = (u: CurrentUser, id: string, watch: { mark: string; back: string }, known = '') =>
  requestChangeSince(u, id, { seen: watch.mark, back: watch.back, known });
const approve = (u: CurrentUser, requestId: string) =>
  approveRequest(u, { requestId, attest: 'on', note: 'Spoke with the owner; a receptionist typo.' }, meta);
/** The lift the last approval queued, refused by the switch with `error`, as the outbox stores it. */
async function refuseTheLift(accountNumber: string, error: string) {
  const op = await getDb().switchOperation.findFirstOrThrow({
    where: { accountNumber, kind: 'lift', status: 'pending' },
  });
  await refuseLift(op, error);
}

describe.each(dialects())('the staff request page finds out what changed, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('says nothing while the request is as drawn, then who took it, over from whom, and a release', async () => {
    const { request } = await blockedWithRequest(sim);
    const [rita, sam] = [await makeStaff(), await makeStaff()];
    const ritas = await drawn(rita, request.id);
    // The page's mark and the route's one read agree: nothing to say.
    expect(await check(rita, request.id, ritas)).toEqual({ mark: ritas.mark, change: null });

    expect((await takeRequest(sam, { requestId: request.id, from: '' }, meta)).ok).toBe(true);
    const row = await getDb().unblockRequest.findUniqueOrThrow({ where: { id: request.id } });
    const taken = await check(rita, request.id, ritas);
    expect(taken).toEqual({
      mark: expect.any(String),
      change: { kind: 'taken', by: sam.email, you: false, at: row.claimedAt!.toISOString(), fromYou: false },
    });
    // Asked again after that answer: the same, said already (one read).
    expect(await check(rita, request.id, ritas, taken!.mark)).toEqual({ mark: taken!.mark, same: true });
    // Sam keeping it longer is no news: same holder, same start.
    const sams = await drawn(sam, request.id);
    expect(await check(sam, request.id, sams)).toMatchObject({ change: null });
    expect((await takeRequest(sam, { requestId: request.id, from: '' }, meta)).ok).toBe(true);
    expect(await check(sam, request.id, sams)).toMatchObject({ change: null });

    // Rita, her page drawn again (it shows Sam: nothing to say), takes it over: Sam's page says so.
    const ritasAgain = await drawn(rita, request.id);
    expect(await check(rita, request.id, ritasAgain)).toMatchObject({ change: null });
    expect((await takeRequest(rita, { requestId: request.id, from: sam.id }, meta)).ok).toBe(true);
    expect(await check(sam, request.id, sams)).toMatchObject({
      change: { kind: 'taken', by: rita.email, you: false, fromYou: true },
    });
    // Rita gives it back: a page that showed a holder says nobody has it now.
    expect((await releaseRequest(rita, { requestId: request.id }, meta)).ok).toBe(true);
    expect(await check(sam, request.id, await drawn(sam, request.id))).toMatchObject({ change: null });
    expect(await check(rita, request.id, ritasAgain)).toMatchObject({ change: { kind: 'released' } });
  });

  it('says who decided, withdrew or closed the request, and when', async () => {
    const [rita, sam] = [await makeStaff(), await makeStaff()];

    const denied = await blockedWithRequest(sim);
    const page = await drawn(rita, denied.request.id);
    const no = {
      requestId: denied.request.id,
      callback: 'unreached' as const,
      denyReason: 'We could not reach the account holder.',
    };
    expect((await denyRequest(sam, no, meta)).ok).toBe(true);
    const { decidedAt } = await getDb().unblockRequest.findUniqueOrThrow({
      where: { id: denied.request.id },
    });
    expect(await check(rita, denied.request.id, page)).toMatchObject({
      change: { kind: 'denied', by: sam.email, you: false, at: decidedAt!.toISOString() },
    });
    expect(await check(sam, denied.request.id, page)).toMatchObject({
      change: { kind: 'denied', you: true },
    });

    const withdrawn = await blockedWithRequest(sim);
    const before = await drawn(rita, withdrawn.request.id);
    expect((await withdrawRequest(asCustomer(withdrawn.member), withdrawn.request.id, meta)).ok).toBe(true);
    expect(await check(rita, withdrawn.request.id, before)).toMatchObject({
      change: { kind: 'withdrawn', by: withdrawn.member.email },
    });

    const lifted = await blockedWithRequest(sim);
    const open = await drawn(rita, lifted.request.id);
    expect((await deliver(liftedEvent(lifted.account.number))).status).toBe(200);
    expect(await check(rita, lifted.request.id, open)).toMatchObject({
      change: { kind: 'closed', at: expect.any(String) },
    });
  });

  it('an approval whose lift the switch refused: the page, the queue and an open page say it came back', async () => {
    const { account, block, request } = await blockedWithRequest(sim);
    const [rita, sam] = [await makeStaff(), await makeStaff()];
    const ritas = await drawn(rita, request.id);
    expect(await getRequestForStaff(rita, request.id)).toMatchObject({ cameBack: null });

    // Sam approves and the switch refuses the lift: the request is pending again with its decision
    // cleared, the same row as on Rita's page (no claim, no decision); its block's timeline moved on.
    expect(await approve(sam, request.id)).toMatchObject({ ok: true, data: { liftQueued: true } });
    const refusal =
      'account_under_investigation: HTTP 409 account_under_investigation: Account under investigation';
    await refuseTheLift(account.number, refusal);
    const approval = await getDb().blockEvent.findFirstOrThrow({
      where: { blockId: block.id, type: 'request_approved' },
    });
    const expected = {
      how: 'refused',
      error: refusal,
      approvedBy: sam.email,
      approvedAt: approval.at,
      id: expect.any(String),
      at: expect.any(Date),
    };
    const page = (await getRequestForStaff(rita, request.id))!;
    expect(page).toMatchObject({ status: 'pending', claim: null, cameBack: expected });
    const [item] = (await listQueue(rita, null, 'en', { account: account.number })).items;
    expect(item).toMatchObject({ id: request.id, claim: null, cameBack: expected });
    // Rita's page, drawn before, learns it; her page drawn now shows it, and there is nothing to say.
    expect(await check(rita, request.id, ritas)).toMatchObject({
      change: { kind: 'cameBack', by: sam.email, you: false, at: approval.at.toISOString() },
    });
    expect(await check(sam, request.id, ritas)).toMatchObject({ change: { kind: 'cameBack', you: true } });
    expect(page.watch.back).toBe(page.cameBack!.id);
    expect(await check(rita, request.id, page.watch)).toMatchObject({ change: null });

    // Approved again, the switch answers 200 with the account still blocked: "did not lift the block".
    expect(await approve(rita, request.id)).toMatchObject({ ok: true });
    await refuseTheLift(
      account.number,
      'body_disagrees: the switch answered 200 with internationalCalling "blocked"',
    );
    const again = (await getRequestForStaff(sam, request.id))!;
    expect(again.cameBack).toMatchObject({ how: 'notApplied', approvedBy: rita.email });
    expect(again.cameBack!.id).not.toBe(page.cameBack!.id);
    // A page that showed the first return learns of the second.
    expect(await check(sam, request.id, page.watch)).toMatchObject({
      change: { kind: 'cameBack', by: rita.email },
    });

    // Approved once more, and a new block withdraws the lift before it is sent: "withdrawn".
    expect(await approve(sam, request.id)).toMatchObject({ ok: true });
    expect((await deliver(placedEvent(account.number))).status).toBe(200);
    expect((await getRequestForStaff(sam, request.id))!.cameBack).toMatchObject({
      how: 'cancelled',
      approvedBy: sam.email,
      error: expect.stringMatching(/^superseded: /),
    });
  });

  it('a request never approved, or decided, says nothing of a return', async () => {
    const { account, request } = await blockedWithRequest(sim);
    const rita = await makeStaff();
    const [item] = (await listQueue(rita, null, 'en', { account: account.number })).items;
    expect(item).toMatchObject({ id: request.id, cameBack: null });
    expect(await approve(rita, request.id)).toMatchObject({ ok: true });
    // Approved, its lift on its way: not waiting, nothing came back.
    expect(await getRequestForStaff(rita, request.id)).toMatchObject({ status: 'approved', cameBack: null });
  });

  it('the block notice’s mail entries are no news: the forms stay open', async () => {
    const { request } = await blockedWithRequest(sim);
    const rita = await makeStaff();
    const ritas = await drawn(rita, request.id);
    // A member added meanwhile is mailed the notice: queued, then at the mail server, each an entry on
    // the block's timeline (lib/blocks/lifecycle.ts), neither anything an agent decides on.
    await getDb().$transaction(async (tx) => {
      await tx.blockEvent.create({
        data: { blockId: request.blockId, type: 'notice_queued', actor: 'tollgate' },
      });
      await recordNoticeSent(tx, request.blockId, 'new-member@example.com');
    });
    expect(await check(rita, request.id, ritas)).toEqual({ mark: ritas.mark, change: null });
    // The page drawn now has the same mark; an entry of the request's own still moves it.
    expect((await drawn(rita, request.id)).mark).toBe(ritas.mark);
    await getDb().blockEvent.create({
      data: { blockId: request.blockId, type: 'lift_requested', actor: 'switch' },
    });
    expect(await check(rita, request.id, ritas)).toMatchObject({ change: { kind: 'changed' } });
  });

  it('asks one statement, by the request’s key and the timeline’s index, never a scan', async () => {
    const { request } = await blockedWithRequest(sim);
    const db = getDb();
    // PostgreSQL plans a scan of a table this small whatever its indexes: that there is no need to is
    // what counts, so seq scans are priced out for the plan (in a transaction, then forgotten).
    const plan = await db.$transaction(async (tx) => {
      if (isPostgres()) await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      const explain = Prisma.raw(isPostgres() ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN');
      const rows = await tx.$queryRaw<Record<string, string>[]>(
        Prisma.sql`${explain} ${watchRead(request.id)}`,
      );
      return rows.map((r) => r['QUERY PLAN'] ?? r.detail).join('\n');
    });
    expect(plan).not.toMatch(/Seq Scan|SCAN r\b|SCAN e\b/);
    expect(plan).toMatch(
      isPostgres() ? /UnblockRequest_pkey/ : /sqlite_autoindex_UnblockRequest_1 \(id=\?\)/,
    );
    expect(plan).toMatch(/BlockEvent_blockId_at_idx/);
  });

  it('answers staff past the second factor only, and nothing for an unknown request', async () => {
    const { request, member } = await blockedWithRequest(sim);
    const agent = await makeStaff();
    const watch = await drawn(agent, request.id);
    await expect(check(asCustomer(member), request.id, watch)).rejects.toThrow();
    await expect(check(await makeStaff({ mfaVerified: false }), request.id, watch)).rejects.toThrow();
    expect(await check(agent, 'no-such-request', watch)).toBeNull();
  });
});

describe("the watch's query", () => {
  const q = (s: string) => readWatchQuery(new URLSearchParams(s));
  it('takes a mark, the return shown and the last mark known', () => {
    expect(q('seen=pending...3')).toEqual({ seen: 'pending...3', back: '', known: '' });
    expect(q('seen=pending.u1.1733500000000.7&back=cm1&known=denied...9')).toEqual({
      seen: 'pending.u1.1733500000000.7',
      back: 'cm1',
      known: 'denied...9',
    });
  });
  it('refuses anything else (the route answers 400)', () => {
    for (const bad of [
      '',
      'seen=',
      'seen=waiting...1',
      'seen=pending...',
      "seen=pending.x' OR 1=1..1",
      'seen=pending...1&back=a%20b',
      'seen=pending...1&known=x',
    ])
      expect(q(bad), bad).toBeNull();
  });
});
