import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { switchEventSchema, triggerCallSchema } from '@/lib/switch/events-schema';
import { verifySignature } from '@/lib/switch/signature';
import { seedDemoAccounts, startTestSim, WEBHOOK_SECRET, type TestSim } from './sim-fixture';

// The simulator as an event sender (CONTRACTS §4): a fraud block is POSTed to a stand-in for
// Tollgate, signed and schema-valid, and kept and retried until Tollgate gives a final answer.

type Received = { raw: string; signature: string };
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
let answer: () => number = () => 200;
let sim: TestSim;

beforeAll(async () => {
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({
      raw: Buffer.concat(chunks).toString('utf8'),
      signature: String(req.headers['tollgate-signature']),
    });
    res
      .writeHead(answer(), { 'content-type': 'application/json' })
      .end('{"received":true,"duplicate":false}');
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/switch/events`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      receiver.closeAllConnections();
      receiver.close(() => r());
    }),
);
beforeEach(async () => {
  received = [];
  answer = () => 200;
  sim = await startTestSim({ eventsUrl: receiverUrl });
  await seedDemoAccounts(sim);
});
afterEach(() => sim.stop());

const waitFor = async (check: () => boolean | Promise<boolean>, ms = 10_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20)))
    if (await check()) return;
  throw new Error('condition not met in time');
};

describe('POST /_sim/fraud', () => {
  it('blocks the account and delivers a signed, valid block.placed with 2–5 realistic calls', async () => {
    const res = await sim.control('POST', '/_sim/fraud', {
      accountNumber: 'ACC-1002',
      to: '+252611234567',
      sourceIp: '203.0.113.9',
    });
    expect(res.status).toBe(202);
    expect(res.body.delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
    expect(received).toHaveLength(1);
    const [{ raw, signature }] = received as [Received];
    expect(verifySignature(WEBHOOK_SECRET, raw, signature)).toMatchObject({ ok: true });
    const event = switchEventSchema.parse(JSON.parse(raw));
    expect(event).toMatchObject({
      id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/),
      type: 'block.placed',
      data: { accountNumber: 'ACC-1002', reason: 'high_risk_destination' },
    });
    if (event.type !== 'block.placed') throw new Error('unreachable');
    // The simulator writes the contract's strict form (Tollgate reads looser ones: lib/blocks/trigger-calls.ts).
    const calls = triggerCallSchema.array().parse(event.data.calls);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(5);
    expect(calls[0]!.to).toBe('+252611234567');
    for (const c of calls) {
      expect(c).toMatchObject({
        from: 'labs-trunk',
        sourceIp: '203.0.113.9',
        to: expect.stringMatching(/^\+25261123/),
      });
      expect(Date.parse(c.at)).toBeLessThanOrEqual(Date.parse(event.occurredAt));
    }
    const times = calls.map((c) => Date.parse(c.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect((await sim.control('GET', '/_sim/accounts/ACC-1002')).body).toMatchObject({
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
    });
  });

  it('uses the requested reason and refuses unknown accounts and bad input', async () => {
    const res = await sim.control('POST', '/_sim/fraud', {
      accountNumber: 'ACC-1001',
      to: '+882345678',
      reason: 'hotspot_source_ip',
    });
    expect(res.body.event.data.reason).toBe('hotspot_source_ip');
    expect(res.body.wasBlocked).toBe(true);
    expect(
      (await sim.control('POST', '/_sim/fraud', { accountNumber: 'ACC-4040', to: '+252611234567' })).status,
    ).toBe(404);
    expect(
      (await sim.control('POST', '/_sim/fraud', { accountNumber: 'ACC-1001', to: 'Somalia' })).status,
    ).toBe(400);
    expect(
      (
        await sim.control('POST', '/_sim/fraud', {
          accountNumber: 'ACC-1001',
          to: '+252611234567',
          reason: 'bad',
        })
      ).status,
    ).toBe(400);
  });
});

describe('delivery', () => {
  it('keeps retrying while Tollgate fails, then delivers the same event with a fresh signature', async () => {
    answer = () => 503;
    const res = await sim.control('POST', '/_sim/fraud', { accountNumber: 'ACC-1001', to: '+252611234567' });
    expect(res.body.delivery).toMatchObject({ status: 'pending', lastStatus: 503 });
    await waitFor(() => received.length >= 3);
    answer = () => 200;
    await waitFor(
      async () => (await sim.control('GET', '/_sim/events')).body.events[0].status === 'delivered',
    );
    const ids = new Set(received.map((r) => JSON.parse(r.raw).id));
    expect(ids).toEqual(new Set([res.body.event.id]));
    for (const r of received) expect(verifySignature(WEBHOOK_SECRET, r.raw, r.signature).ok).toBe(true);
  });

  it.each([400, 401, 404])('stops on a final %i', async (status) => {
    answer = () => status;
    const res = await sim.control('POST', '/_sim/fraud', { accountNumber: 'ACC-1001', to: '+252611234567' });
    expect(res.body.delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatus: status });
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toHaveLength(1);
  });

  it('sends a lift only after the block it follows (per-account order)', async () => {
    answer = () => 500;
    await sim.control('POST', '/_sim/fraud', { accountNumber: 'ACC-1002', to: '+252611234567' });
    const lift = await sim.control('POST', '/_sim/lift', { accountNumber: 'ACC-1002' });
    expect(lift.body.delivery.attempts).toBe(0);
    answer = () => 200;
    await waitFor(async () =>
      (await sim.control('GET', '/_sim/events')).body.events.every(
        (e: { status: string }) => e.status === 'delivered',
      ),
    );
    const delivered = received.filter((_r, i) => i >= received.length - 2).map((r) => JSON.parse(r.raw).type);
    expect(delivered).toEqual(['block.placed', 'block.lifted']);
    expect(switchEventSchema.parse(JSON.parse(received.at(-1)!.raw))).toMatchObject({
      data: { accountNumber: 'ACC-1002', actor: 'switch' },
    });
  });

  it('survives a restart of the simulator: a pending event is delivered by the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-events-'));
    const unreachable = 'http://127.0.0.1:9/api/switch/events';
    try {
      let s = await startTestSim({ eventsUrl: unreachable }, dir);
      await seedDemoAccounts(s);
      const res = await s.control('POST', '/_sim/fraud', { accountNumber: 'ACC-1001', to: '+252611234567' });
      expect(res.body.delivery.status).toBe('pending');
      await s.close();
      s = await startTestSim({ eventsUrl: receiverUrl }, dir);
      await waitFor(() => received.some((r) => JSON.parse(r.raw).id === res.body.event.id));
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
