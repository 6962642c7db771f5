import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { liftIfRotated } from '@/lib/blocks/policy';
import { getDb } from '@/lib/server/db';
import { approveRequest, denyRequest } from '@/lib/requests/decide';
import { liftBlockByStaff, placeManualBlock } from '@/lib/blocks/manual';
import { refuseLift } from '@/lib/blocks/lifecycle';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { AWAITS_SWITCH } from '@/lib/switch/awaits-switch';
import { refreshesAccountPage } from '@/lib/switch/send-soon';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import {
  asCustomer,
  blockedWithRequest,
  decideLift,
  makeAccount,
  makeBlock,
  makeStaff,
  makeRequest,
} from '@/tests/helpers/factory';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';
import { inWords } from '@/tests/helpers/outcome';
import { listQueue } from '@/lib/requests/queue';
import { getRequestForStaff } from '@/lib/requests/detail';
import { withdrawRequest } from '@/lib/requests/submit';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
const simAccount = async (n: string) =>
  (await sim.control('GET', `/_sim/accounts/${n}`)).body as {
    internationalCalling: string;
    internationalCallingChanges: number;
  };
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

const staff = (role: 'agent' | 'admin' = 'agent', mfaVerified = true) => makeStaff({ role, mfaVerified });

const approve = (u: CurrentUser, requestId: string) =>
  approveRequest(u, { requestId, attest: 'on', note: 'Spoke with the owner; a receptionist typo.' }, meta);

describe.each(dialects())('staff decisions on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('two agents approving at once: one wins, the other is told, and the switch gets one lift', async () => {
    const { account, block, request, member } = await blockedWithRequest(sim);
    const [sam, alex] = [await staff('agent'), await staff('admin')];
    const results = await Promise.all([approve(sam, request.id), approve(alex, request.id)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([
      {
        ok: false,
        code: 'conflict',
        note: {
          key: 'outcome.decision.alreadyDecided',
          values: { status: 'approved', by: results[0].ok ? sam.email : alex.email },
        },
      },
    ]);

    const db = getDb();
    expect(await db.switchOperation.count({ where: { blockId: block.id } })).toBe(1);
    const decided = await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(decided).toMatchObject({
      status: 'approved',
      openKey: null,
      decisionNote: 'Spoke with the owner; a receptionist typo.',
    });
    expect(await db.mailMessage.count({ where: { template: 'request_approved', to: member.email } })).toBe(1);
    expect(await db.auditLog.count({ where: { action: 'request.approved', targetId: request.id } })).toBe(1);
    // The loser's row says what they tried and what they found (before: no detail at all).
    const conflict = await db.auditLog.findMany({
      where: { action: 'request.decision_conflict', targetId: request.id },
    });
    expect(conflict.map((c) => JSON.parse(c.detail ?? 'null'))).toEqual([
      { attempted: 'approve', found: 'approved', by: results[0].ok ? sam.email : alex.email },
    ]);
    expect((await db.block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('lift_pending');

    // Two workers racing to send it still reach the switch once.
    await Promise.all([
      processSwitchOutbox({ client: client(), owner: 'a' }),
      processSwitchOutbox({ client: client(), owner: 'b' }),
    ]);
    expect((await db.block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('lifted');
    expect(await simAccount(account.number)).toMatchObject({
      internationalCalling: 'allowed',
      internationalCallingChanges: 1,
    });
  });

  it('approving while a lift is already on its way is refused, so a refused lift loses no approval', async () => {
    const { account, block, request, member } = await blockedWithRequest(sim);
    const db = getDb();
    // The rotation policy's lift waits for the switch.
    expect((await decideLift([block], 'policy')).ok).toBe(true);
    const agent = await staff();
    expect(await approve(agent, request.id)).toEqual({
      ok: false,
      code: 'conflict',
      note: { key: 'outcome.decision.liftOnItsWay' },
    });
    expect(await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
      status: 'pending',
      openKey: block.id,
    });
    expect(await db.mailMessage.count({ where: { template: 'request_approved', to: member.email } })).toBe(0);
    expect(await db.auditLog.count({ where: { action: 'request.approved', targetId: request.id } })).toBe(0);
    // A denial is refused too: "denied" now and "lifted" minutes later would contradict each other.
    const denial = {
      requestId: request.id,
      callback: 'spoke' as const,
      denyReason: 'Could not verify the caller.',
    };
    expect(await denyRequest(agent, denial, meta)).toEqual({
      ok: false,
      code: 'conflict',
      note: { key: 'outcome.decision.liftOnItsWay' },
    });
    expect(await db.mailMessage.count({ where: { template: 'request_denied', to: member.email } })).toBe(0);

    // The switch refuses that lift: the block is in force again, the request still waits for a decision.
    const op = await db.switchOperation.findFirstOrThrow({
      where: { accountNumber: account.number, kind: 'lift' },
    });
    await refuseLift(op, 'HTTP 409 conflict: account under investigation');
    expect((await db.block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('active');

    // Now the approval queues a lift of its own and tells the customer.
    expect(await approve(agent, request.id)).toMatchObject({
      ok: true,
      data: { blockStatus: 'lift_pending', liftQueued: true },
    });
    expect(
      await db.switchOperation.count({
        where: { accountNumber: account.number, kind: 'lift', status: 'pending' },
      }),
    ).toBe(1);
    expect(await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
      status: 'approved',
    });
    expect(await db.mailMessage.count({ where: { template: 'request_approved', to: member.email } })).toBe(1);
  });

  it('the switch refuses the lift an approval queued: the request is pending again, the customer told once', async () => {
    const { account, block, request, member } = await blockedWithRequest(sim);
    const db = getDb();
    const agent = await staff();
    expect(await approve(agent, request.id)).toMatchObject({ ok: true, data: { liftQueued: true } });
    const op = await db.switchOperation.findFirstOrThrow({
      where: { accountNumber: account.number, kind: 'lift' },
    });
    await refuseLift(op, 'HTTP 409 conflict: account under investigation');
    await refuseLift(op, 'HTTP 409 conflict: account under investigation'); // reported twice: once
    expect((await db.block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('active');
    expect(await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
      status: 'pending',
      openKey: block.id,
      decidedAt: null,
    });
    const queue = await listQueue(agent, null, 'en', { account: account.number });
    expect(queue.items.map((i) => i.id)).toContain(request.id);
    const mails = await db.mailMessage.findMany({
      where: { to: member.email },
      orderBy: { createdAt: 'asc' },
    });
    expect(mails.map((m) => m.template)).toEqual(['request_approved', 'request_lift_failed']);
    const reopened = await db.auditLog.findFirstOrThrow({
      where: { action: 'request.reopened', targetId: request.id },
    });
    expect(JSON.parse(reopened.detail ?? '{}')).toMatchObject({ cause: 'lift_refused', blockId: block.id });

    // A new block cancels the next approval's lift before it is sent: the same, with its cause; the
    // customer is told by the new block's notice, which names the request (one mail, never two).
    expect(await approve(agent, request.id)).toMatchObject({ ok: true, data: { liftQueued: true } });
    expect((await deliver(placedEvent(account.number))).status).toBe(200);
    expect(await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
      status: 'pending',
    });
    expect(await db.mailMessage.count({ where: { template: 'request_lift_failed', to: member.email } })).toBe(
      1,
    );
    const notice = await db.mailMessage.findFirstOrThrow({
      where: { template: 'block_notice', to: member.email },
    });
    expect(JSON.parse(notice.payload)).toMatchObject({ reopenedRequestIds: [request.id] });
    expect(await db.auditLog.count({ where: { action: 'request.reopened', targetId: request.id } })).toBe(2);
  });

  it('a refused lift that no approval queued (staff, policy) reopens no older approval of the block', async () => {
    // An approval whose lift the switch refused before reopening existed stayed approved on an active
    // block (review 11b): a later staff lift of that block, refused, must leave it alone and mail no one.
    const db = getDb();
    const { account, users, creds } = await makeAccount();
    const block = await makeBlock(account.id, { calls: [{ sipUsername: creds[0]!.username }] });
    const old = await makeRequest(block, users[0]!.id);
    await db.unblockRequest.update({
      where: { id: old.id },
      data: { status: 'approved', openKey: null, decidedAt: new Date(Date.now() - 90 * 86_400_000) },
    });
    expect((await decideLift([block], 'agent@t.example', 'support lift')).ok).toBe(true);
    const op = await db.switchOperation.findFirstOrThrow({
      where: { accountNumber: account.number, kind: 'lift', status: 'pending' },
    });
    await refuseLift(op, 'HTTP 409 conflict: account under investigation');
    expect((await db.unblockRequest.findUniqueOrThrow({ where: { id: old.id } })).status).toBe('approved');
    expect(
      await db.mailMessage.count({ where: { template: 'request_lift_failed', to: users[0]!.email } }),
    ).toBe(0);
    expect(await db.auditLog.count({ where: { action: 'request.reopened', targetId: old.id } })).toBe(0);
  });

  it('the staff request page names the customer who withdrew a request', async () => {
    const { request, member } = await blockedWithRequest(sim);
    expect((await withdrawRequest(asCustomer(member), request.id, meta)).ok).toBe(true);
    expect((await getRequestForStaff(await staff(), request.id))?.decision?.by).toBe(member.email);
  });

  it('a decision answers for each block status: active lifts, lift_pending waits, lifted closes the request', async () => {
    const db = getDb();
    const agent = await staff();
    // active: approved, and this approval queues the lift.
    const active = await blockedWithRequest(sim);
    expect(await approve(agent, active.request.id)).toMatchObject({
      ok: true,
      data: { blockStatus: 'lift_pending', liftQueued: true },
    });
    // lift_pending: a lift is already on its way; nothing changes.
    const pending = await blockedWithRequest(sim);
    expect((await decideLift([pending.block], 'policy')).ok).toBe(true);
    expect(await approve(agent, pending.request.id)).toEqual({
      ok: false,
      code: 'conflict',
      note: { key: 'outcome.decision.liftOnItsWay' },
    });
    // lifted (a request a lift left open, as older data may hold): nothing to approve, the request
    // is closed the way a lift closes it, no lift is queued and no mail is sent.
    const lifted = await blockedWithRequest(sim);
    await db.block.update({
      where: { id: lifted.block.id },
      data: { status: 'lifted', liftedAt: new Date() },
    });
    expect(await approve(agent, lifted.request.id)).toEqual({
      ok: true,
      note: { key: 'outcome.decision.alreadyLifted' },
      data: { blockStatus: 'lifted', liftQueued: false },
    });
    expect(await db.unblockRequest.findUniqueOrThrow({ where: { id: lifted.request.id } })).toMatchObject({
      status: 'withdrawn',
      openKey: null,
      decidedById: null,
    });
    expect(await db.switchOperation.count({ where: { accountNumber: lifted.account.number } })).toBe(0);
    expect(await db.mailMessage.count({ where: { to: lifted.member.email } })).toBe(0);
    expect(
      await db.auditLog.count({
        where: { action: 'request.closed_block_lifted', targetId: lifted.request.id },
      }),
    ).toBe(1);
    expect(
      await db.auditLog.count({ where: { action: 'request.approved', targetId: lifted.request.id } }),
    ).toBe(0);
    // A second approval finds it closed by the lift, not by a person.
    expect(await approve(agent, lifted.request.id)).toMatchObject({
      ok: false,
      code: 'conflict',
      note: { key: 'outcome.decision.alreadyDecided', values: { status: 'closedByLift', by: '' } },
    });
    // A denial of such a request closes it the same way: "calling stays blocked" would be false.
    const liftedToo = await blockedWithRequest(sim);
    await db.block.update({ where: { id: liftedToo.block.id }, data: { status: 'lifted' } });
    const denial = {
      requestId: liftedToo.request.id,
      callback: 'spoke' as const,
      denyReason: 'Could not verify the caller.',
    };
    expect(await denyRequest(agent, denial, meta)).toMatchObject({
      ok: true,
      note: { key: 'outcome.decision.alreadyLifted' },
    });
    expect(await db.mailMessage.count({ where: { to: liftedToo.member.email } })).toBe(0);
  });

  it('the agent who loses a decision is told who did what, in their language, and nothing is sent', async () => {
    const db = getDb();
    // Another agent denied first: the approver reads who denied it.
    const denied = await blockedWithRequest(sim);
    const [sam, alex] = [await staff(), await staff()];
    const reason = {
      requestId: denied.request.id,
      callback: 'unreached' as const,
      denyReason: 'We could not reach you on that number.',
    };
    expect((await denyRequest(alex, reason, meta)).ok).toBe(true);
    expect(inWords(await approve(sam, denied.request.id))).toEqual({
      ok: false,
      code: 'conflict',
      message: `${alex.email} has already denied this request. Nothing was changed and nothing was sent to the switch or the customer. This page now shows where it stands.`,
    });
    expect(inWords(await approve(sam, denied.request.id), 'es').message).toBe(
      `${alex.email} ya rechazó esta solicitud. No se cambió nada y no se envió nada al switch ni al cliente. Esta página ya muestra en qué estado está.`,
    );
    expect(await db.switchOperation.count({ where: { blockId: denied.block.id } })).toBe(0);

    // The customer withdrew it while the agent was on the phone.
    const withdrawn = await blockedWithRequest(sim);
    expect((await withdrawRequest(asCustomer(withdrawn.member), withdrawn.request.id, meta)).ok).toBe(true);
    expect(inWords(await approve(sam, withdrawn.request.id)).message).toContain(
      `The customer (${withdrawn.member.email}) has withdrawn this request. Nothing was changed`,
    );

    // The switch lifted the block while the agent was deciding: the lift closed the request, nobody
    // decided it, and saying "someone else decided" would send the agent looking for a colleague.
    const lifted = await blockedWithRequest(sim);
    expect((await deliver(liftedEvent(lifted.account.number))).status).toBe(200);
    const r = inWords(await approve(sam, lifted.request.id));
    expect(r).toMatchObject({ ok: false, code: 'conflict' });
    expect(r.message).toMatch(/^This request’s block was lifted meanwhile \(by the switch/);
    expect(r.message).not.toContain('someone');
    const denial = {
      requestId: lifted.request.id,
      callback: 'unreached' as const,
      denyReason: 'We could not reach you on that number.',
    };
    expect(inWords(await denyRequest(sam, denial, meta), 'es').message).toMatch(
      /^El bloqueo de esta solicitud se levantó mientras tanto/,
    );
    expect(await db.switchOperation.count({ where: { blockId: lifted.block.id } })).toBe(0);
    expect(
      await db.mailMessage.count({
        where: {
          template: { in: ['request_approved', 'request_denied'] },
          payload: { contains: lifted.request.id },
        },
      }),
    ).toBe(0);
  });

  it('approve against deny at once: exactly one decision stands', async () => {
    const { block, request } = await blockedWithRequest(sim);
    const [sam, alex] = [await staff(), await staff()];
    const [a, d] = await Promise.all([
      approve(sam, request.id),
      denyRequest(
        alex,
        {
          requestId: request.id,
          callback: 'unreached' as const,
          denyReason: 'We could not reach you on the callback number.',
        },
        meta,
      ),
    ]);
    expect([a.ok, d.ok].filter(Boolean)).toHaveLength(1);
    const db = getDb();
    const final = await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(await db.switchOperation.count({ where: { blockId: block.id } })).toBe(
      final.status === 'approved' ? 1 : 0,
    );
    expect(
      await db.mailMessage.count({
        where: {
          template: { in: ['request_approved', 'request_denied'] },
          payload: { contains: request.id },
        },
      }),
    ).toBe(1);
  });

  it('a deny keeps the block, records the reason the customer reads, and queues the email', async () => {
    const { block, request, member } = await blockedWithRequest(sim);
    const r = await denyRequest(
      await staff(),
      {
        requestId: request.id,
        callback: 'spoke' as const,
        denyReason: 'The calls came from an address abroad.',
      },
      meta,
    );
    expect(r.ok).toBe(true);
    const db = getDb();
    expect(await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
      status: 'denied',
      denyReason: 'The calls came from an address abroad.',
      openKey: null,
    });
    expect((await db.block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('active');
    expect(await db.mailMessage.count({ where: { template: 'request_denied', to: member.email } })).toBe(1);
  });

  it('a member removed from the account since asking is not mailed the decision; the members who remain are', async () => {
    // Before (break-29): only a disabled login was passed over, so the removed member got the denial,
    // with the agent's reason and a link to a block page they can no longer open, and nobody else did.
    // The same for the approval and for a lift the switch refuses (lib/blocks/lifecycle.ts).
    const db = getDb();
    const removedFrom = async () => {
      const { account, block, request, member } = await blockedWithRequest(sim);
      const colleague = await db.user.create({
        data: { email: `colleague-${request.id}@test.example`, role: 'customer' },
      });
      await db.membership.create({ data: { userId: colleague.id, accountId: account.id } });
      await db.membership.deleteMany({ where: { userId: member.id, accountId: account.id } });
      return { account, block, request, member, colleague };
    };
    const sent = async (requestId: string) =>
      (
        await db.mailMessage.findMany({
          where: { payload: { contains: requestId } },
          orderBy: { createdAt: 'asc' },
        })
      ).map((m) => `${m.template} ${m.to}`);

    const denied = await removedFrom();
    const reason = 'The calls came from an address abroad.';
    expect(
      await denyRequest(
        await staff(),
        { requestId: denied.request.id, callback: 'spoke' as const, denyReason: reason },
        meta,
      ),
    ).toMatchObject({ ok: true });
    expect(await sent(denied.request.id)).toEqual([`request_denied ${denied.colleague.email}`]);

    const approved = await removedFrom();
    // Approved after a call with the colleague: the sender left, so the agent confirms it (since
    // 2026-12-06, tests/integration/approve-sender-left.test.ts).
    expect(
      await approveRequest(
        await staff(),
        {
          requestId: approved.request.id,
          attest: 'on',
          attestCurrentMember: 'on',
          note: 'Spoke with the colleague on the number on file.',
        },
        meta,
      ),
    ).toMatchObject({ ok: true });
    const op = await db.switchOperation.findFirstOrThrow({
      where: { accountNumber: approved.account.number, kind: 'lift' },
    });
    await refuseLift(op, 'HTTP 409 conflict: account under investigation');
    expect(await sent(approved.request.id)).toEqual([
      `request_approved ${approved.colleague.email}`,
      `request_lift_failed ${approved.colleague.email}`,
    ]);
  });

  it('customers and staff without a verified second factor are refused inside the domain, and nothing changes', async () => {
    const { request } = await blockedWithRequest(sim);
    const customer: CurrentUser = { ...(await staff()), role: 'customer' };
    await expect(approve(customer, request.id)).rejects.toThrow();
    await expect(approve(await staff('agent', false), request.id)).rejects.toThrow();
    await expect(
      placeManualBlock(customer, { accountNumber: 'ACC-1', note: 'nope nope' }, meta),
    ).rejects.toThrow();
    expect((await getDb().unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe(
      'pending',
    );
  });

  it('an agent disabled while their request ran cannot finish a decision: refused, audited, nothing changes', async () => {
    const db = getDb();
    const { account, block, request } = await blockedWithRequest(sim);
    const agent = await staff('agent');
    // An admin disabled the agent a moment ago (lib/staff/users.ts); `agent` is the CurrentUser the
    // agent's session check gave before that.
    await db.user.update({ where: { id: agent.id }, data: { disabled: true } });
    const refused = { ok: false, code: 'refused', note: { key: 'outcome.staffDisabled' } };
    expect(await approve(agent, request.id)).toEqual(refused);
    expect(
      await denyRequest(
        agent,
        {
          requestId: request.id,
          callback: 'unreached' as const,
          denyReason: 'We could not reach you at all.',
        },
        meta,
      ),
    ).toEqual(refused);
    expect(
      await liftBlockByStaff(agent, { blockId: block.id, note: 'Customer asked by phone.' }, meta),
    ).toEqual(refused);
    const other = await makeAccount();
    expect(
      await placeManualBlock(agent, { accountNumber: other.account.number, note: 'Fraud suspected.' }, meta),
    ).toEqual(refused);
    expect((await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe('pending');
    expect((await db.block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('active');
    expect(await db.block.count({ where: { accountId: other.account.id } })).toBe(0);
    expect(
      await db.switchOperation.count({
        where: { accountNumber: { in: [account.number, other.account.number] } },
      }),
    ).toBe(0);
    expect(await db.auditLog.count({ where: { action: 'access.denied', actorId: agent.id } })).toBe(4);
  });

  it('a manual block is not in force until the switch confirms it; then lifting goes through the outbox', async () => {
    await processSwitchOutbox({ client: client() }); // earlier tests' lifts: the fault below is for this block
    const { account } = await makeAccount();
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'allowed',
      credentials: [],
    });
    const agent = await staff();
    const db = getDb();
    expect(
      await placeManualBlock(
        agent,
        { accountNumber: account.number, note: 'Customer asked us to block while they audit their PBX.' },
        meta,
      ),
    ).toEqual({ ok: true, note: { key: 'outcome.manual.placeSent' }, data: AWAITS_SWITCH });
    expect(await db.block.count({ where: { accountId: account.id } })).toBe(0); // nothing shown as in force yet
    // A second placement while the first waits is refused, and the page that offered it is drawn
    // again: it showed no change waiting for the switch.
    const again = await placeManualBlock(agent, { accountNumber: account.number, note: 'again again' }, meta);
    expect(again).toEqual({ ok: false, code: 'conflict', note: { key: 'outcome.manual.switchBusy' } });
    expect(refreshesAccountPage(again)).toBe(true);

    await sim.control('PUT', '/_sim/faults', { failNext: 1 });
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    expect(await db.block.count({ where: { accountId: account.id } })).toBe(0);
    await sim.control('DELETE', '/_sim/faults');
    await db.switchOperation.updateMany({
      where: { status: 'pending' },
      data: { nextAttemptAt: new Date(0) },
    });
    expect(await processSwitchOutbox({ client: client() })).toBe(1);

    const block = await db.block.findFirstOrThrow({ where: { accountId: account.id } });
    expect(block).toMatchObject({
      reason: 'manual',
      status: 'active',
      placedBy: agent.email,
      note: 'Customer asked us to block while they audit their PBX.',
    });
    expect((await simAccount(account.number)).internationalCalling).toBe('blocked');
    expect(
      await db.mailMessage.count({ where: { template: 'block_notice', payload: { contains: block.id } } }),
    ).toBe(1);
    expect(
      await db.auditLog.count({
        where: { action: { in: ['block.place_requested', 'block.placed'] }, accountId: account.id },
      }),
    ).toBe(2);

    expect(
      await liftBlockByStaff(agent, { blockId: block.id, note: 'Audit done, PBX firewalled.' }, meta),
    ).toEqual({ ok: true, note: { key: 'outcome.manual.liftSent' }, data: AWAITS_SWITCH });
    // "Lift block" again from a second tab drawn before the lift (tester, session 42): refused, and the
    // account page is drawn again, so it no longer shows the block in force with a Lift form.
    const twice = await liftBlockByStaff(agent, { blockId: block.id, note: 'twice twice' }, meta);
    expect(twice).toEqual({ ok: false, code: 'conflict', note: { key: 'outcome.lift.notActive' } });
    expect(refreshesAccountPage(twice)).toBe(true);
    // A refusal of the agent's own fields keeps the page as it is (and what they typed).
    expect(refreshesAccountPage({ ok: false, code: 'invalid' })).toBe(false);
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    expect((await db.block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('lifted');
    expect(await simAccount(account.number)).toMatchObject({
      internationalCalling: 'allowed',
      internationalCallingChanges: 2,
    });
  });

  it('a block the switch refuses never appears, and the refusal is audited', async () => {
    const { account } = await makeAccount(); // not provisioned on the switch: it answers 404
    expect(
      await placeManualBlock(
        await staff(),
        { accountNumber: account.number, note: 'Suspicious account.' },
        meta,
      ),
    ).toMatchObject({ ok: true });
    await processSwitchOutbox({ client: client() });
    const db = getDb();
    expect(await db.block.count({ where: { accountId: account.id } })).toBe(0);
    expect(
      (await db.switchOperation.findFirstOrThrow({ where: { accountNumber: account.number } })).status,
    ).toBe('failed');
    expect(await db.auditLog.count({ where: { action: 'block.place_refused', accountId: account.id } })).toBe(
      1,
    );
  });

  it('approving a request cannot undo a block support placed on the same account', async () => {
    const { account, block, request } = await blockedWithRequest(sim);
    const db = getDb();
    await makeBlock(account.id, { reason: 'manual', placedBy: 'someone@staff.example' });
    const r = await approve(await staff(), request.id);
    expect(r).toEqual({
      ok: false,
      code: 'conflict',
      note: { key: 'outcome.decision.liftRefused', values: { refusal: { key: 'outcome.lift.manualBlock' } } },
    });
    expect((await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe('pending');
    expect(await db.switchOperation.count({ where: { blockId: block.id } })).toBe(0);
  });

  it('rotating every SIP password does not lift anything while support holds a manual block', async () => {
    const { account, creds } = await makeAccount();
    const db = getDb();
    const placedAt = new Date(Date.now() - 60_000);
    await makeBlock(account.id, { placedAt, calls: creds.map((c) => ({ sipUsername: c.username })) });
    await db.sipCredential.updateMany({
      where: { accountId: account.id },
      data: { passwordChangedAt: new Date() },
    });
    await makeBlock(account.id, { reason: 'manual', placedAt, placedBy: 'agent@staff.example' });
    expect(await db.$transaction((tx) => liftIfRotated(tx, account.id))).toEqual([]);
    expect(await db.switchOperation.count({ where: { accountNumber: account.number } })).toBe(0);
  });
});
