import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBlockForUser } from '@/lib/blocks/queries';
import { processMailOutbox, messageIdFor } from '@/lib/mail/worker';
import { getDb } from '@/lib/server/db';
import { getAccountForStaff } from '@/lib/staff/account-detail';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { killWhen, startCrashChild } from '@/tests/helpers/crash';
import { dialects } from '@/tests/helpers/db';
import { blockedWithRequest, makeStaff } from '@/tests/helpers/factory';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Drill 1 (docs/operations.md, "What happens if the portal dies during …"): the process of an agent
// approving a misdial unblock request is killed with SIGKILL (a) after the decision committed, before
// the lift reached the switch; (b) with the lift on the wire, applied by the switch, not yet answered;
// (c) with the lift on the wire, not yet applied. Another process (the restart) then runs the switch
// and mail outboxes once the dead one's lease has run out.

let sim: TestSim;
let hold: net.Server;
const held: net.Socket[] = [];
const simAccount = async (n: string) =>
  (await sim.control('GET', `/_sim/accounts/${n}`)).body as {
    internationalCalling: string;
    internationalCallingChanges: number;
  };
/** The switch's record of the calls it received for account `n`: path, key and answer (null: none yet). */
const simRequests = async (n: string) =>
  (
    (await sim.control('GET', '/_sim/requests')).body.requests as {
      path: string;
      idempotencyKey: string;
      status: number | null;
    }[]
  ).filter((r) => r.path.includes(n));

describe.each(dialects())('the portal killed during an approval, on %s', (dialect) => {
  const mail = mailSuite(dialect);
  beforeAll(async () => {
    sim = await startTestSim();
    // A switch address that takes the connection and never forwards it: the lift has left the portal
    // and the switch has not seen it.
    hold = net.createServer((s) => held.push(s));
    await new Promise<void>((r) => hold.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((r) => hold.close(r));
    await sim.stop();
  });

  const points = {
    'after the decision committed, before the switch saw the lift': {
      switchUrl: () => `http://127.0.0.1:${(hold.address() as net.AddressInfo).port}`,
      fault: null,
      reached: async (_n: string, heldBefore: number) => held.length > heldBefore,
    },
    'with the lift on the wire, applied by the switch, not answered': {
      switchUrl: () => sim.url,
      fault: { applyLateMs: 5000, applyLateNext: 1, method: 'PUT' },
      reached: async (n: string) => (await simAccount(n)).internationalCalling === 'allowed',
    },
    'with the lift on the wire, not applied yet': {
      switchUrl: () => sim.url,
      fault: { delayMs: 5000, delayNext: 1, method: 'PUT' },
      reached: async (n: string) => (await simRequests(n)).length > 0,
    },
  };

  for (const [point, p] of Object.entries(points)) {
    it(`killed ${point}: approved once, lifted once, one "calling is back" mail`, async () => {
      const { account, block, request, member } = await blockedWithRequest(sim);
      const staff = await makeStaff();
      if (p.fault) await sim.control('PUT', `/_sim/faults/${account.number}`, p.fault);
      const heldBefore = held.length;
      const child = startCrashChild(
        'approve',
        { requestId: request.id, staff },
        { SIM_URL: p.switchUrl(), SIM_TOKEN: TOKEN },
      );
      await killWhen(child, () => p.reached(account.number, heldBefore));
      const db = getDb();
      expect((await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe(
        'approved',
      );
      const op = await db.switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
      // Until the restart both pages say "Lifting: waiting for the switch", whatever the switch did.
      expect((await getBlockForUser(member.id, block.id))?.status).toBe('lift_pending');
      expect((await getAccountForStaff(staff, account.number))?.blocks.map((b) => b.status)).toEqual([
        'lift_pending',
      ]);
      expect({ status: op.status, leaseOwner: op.leaseOwner }).toEqual({
        status: 'pending',
        leaseOwner: 'crash-child',
      });
      // The dead process's call may still be open on the switch (answered to nobody, or never
      // applied): the restart does not wait for it, and the switch's key memory makes that safe.
      if (p.fault) await sim.control('DELETE', `/_sim/faults/${account.number}`);

      // The restart: the dead process's lease runs out, the outboxes of the new one run.
      await db.switchOperation.update({
        where: { id: op.id },
        data: { leaseUntil: new Date(Date.now() - 1000) },
      });
      const client = createSwitchClient({
        baseUrl: sim.url,
        token: TOKEN,
        timeoutMs: 5000,
        retries: 0,
        log: () => {},
      });
      expect(await processSwitchOutbox({ client, owner: 'restarted' })).toBe(1);
      await processMailOutbox({ transport: mail.transport, owner: 'restarted' });

      const onSwitch = await simAccount(account.number);
      const keys = new Set((await simRequests(account.number)).map((r) => r.idempotencyKey));
      const rows = await db.mailMessage.findMany({
        where: { to: member.email },
        orderBy: { template: 'asc' },
      });
      const agentPage = await getAccountForStaff(staff, account.number);
      expect({
        request: (await db.unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).status,
        approvals: await db.auditLog.count({ where: { action: 'request.approved', targetId: request.id } }),
        switch: onSwitch.internationalCalling,
        switchChanges: onSwitch.internationalCallingChanges,
        keys: [...keys],
        customerPage: (await getBlockForUser(member.id, block.id))?.status,
        agentPage: agentPage?.blocks.map((b) => b.status),
        agentOperations: agentPage?.operations.map((o) => o.status),
        mails: rows.map((r) => [r.template, r.status]),
        delivered: mail.smtp.to(member.email).map((m) => m.messageId),
      }).toEqual({
        request: 'approved',
        approvals: 1,
        switch: 'allowed',
        switchChanges: 1,
        keys: [op.idempotencyKey],
        customerPage: 'lifted',
        agentPage: ['lifted'],
        agentOperations: ['done'],
        mails: [
          ['block_lifted', 'done'],
          ['request_approved', 'done'],
        ],
        delivered: expect.toSatisfy(
          (ids: string[]) => ids.length === 2 && rows.every((r) => ids.includes(messageIdFor(r.id))),
        ),
      });
    });
  }
});
