import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestAllowance, requestAllowanceSchema } from '@/lib/allowances/request';
import { getBlockForUser } from '@/lib/blocks/queries';
import { getRequestForStaff } from '@/lib/requests/detail';
import { withdrawRequest } from '@/lib/requests/submit';
import { getDb } from '@/lib/server/db';
import { getAccountForStaff } from '@/lib/staff/account-detail';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects } from '@/tests/helpers/db';
import {
  asCustomer,
  decideLift,
  makeAccount,
  makeBlock,
  makeRequest,
  makeStaff,
} from '@/tests/helpers/factory';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Every way a customer's waiting request is closed without an agent's decision, and what the customer
// is told (docs/staff-console.md "Requests closed without a decision"). Before (2026-12-03): a request
// closed by a lift read "Withdrawn" on the customer's page though they withdrew nothing; the "calling
// is back" mail did not say the request was closed; a new block closed a waiting allowance request
// and its block notice did not say so; a lift that left a newer block in force mailed "international
// calling is back" although it was not. Real SMTP server, real switch simulator.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
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

/** The member asks for Somalia for 4 h from the block's page; the allowance's id. */
async function askSomalia(member: ReturnType<typeof asCustomer>, blockId: string) {
  const asked = await requestAllowance(
    member,
    requestAllowanceSchema.parse({
      blockId,
      country: 'SO',
      hours: '4',
      reason: 'Our supplier is in Mogadishu.',
      callbackPhone: '+1 202 555 0143',
    }),
    meta,
  );
  expect(asked).toMatchObject({ ok: true });
  return (asked as { data: { allowanceId: string } }).data.allowanceId;
}

/** A blocked account (in Tollgate and on the simulator) whose member waits for a misdial and an allowance decision. */
async function waitingForSupport(locale: 'en' | 'es' = 'en') {
  const made = await makeAccount();
  const db = getDb();
  const member = await db.user.update({ where: { id: made.users[0].id }, data: { locale } });
  await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
    internationalCalling: 'blocked',
    reason: 'high_risk_destination',
    credentials: [],
  });
  const block = await makeBlock(made.account.id, { placedAt: new Date(Date.now() - 3600_000) });
  const request = await makeRequest(block, member.id);
  const allowanceId = await askSomalia(asCustomer(member), block.id);
  return { ...made, member, block, request, allowanceId };
}

const templates = async (email: string) =>
  (await getDb().mailMessage.findMany({ where: { to: email }, orderBy: { createdAt: 'asc' } })).map(
    (m) => m.template,
  );

describe.each(dialects())('requests closed without a decision on %s', (dialect) => {
  const mail = mailSuite(dialect);
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('the switch lifts the last block: one "calling is back" mail names both requests; pages say closed, not withdrawn', async () => {
    const w = await waitingForSupport();
    expect((await deliver(liftedEvent(w.account.number))).status).toBe(200);
    // The customer's block page and the staff pages: closed without a decision, not "withdrawn".
    const page = await getBlockForUser(w.member.id, w.block.id);
    expect(page!.requests).toEqual([expect.objectContaining({ id: w.request.id, status: 'closed' })]);
    const agent = await makeStaff();
    expect(await getRequestForStaff(agent, w.request.id)).toMatchObject({ status: 'closed' });
    expect((await getAccountForStaff(agent, w.account.number))!.requests).toEqual([
      expect.objectContaining({ id: w.request.id, status: 'closed' }),
    ]);
    // One mail, which says calling is back and what became of both requests: no second mail. (The
    // allowance request's receipt, queued when it was asked, is not sent once the request is closed.)
    expect(await templates(w.member.email)).toEqual(['allowance_received', 'block_lifted']);
    await mail.deliver();
    const [lifted, ...more] = mail.smtp.to(w.member.email);
    expect(more).toEqual([]);
    expect(lifted!.subject).toBe(`International calling is back on ${w.account.name} (${w.account.number})`);
    const text = lifted!.text!.replace(/\s+/g, ' ');
    expect(text).toMatch(
      /Your unblock request of .+ \(misdial\) is closed without a decision: with international calling back, there is nothing left to decide\./,
    );
    expect(text).toMatch(
      /Your request to allow calls to Somalia \(SO\) for 4 hours, sent on .+, is closed without a decision: every country can be called again/,
    );
  });

  it('support’s lift, confirmed by the switch, closes the waiting requests and its mail says so, in Spanish', async () => {
    const w = await waitingForSupport('es');
    expect(await decideLift([w.block])).toMatchObject({ ok: true });
    expect(await outbox()).toBeGreaterThanOrEqual(1);
    expect(await getDb().unblockRequest.findUniqueOrThrow({ where: { id: w.request.id } })).toMatchObject({
      status: 'withdrawn',
      decidedById: null,
    });
    expect(await templates(w.member.email)).toEqual(['allowance_received', 'block_lifted']);
    await mail.deliver();
    const [lifted] = mail.smtp.to(w.member.email);
    const text = lifted!.text!.replace(/\s+/g, ' ');
    expect(lifted!.subject).toMatch(/^Las llamadas internacionales vuelven a funcionar/);
    expect(text).toMatch(
      /Su solicitud de desbloqueo enviada el .+ \(marcación errónea\) queda cerrada sin decisión/,
    );
    expect(text).toMatch(
      /Su solicitud de permiso para llamar a Somalia \(SO\) durante 4 horas, enviada el .+/,
    );
  });

  it('a new block closes a waiting allowance request, and its block notice says so: one mail', async () => {
    const w = await waitingForSupport();
    const before = await getDb().mailMessage.count({ where: { to: w.member.email } });
    expect((await deliver(placedEvent(w.account.number, { from: [w.creds[0]!.username] }))).status).toBe(200);
    expect(
      await getDb().destinationAllowance.findUniqueOrThrow({ where: { id: w.allowanceId } }),
    ).toMatchObject({ status: 'denied', decidedById: null });
    // The misdial request of the first block still waits: that block is still in force.
    expect(await getDb().unblockRequest.findUniqueOrThrow({ where: { id: w.request.id } })).toMatchObject({
      status: 'pending',
    });
    expect((await templates(w.member.email)).slice(before)).toEqual(['block_notice']);
    await mail.deliver();
    const notice = mail.smtp.to(w.member.email).at(-1)!;
    expect(notice.subject).toMatch(/^International calling blocked on /);
    expect(notice.text!.replace(/\s+/g, ' ')).toMatch(
      /Your request to allow calls to Somalia \(SO\) for 4 hours, sent on .+, is closed without a decision: it was asked under an earlier block, and this new block needs a decision of its own\. If you still need it, ask again from this block’s page\./,
    );
  });

  it('a lift that leaves a newer block in force: no "calling is back", the requester is told their request closed', async () => {
    const w = await waitingForSupport();
    // A newer block from the switch, then a lift dated between the two: it lifts only the first. Ten
    // minutes apart, past the clock-skew window (within it the switch's state would decide).
    const newer = new Date();
    expect(
      (await deliver(placedEvent(w.account.number, { at: newer, from: [w.creds[0]!.username] }))).status,
    ).toBe(200);
    const between = new Date(newer.getTime() - 10 * 60_000);
    expect((await deliver(liftedEvent(w.account.number, between))).status).toBe(200);
    expect(await getDb().block.findUniqueOrThrow({ where: { id: w.block.id } })).toMatchObject({
      status: 'lifted',
    });
    expect(await getDb().block.count({ where: { accountId: w.account.id, status: 'active' } })).toBe(1);
    const page = await getBlockForUser(w.member.id, w.block.id);
    expect(page!.requests).toEqual([expect.objectContaining({ status: 'closed' })]);
    // Not "international calling is back" (it is not): the request's own close, once.
    const sent = await templates(w.member.email);
    expect(sent).not.toContain('block_lifted');
    expect(sent.filter((t) => t === 'request_closed')).toHaveLength(1);
    await mail.deliver();
    const closed = mail.smtp
      .to(w.member.email)
      .find((m) => /unblock request .* is closed/.test(m.subject ?? ''))!;
    expect(closed.subject).toBe(`Your unblock request for ${w.account.name} (${w.account.number}) is closed`);
    expect(closed.text!.replace(/\s+/g, ' ')).toMatch(
      /is closed without a decision: the block it was about was lifted, but another block is in force on the account, so international calling is still blocked\./,
    );
  });

  it('a customer who withdraws is not mailed about it; the request reads withdrawn by them', async () => {
    const w = await waitingForSupport();
    const before = await getDb().mailMessage.count({ where: { to: w.member.email } });
    expect(await withdrawRequest(asCustomer(w.member), w.request.id, meta)).toMatchObject({ ok: true });
    expect(await getDb().mailMessage.count({ where: { to: w.member.email } })).toBe(before);
    const agent = await makeStaff();
    expect(await getRequestForStaff(agent, w.request.id)).toMatchObject({
      status: 'withdrawn',
      decision: { by: w.member.email },
    });
    const page = await getBlockForUser(w.member.id, w.block.id);
    expect(page!.requests).toEqual([expect.objectContaining({ status: 'withdrawn' })]);
  });
});
