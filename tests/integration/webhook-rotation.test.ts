import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/switch/events/route';
import { EVENT_BODY_LIMIT } from '@/lib/blocks/ingest';
import { getDb } from '@/lib/server/db';
import { signEvent } from '@/lib/switch/signature';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';
import { type CrashChild, startCrashChild, untilPrinted } from '@/tests/helpers/crash';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Rotating SWITCH_WEBHOOK_SECRET without losing events (docs/operations.md): the switch answers a 401
// by stopping, so while SWITCH_WEBHOOK_SECRET_PREVIOUS is set, events signed with it are accepted.
// Set before the first request reads the configuration (lib/server/env.ts reads it once).
const PREVIOUS = 'previous-webhook-secret-0123456789-012345';
process.env.SWITCH_WEBHOOK_SECRET_PREVIOUS = PREVIOUS;
let seq = 0;

function post(body: string, secret: string) {
  return POST(
    new Request('http://localhost/api/switch/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'tollgate-signature': signEvent(secret, body) },
      body,
    }),
  );
}

describe.each(dialects())('webhook secret rotation on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('accepts the current and the previous secret, and nothing else', async () => {
    const { account } = await makeAccount({ members: [`rot-${dialect}@t.example`] });
    const event = (n: number) =>
      JSON.stringify({
        id: `evt_rot_${dialect}_${Date.now()}_${seq++}_${n}`,
        type: 'block.lifted',
        occurredAt: new Date().toISOString(),
        data: { accountNumber: account.number, actor: 'switch' },
      });
    expect((await post(event(1), process.env.SWITCH_WEBHOOK_SECRET!)).status).toBe(200);
    const old = event(2);
    const first = await post(old, PREVIOUS);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    expect(await (await post(old, PREVIOUS)).json()).toEqual({ received: true, duplicate: true });
    expect((await post(event(3), 'some-other-secret-0123456789-0123456789')).status).toBe(401);
  });

  it('recognises a body too large to apply (413) signed with either secret, and flags its account', async () => {
    const { account } = await makeAccount();
    const body = (n: number) =>
      JSON.stringify({
        id: `evt_rot_big_${dialect}_${seq++}_${n}`,
        type: 'block.placed',
        occurredAt: new Date().toISOString(),
        data: { accountNumber: account.number, reason: 'manual', pad: 'x'.repeat(EVENT_BODY_LIMIT) },
      });
    const due = async () =>
      (await getDb().customerAccount.findUniqueOrThrow({ where: { id: account.id } })).reconcileDue;
    for (const secret of [process.env.SWITCH_WEBHOOK_SECRET!, PREVIOUS]) {
      await getDb().customerAccount.update({ where: { id: account.id }, data: { reconcileDue: false } });
      expect((await post(body(1), secret)).status).toBe(413);
      expect(await due()).toBe(true);
    }
    await getDb().customerAccount.update({ where: { id: account.id }, data: { reconcileDue: false } });
    expect((await post(body(2), 'some-other-secret-0123456789-0123456789')).status).toBe(413);
    expect(await due()).toBe(false);
  });
});

// Drill 4 (docs/operations.md, "What happens if the portal dies during …"): the rotation the docs
// describe, done for real while the simulated switch keeps sending events. The portal is a process of
// its own (tests/helpers/crash-child.ts, the events route), killed with SIGKILL and started again
// for each of its steps; the switch is restarted with the new secret on the same port and database.
// One database: the signatures are the drill; the inbox's exactly-once is tested on both above and in
// switch-events.test.ts.
describe.each(dialects().slice(0, 1))('webhook secret rotation under a stream of events on %s', (dialect) => {
  const OLD = process.env.SWITCH_WEBHOOK_SECRET!;
  const NEW = 'rotated-webhook-secret-0123456789-abcdef';
  let sim: TestSim;
  let portal: CrashChild | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-rotation-'));
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  afterAll(async () => {
    if (portal) process.kill(-portal.child.pid!, 'SIGKILL');
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('no event is refused for good and none is applied twice', async () => {
    const port = await freePort();
    const simPort = await freePort();
    const eventsUrl = `http://127.0.0.1:${port}/api/switch/events`;
    /** (Re)starts the portal with these secrets: the old process is killed first (the port is reused). */
    const portalWith = async (secret: string, previous: string) => {
      if (portal) {
        const gone = new Promise((r) => portal!.child.once('exit', r));
        process.kill(-portal.child.pid!, 'SIGKILL');
        await gone;
      }
      portal = startCrashChild(
        'events',
        {},
        {
          PORT: String(port),
          SWITCH_WEBHOOK_SECRET: secret,
          SWITCH_WEBHOOK_SECRET_PREVIOUS: previous,
          SWITCH_API_URL: `http://127.0.0.1:${simPort}`,
          SWITCH_API_TOKEN: TOKEN,
        },
      );
      await untilPrinted(portal, 'listening');
    };
    const switchWith = async (webhookSecret: string) => {
      await sim?.stop();
      sim = await startTestSim({ port: simPort, eventsUrl, webhookSecret }, dir);
    };
    type SimEvent = {
      id: string;
      type: string;
      accountNumber: string;
      status: string;
      lastStatus: number | null;
    };
    /** The switch's outgoing events; read again once when a kept-alive socket of the old switch answers. */
    const events = async (): Promise<SimEvent[]> => {
      const read = async () => (await sim.control('GET', '/_sim/events')).body.events as SimEvent[];
      return read().catch(read);
    };
    /** Waits until `more` events beyond those delivered now were delivered (each step sees traffic). */
    const moreDelivered = async (more: number) => {
      const target = (await events()).filter((e) => e.status === 'delivered').length + more;
      for (let i = 0; i < 500; i++) {
        if ((await events()).filter((e) => e.status === 'delivered').length >= target) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      const seen = (await events()).map((e) => `${e.id} ${e.status} ${e.lastStatus}`);
      throw new Error(`fewer than ${more} events were delivered in 10 s:\n${seen.join('\n')}`);
    };

    await portalWith(OLD, '');
    await switchWith(OLD);
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { account, creds } = await makeAccount();
      await sim.control('PUT', `/_sim/accounts/${account.number}`, {
        internationalCalling: 'allowed',
        credentials: creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
      });
      numbers.push(account.number);
    }
    // The stream: each account blocked and lifted in turn by the switch, an event each time.
    let streaming = true;
    const stream = (async () => {
      for (let i = 0; streaming; i++) {
        const n = numbers[i % numbers.length];
        try {
          const state = (await sim.control('GET', `/_sim/accounts/${n}`)).body.internationalCalling;
          if (state === 'blocked') await sim.control('POST', '/_sim/lift', { accountNumber: n });
          else await sim.control('POST', '/_sim/fraud', { accountNumber: n, to: '+252611234567' });
        } catch {
          // the switch is being restarted: its events wait in its database
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    await moreDelivered(3);
    await portalWith(NEW, OLD); // step 1: the portal accepts both
    await moreDelivered(3);
    await switchWith(NEW); // step 2: the switch signs with the new one
    await moreDelivered(3);
    await portalWith(NEW, ''); // step 3: the previous secret is removed
    await moreDelivered(3);
    streaming = false;
    await stream;
    for (let i = 0; i < 100 && (await events()).some((e) => e.status === 'pending'); i++)
      await sim.control('POST', '/_sim/events/flush');

    const sent = await events();
    const db = getDb();
    const stored = await db.switchEvent.findMany({ where: { id: { in: sent.map((e) => e.id) } } });
    const placed = (n: string) =>
      sent.filter((e) => e.accountNumber === n && e.type === 'block.placed').length;
    const perAccount = async (n: string) => {
      const account = await db.customerAccount.findUniqueOrThrow({ where: { number: n } });
      const blocks = await db.block.findMany({ where: { accountId: account.id } });
      const onSwitch = (await sim.control('GET', `/_sim/accounts/${n}`)).body.internationalCalling;
      return {
        blocks: blocks.length,
        inForce: blocks.filter((b) => b.status !== 'lifted').length > 0 ? 'blocked' : 'allowed',
        onSwitch,
      };
    };
    expect(sent.filter((e) => e.status !== 'delivered' || e.lastStatus !== 200)).toEqual([]);
    expect(stored.map((e) => e.id).sort()).toEqual(sent.map((e) => e.id).sort());
    for (const n of numbers) {
      const seen = await perAccount(n);
      expect(seen).toEqual({ blocks: placed(n), inForce: seen.onSwitch, onSwitch: seen.onSwitch });
    }
  }, 90_000);
});

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}
