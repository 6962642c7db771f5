import crypto from 'node:crypto';
import fc from 'fast-check';
import type { CurrentUser } from '@/lib/auth/session';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { getDb } from '@/lib/server/db';
import { resetSipPassword } from '@/lib/credentials/reset';
import { approveRequest } from '@/lib/requests/decide';
import { liftBlockByStaff, placeManualBlock } from '@/lib/blocks/manual';
import { createSwitchClient } from '@/lib/switch/client';
import { claimSwitchOperation, processSwitchOutbox } from '@/lib/switch/outbox';
import { makeAccount } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { deliver, liftedEvent, placedEvent, type TestEvent } from '@/tests/helpers/switch-events';
import { TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Model-based test of issue 10: random interleavings of what the switch, customers, staff, faults and
// crashes do to one account. After quiescence (faults cleared, every event delivered, the outbox
// drained, the reconciler run), the portal's state must equal the switch simulator's, nothing may
// wait for the switch, every delivered event must be processed once, and no request may be left
// pending on a block that is not in force; and a schedule without faults or crashes must never need
// the reconciler to repair anything (the only "Out of sync" rows such a schedule may hold are those
// of an answer to support's block that reported the switch's own block, its event still on its way:
// the `outbox` step). Used by tests/integration/truth-model.test.ts (50 schedules
// per database) and bench/truth.ts (1000 per database, `npm run bench -- truth`).

export type Step =
  | { t: 'fraud' }
  | { t: 'switchLift' }
  | { t: 'deliver'; pick: number; dup: boolean }
  | { t: 'rotate' }
  | { t: 'approve' }
  | { t: 'staffLift' }
  | { t: 'staffPlace' }
  | { t: 'fault'; kind: 'fail' | 'drop' | 'late' | 'slow' }
  | { t: 'outbox' }
  | { t: 'kill' };

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.constant({ t: 'fraud' } as const), weight: 3 },
  { arbitrary: fc.constant({ t: 'switchLift' } as const), weight: 2 },
  {
    arbitrary: fc.record({ t: fc.constant('deliver' as const), pick: fc.nat(20), dup: fc.boolean() }),
    weight: 4,
  },
  { arbitrary: fc.constant({ t: 'rotate' } as const), weight: 2 },
  { arbitrary: fc.constant({ t: 'approve' } as const), weight: 2 },
  { arbitrary: fc.constant({ t: 'staffLift' } as const), weight: 1 },
  { arbitrary: fc.constant({ t: 'staffPlace' } as const), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant('fault' as const),
      kind: fc.constantFrom('fail', 'drop', 'late', 'slow'),
    }),
    weight: 2,
  },
  { arbitrary: fc.constant({ t: 'outbox' } as const), weight: 3 },
  { arbitrary: fc.constant({ t: 'kill' } as const), weight: 1 },
);

export const scheduleArb: fc.Arbitrary<Schedule> = fc.record({
  steps: fc.array(stepArb, { minLength: 1, maxLength: 14 }),
  deliveryOrder: fc.array(fc.nat(), { minLength: 20, maxLength: 20 }),
});
export type Schedule = { steps: Step[]; deliveryOrder: number[] };

const meta = { ip: '192.0.2.44', userAgent: 'truth-model' };
const ATTEMPT_MS = 150;

/** Runs one schedule to quiescence and checks it; returns the account's number for further checks. */
export async function runSchedule(sim: TestSim, schedule: Schedule): Promise<string> {
  const db = getDb();
  // Calls of this client the switch did not answer in time (or at all): on a loaded machine a 150 ms
  // attempt can time out with no fault injected, which makes the schedule one with a fault.
  let unanswered = 0;
  const client = createSwitchClient({
    baseUrl: sim.url,
    token: TOKEN,
    timeoutMs: ATTEMPT_MS,
    retries: 0,
    log: (e) => {
      if (e.kind === 'unavailable') unanswered++;
    },
  });
  const { account, users, creds } = await makeAccount({ members: [uniqueEmail('tm')] });
  const n = account.number;
  // Each schedule from its own IPv6 /64: password checks are rate-limited per address (lib/passwords/check.ts).
  const rotateMeta = {
    ...meta,
    ip: `2001:db8:${crypto.randomBytes(2).toString('hex')}:${crypto.randomBytes(2).toString('hex')}::1`,
  };
  const setSwitch = (state: 'blocked' | 'allowed', at = new Date()) =>
    sim.control('PUT', `/_sim/accounts/${n}`, {
      internationalCalling: state,
      reason: state === 'blocked' ? 'high_risk_destination' : null,
      blockedAt: state === 'blocked' ? at.toISOString() : null,
      credentials: [],
    });
  await sim.control('PUT', `/_sim/accounts/${n}`, {
    internationalCalling: 'allowed',
    credentials: creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
  });
  const agentRow = await db.user.create({
    data: { email: uniqueEmail('tm-agent', 'staff.example'), role: 'agent', totpEnabledAt: new Date() },
  });
  const agent: CurrentUser = {
    id: agentRow.id,
    email: agentRow.email,
    name: null,
    role: 'agent',
    timeZone: 'UTC',
    locale: 'en',
    sessionId: 't',
    mfaEnrolled: true,
    mfaVerified: true,
  };
  const member: CurrentUser = {
    id: users[0].id,
    email: users[0].email,
    name: null,
    role: 'customer',
    timeZone: 'UTC',
    locale: 'en',
    sessionId: 't',
    mfaEnrolled: false,
    mfaVerified: false,
  };
  const queue: TestEvent[] = [];
  const delivered = new Set<string>();
  let eventSeq = 0;
  let lastSwitchTime = 0;
  // Distinct, increasing switch times on the switch's own clock, which also stamps what the simulator
  // does through its API (a manual block's blockedAt): never ahead of real time, or an event would
  // claim to come after a change the switch made later (seed 649401566 found that).
  const switchNow = async () => {
    eventSeq++;
    while (Date.now() <= lastSwitchTime) await new Promise((r) => setTimeout(r, 1));
    lastSwitchTime = Date.now();
    return new Date(lastSwitchTime);
  };
  const active = () =>
    db.block.findMany({ where: { accountId: account.id, status: 'active' }, orderBy: { placedAt: 'asc' } });

  // "Out of sync" rows the answer to support's block opened for a fraud block of the switch's whose
  // event had not been delivered (the `outbox` step): a report, not a repair.
  const answered = new Set<string>();
  const issueIds = async (action?: string) =>
    new Set(
      (
        await db.syncIssue.findMany({
          where: { accountId: account.id, ...(action ? { action } : {}) },
          select: { id: true },
        })
      ).map((i) => i.id),
    );
  // The switch's block in force is a fraud of this schedule's whose block.placed has not been
  // delivered yet (the simulator dates the block with its event's occurredAt: the `fraud` step).
  const unseenFraudOnSwitch = async () => {
    const s = (await sim.control('GET', `/_sim/accounts/${n}`)).body as {
      internationalCalling: string;
      blockedAt: string | null;
    };
    if (s.internationalCalling !== 'blocked' || !s.blockedAt) return false;
    const at = new Date(s.blockedAt).getTime();
    return queue.some(
      (e) => e.type === 'block.placed' && new Date(e.occurredAt).getTime() === at && !delivered.has(e.id),
    );
  };

  const send = async (e: TestEvent) => {
    const res = await deliver(e);
    if (res.status === 200) delivered.add(e.id);
    else if (res.status !== 503)
      throw new Error(`event ${e.type} answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.status;
  };

  for (const step of schedule.steps) {
    switch (step.t) {
      case 'fraud': {
        // One instant for the switch's block and its event: its blockedAt is the event's occurredAt
        // (docs/switch-api.md part 3: "write the same instant in occurredAt as in blockedAt"; the
        // simulator's own fraud does so, switch/simulator/control-events.ts). Before, blockedAt was
        // read a few ms before the event's time, a switch the contract rules out: the event, late,
        // missed the block the portal had shown from a read of the switch (dated before it) and made
        // a second block with a second notice.
        const at = await switchNow();
        await setSwitch('blocked', at);
        queue.push(placedEvent(n, { at, from: [creds[eventSeq % 2].username] }));
        break;
      }
      case 'switchLift':
        await setSwitch('allowed');
        queue.push(liftedEvent(n, await switchNow()));
        break;
      case 'deliver': {
        if (!queue.length) break;
        const i = step.pick % queue.length;
        const e = queue[i];
        if ((await send(e)) === 200 && !step.dup) queue.splice(i, 1);
        break;
      }
      case 'rotate':
        for (const c of creds)
          await resetSipPassword(
            member,
            c.id,
            `Tm-${crypto.randomBytes(12).toString('base64url')}-9`,
            rotateMeta,
          );
        break;
      case 'approve': {
        const blocks = (await active()).filter((b) => b.reason !== 'manual');
        if (!blocks.length) break;
        const target = blocks[0];
        const existing = await db.unblockRequest.findFirst({
          where: { blockId: target.id, status: 'pending' },
        });
        const r =
          existing ??
          (await db.unblockRequest.create({
            data: {
              blockId: target.id,
              accountId: account.id,
              kind: 'misdial',
              openKey: target.id,
              submittedById: member.id,
              whatHappened: 'Typed 00252 by mistake.',
              callbackPhone: '+12025550143',
            },
          }));
        const others = (await active()).filter((b) => b.id !== target.id).map((b) => b.id);
        await approveRequest(
          agent,
          { requestId: r.id, attest: 'on', note: 'Spoke with the account holder.', 'alsoLift[]': others },
          meta,
        );
        break;
      }
      case 'staffLift': {
        const blocks = await active();
        if (!blocks.length) break;
        await liftBlockByStaff(
          agent,
          {
            blockId: blocks[0].id,
            note: 'Lifted after review.',
            'alsoLift[]': blocks.slice(1).map((b) => b.id),
          },
          meta,
        );
        break;
      }
      case 'staffPlace':
        await placeManualBlock(agent, { accountNumber: n, note: 'Placed after review.' }, meta);
        break;
      case 'fault':
        await sim.control(
          'PUT',
          '/_sim/faults',
          step.kind === 'fail'
            ? { failNext: 1 }
            : step.kind === 'drop'
              ? { dropNext: 1 }
              : step.kind === 'late'
                ? { applyLateMs: ATTEMPT_MS * 2, applyLateNext: 1 }
                : { delayMs: ATTEMPT_MS * 2, delayNext: 1 },
        );
        break;
      case 'outbox': {
        // Support's block may reach the switch while a fraud block of the switch's own is in force
        // whose block.placed is still on its way (not delivered yet: no fault). The switch answers the
        // PUT with the account as it is (CONTRACTS §3: "200, same body as the GET"), which is its fraud
        // block, and the portal never shows a state the switch does not have: it shows that block as
        // the reconciler would (its event joins it when it lands) and, by design, lists the account
        // for support under "Out of sync with the switch" (docs/switch-api.md part 3, "Events for
        // Tollgate's own changes"; lib/blocks/lifecycle.ts confirmPlace; switch-echo.test.ts).
        // The calm check below took that row for the reconciler's repair (seed 69189538, shrunk to
        // staffPlace, fraud, outbox), but the reconciler found the account in sync: the row reports
        // a read of the switch in the middle of the schedule, where the model runs no reconciler
        // pass. So it is excused, and only it: any other row still fails a calm schedule.
        const before = (await unseenFraudOnSwitch()) ? await issueIds() : null;
        await processSwitchOutbox({ client, max: 3 });
        if (before)
          for (const id of await issueIds('blocked_in_portal')) if (!before.has(id)) answered.add(id);
        break;
      }
      case 'kill': {
        // A worker claims an operation, sends it, and dies before recording the answer.
        const op = await claimSwitchOperation(new Date(), 'doomed-worker', 60_000);
        if (!op) break;
        await client.setInternationalCalling(n, JSON.parse(op.payload), op.idempotencyKey);
        await db.switchOperation.updateMany({
          where: { id: op.id, leaseOwner: 'doomed-worker' },
          data: { leaseUntil: new Date(0) },
        }); // its lease runs out
        break;
      }
    }
  }

  // Quiescence: the network heals, the switch's retries deliver everything, workers catch up.
  await sim.control('DELETE', '/_sim/faults');
  // Late answers land: only a 'late' or 'slow' fault leaves a call in flight on the switch (the others
  // answer or drop at once, and every call above was awaited), so only then is there anything to wait for.
  if (schedule.steps.some((s) => s.t === 'fault' && (s.kind === 'late' || s.kind === 'slow')))
    await new Promise((r) => setTimeout(r, ATTEMPT_MS * 2));
  const order = [...queue]
    .map((e, i) => ({ e, k: schedule.deliveryOrder[i % schedule.deliveryOrder.length] + i / 100 }))
    .sort((a, b) => a.k - b.k);
  for (const { e } of order)
    if ((await send(e)) !== 200) throw new Error('an event was refused after the switch healed');
  for (let round = 0; round < 8; round++) {
    await db.switchOperation.updateMany({
      where: { accountNumber: n, status: 'pending' },
      data: { nextAttemptAt: new Date(0), leaseUntil: null },
    });
    await processSwitchOutbox({ client, max: 20 });
    const counts = await reconcilePass({ client, differenceWaitMs: 0, accountNumbers: [n] });
    const pending = await db.switchOperation.count({ where: { accountNumber: n, status: 'pending' } });
    if (
      pending === 0 &&
      counts.blocked_in_portal +
        counts.difference_seen +
        counts.reapplied_on_switch +
        counts.waiting_for_switch +
        counts.unreadable +
        counts.changed_meanwhile ===
        0
    )
      break;
  }

  // The checks.
  const sw = (await sim.control('GET', `/_sim/accounts/${n}`)).body as { internationalCalling: string };
  const open = await db.block.findMany({
    where: { accountId: account.id, status: { in: ['active', 'lift_pending'] } },
  });
  const portal = open.length ? 'blocked' : 'allowed';
  const problems: string[] = [];
  if (portal !== sw.internationalCalling)
    problems.push(`portal says ${portal}, switch says ${sw.internationalCalling}`);
  if (open.some((b) => b.status === 'lift_pending')) problems.push('a block still waits for a lift');
  const pendingOps = await db.switchOperation.count({ where: { accountNumber: n, status: 'pending' } });
  if (pendingOps) problems.push(`${pendingOps} operation(s) still wait for the switch`);
  for (const id of delivered) {
    const row = await db.switchEvent.findUnique({ where: { id } });
    if (row?.status !== 'processed') problems.push(`event ${id} is ${row?.status ?? 'missing'}`);
  }
  const stray = await db.unblockRequest.count({
    where: { accountId: account.id, status: 'pending', block: { status: { not: 'active' } } },
  });
  if (stray) problems.push(`${stray} pending request(s) on a block not in force`);
  const dupBlocks = await db.block.groupBy({
    by: ['sourceEventId'],
    where: { accountId: account.id, sourceEventId: { not: null } },
    _count: true,
  });
  if (dupBlocks.some((g) => g._count > 1)) problems.push('an event created two blocks');
  // Without faults or crashes, applying events in the switch's order must be enough on its own: the
  // reconciler has nothing to repair (this is what gives the ordering rules their teeth).
  const calm = !schedule.steps.some((s) => s.t === 'fault' || s.t === 'kill') && unanswered === 0;
  const issues = (await db.syncIssue.findMany({ where: { accountId: account.id } })).filter(
    (i) => !answered.has(i.id),
  );
  if (calm && issues.length)
    problems.push(
      `without any fault, reconciliation had to repair: ${issues.map((i) => i.detail).join(' | ')}`,
    );
  if (problems.length) throw new Error(`account ${n}: ${problems.join('; ')}`);
  return n;
}

/** Runs `numRuns` random schedules; a failure throws with fast-check's seed and path for replay. */
export async function checkTruth(sim: TestSim, numRuns: number, seed?: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(scheduleArb, async (s) => {
      await runSchedule(sim, s);
    }),
    { numRuns, seed, endOnFailure: true, verbose: 1 },
  );
}
