import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { approveAllowance, grantAllowance } from '@/lib/allowances/decide';
import {
  ALLOWANCE_GIVE_UP_MS,
  giveUpAllowanceOperation,
  sendAllowanceOperation,
} from '@/lib/allowances/operations';
import { requestAllowance, requestAllowanceSchema } from '@/lib/allowances/request';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import { createSwitchClient, type SwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { deliver, liftedEvent } from '@/tests/helpers/switch-events';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// A grant that does not start is told to the people waiting for it, and support sees it (since
// 2026-12-06; before, the switch's refusal only stored the allowance `refused`, and the block page's
// "Support will follow up" had nobody behind it): the switch refusing the PUT for good (a final 4xx,
// or a 200 without the country) lists the account once under "Out of sync with the switch"
// (`allowance_refused`), and allowance_not_started goes to the customer who asked and the agent who
// approved it; a grant given up after the hour mails them too, in other words. Real parts: the switch
// simulator, an SMTP server, both databases.

let sim: TestSim;
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

describe.each(dialects())('an allowance grant that does not start, on %s', (dialect) => {
  const mail = mailSuite(dialect);
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(async () => {
    // Each test starts with empty outboxes: the runs below only see that test's rows.
    await getDb().mailMessage.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
    await getDb().switchOperation.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
    await sim.control('DELETE', '/_sim/faults');
  });

  /** A blocked account (also on the switch) with two members reading `locale`; the first asks. */
  async function blocked(locale: 'en' | 'es' = 'en') {
    const emails = [0, 1].map(() => uniqueEmail('ns'));
    const made = await makeAccount({ members: emails });
    const account = await getDb().customerAccount.update({
      where: { id: made.account.id },
      data: { country: locale === 'es' ? 'MX' : 'US', timeZone: 'America/Mexico_City' },
    });
    for (const u of made.users) await getDb().user.update({ where: { id: u.id }, data: { locale } });
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      credentials: [],
    });
    const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 60_000) });
    const users = made.users.map((u) => asCustomer(u));
    return { account, block, asker: users[0]!, other: users[1]! };
  }

  /** The customer asks for Germany, an agent calls back and approves: the PUT is queued. */
  async function approved(asker: CurrentUser, blockId: string, agent: CurrentUser) {
    const asked = await requestAllowance(
      asker,
      requestAllowanceSchema.parse({
        blockId,
        country: 'DE',
        hours: '4',
        reason: 'We must confirm an order with our supplier.',
        callbackPhone: '+1 202 555 0143',
      }),
      meta,
    );
    if (!asked.ok) throw new Error(JSON.stringify(asked));
    const id = asked.data!.allowanceId;
    expect(
      await approveAllowance(agent, { allowanceId: id, attest: 'on', note: 'Spoke with the owner.' }, meta),
    ).toMatchObject({ ok: true });
    return id;
  }

  const refuseNext = (n: string) =>
    sim.control('PUT', `/_sim/faults/${n}`, {
      failNext: 1000,
      failStatus: 422,
      pathContains: 'destination-allowances',
      method: 'PUT',
    });
  /** The account's allowance PUT, as the outbox hands it on. */
  const putOf = (n: string) =>
    getDb().switchOperation.findFirstOrThrow({
      where: { accountNumber: n, kind: 'allowance_put' },
      orderBy: { createdAt: 'desc' },
    });
  const notStarted = (id: string) =>
    getDb().mailMessage.findMany({
      where: {
        template: 'allowance_not_started',
        payload: { contains: `"allowanceId":${JSON.stringify(id)}` },
      },
      orderBy: { to: 'asc' },
    });
  const issues = (accountId: string) => getDb().syncIssue.findMany({ where: { accountId } });

  it('a 4xx: one sync issue, one mail to the customer who asked (in Spanish) and one to the agent; settled again, nothing twice', async () => {
    const { account, block, asker, other } = await blocked('es');
    const agent = await makeStaff();
    const id = await approved(asker, block.id, agent);
    await refuseNext(account.number);
    expect(await processSwitchOutbox({ client: client() })).toBe(0);
    expect(await getDb().destinationAllowance.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'refused',
    });

    const [issue, ...more] = await issues(account.id);
    expect(more).toEqual([]);
    expect(issue).toMatchObject({ action: 'allowance_refused', portalState: 'blocked', resolvedAt: null });
    expect(issue!.detail).toContain('simulated_failure');
    expect(issue!.detail).toContain('DE');
    expect((await notStarted(id)).map((m) => m.to).sort()).toEqual([asker.email, agent.email].sort());

    // The same PUT settled again (a lease lost, a second instance): nothing more.
    const op = await putOf(account.number);
    expect(await sendAllowanceOperation({ ...op, status: 'pending' } as never, client())).toBe('refused');
    expect(await issues(account.id)).toHaveLength(1);
    expect(await notStarted(id)).toHaveLength(2);

    expect(await mail.deliver()).toBe(2);
    const [mine] = mail.smtp.to(asker.email).filter((m) => m.subject.startsWith('Las llamadas a Alemania'));
    expect(mine!.subject).toMatch(
      /^Las llamadas a Alemania \(DE\) siguen bloqueadas: nuestra central no aceptó el permiso — /,
    );
    const text = oneLine(mine!.text);
    expect(text).toContain('que usted solicitó y soporte aprobó el');
    expect(text).toContain('Soporte se pondrá en contacto con usted');
    expect(text).toContain(`/blocks/${block.id}`);
    expect(text).not.toContain('simulated_failure');
    const [theirs] = mail.smtp.to(agent.email);
    expect(theirs!.subject).toMatch(/^The switch refused the allowance for Germany \(DE\) — /);
    expect(oneLine(theirs!.text)).toContain(`that ${asker.email} asked for and you approved on`);
    expect(oneLine(theirs!.text)).toContain(': it answered “simulated_failure”');
    expect(oneLine(theirs!.text)).toContain(`/staff/accounts/${account.number}`);
    expect(mail.smtp.to(other.email)).toHaveLength(0);
  });

  it('a 200 without the country: the same, in English', async () => {
    const { account, block, asker } = await blocked('en');
    const agent = await makeStaff();
    const id = await approved(asker, block.id, agent);
    const real = client();
    const forgetful: SwitchClient = {
      ...real,
      async putDestinationAllowances(...args) {
        const res = await real.putDestinationAllowances(...args);
        return res.ok ? { ok: true, value: { ...res.value, allowances: [] } } : res;
      },
    };
    expect(await processSwitchOutbox({ client: forgetful })).toBe(0);
    expect(await issues(account.id)).toMatchObject([{ action: 'allowance_refused' }]);
    expect((await notStarted(id)).map((m) => m.to).sort()).toEqual([asker.email, agent.email].sort());
    expect(await mail.deliver()).toBe(2);
    const [mine] = mail.smtp.to(asker.email).filter((m) => m.subject.startsWith('Calls to Germany'));
    expect(mine!.subject).toMatch(
      /^Calls to Germany \(DE\) stay blocked: our phone system did not accept the allowance — /,
    );
    expect(oneLine(mine!.text)).toContain('Support will contact you about it');
    const [theirs] = mail.smtp.to(agent.email);
    expect(oneLine(theirs!.text)).toContain(': it answered without the allowance in force');
  });

  it('a grant given up after the hour: its own words to every member (support granted it) and the agent, once', async () => {
    const { account, asker, other } = await blocked('en');
    const agent = await makeStaff();
    expect(
      await grantAllowance(
        agent,
        { accountNumber: account.number, country: 'SO', hours: 2, reason: 'Supplier call in Mogadishu.' },
        meta,
      ),
    ).toMatchObject({ ok: true });
    const op = await putOf(account.number);
    const old = { ...op, createdAt: new Date(Date.now() - ALLOWANCE_GIVE_UP_MS - 60_000) };
    const failure = { kind: 'unavailable' as const, code: 'timeout', message: 'no answer within 2000 ms' };
    expect(await giveUpAllowanceOperation(old, failure)).toBe(true);
    expect(await giveUpAllowanceOperation(old, failure)).toBe(true); // settled twice: nothing more
    const a = await getDb().destinationAllowance.findFirstOrThrow({ where: { accountId: account.id } });
    expect((await notStarted(a.id)).map((m) => m.to).sort()).toEqual(
      [asker.email, other.email, agent.email].sort(),
    );
    expect(await issues(account.id)).toMatchObject([{ action: 'allowance_gave_up' }]);
    expect(await mail.deliver()).toBe(3);
    for (const u of [asker, other]) {
      const [m] = mail.smtp.to(u.email);
      expect(m!.subject).toMatch(
        /^Calls to Somalia \(SO\) may not go through: our phone system did not confirm/,
      );
      const text = oneLine(m!.text);
      expect(text).toContain('that support granted on');
      expect(text).toContain('Support is checking it with our phone system');
      expect(text).not.toMatch(/refused|did not accept|are allowed/i);
    }
    const [theirs] = mail.smtp.to(agent.email);
    expect(theirs!.subject).toMatch(/^The switch did not confirm the allowance for Somalia \(SO\) — /);
    expect(oneLine(theirs!.text)).toContain('(last: no answer in time)');
  });

  it('not sent once overtaken: a newer grant of the country started, or the block was lifted', async () => {
    const { account, block, asker } = await blocked('en');
    const agent = await makeStaff();
    const id = await approved(asker, block.id, agent);
    await refuseNext(account.number);
    await processSwitchOutbox({ client: client() });
    expect(await notStarted(id)).toHaveLength(2);
    // Before the mail goes, support grants Germany again and the switch confirms it.
    await sim.control('DELETE', '/_sim/faults');
    expect(
      await grantAllowance(
        agent,
        { accountNumber: account.number, country: 'DE', hours: 2, reason: 'Again.' },
        meta,
      ),
    ).toMatchObject({ ok: true });
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    await mail.deliver();
    for (const m of await notStarted(id))
      expect(m).toMatchObject({
        status: 'failed',
        lastError: expect.stringMatching(
          /^not sent: superseded: a newer allowance for the country started since/,
        ),
      });

    // Another account: refused, then the block is lifted before the mail goes.
    const second = await blocked('en');
    const id2 = await approved(second.asker, second.block.id, agent);
    await refuseNext(second.account.number);
    await processSwitchOutbox({ client: client() });
    expect((await deliver(liftedEvent(second.account.number))).status).toBe(200);
    await mail.deliver();
    const rows = await notStarted(id2);
    expect(rows).toHaveLength(2);
    for (const m of rows)
      expect(m).toMatchObject({
        status: 'failed',
        lastError: expect.stringMatching(/^not sent: superseded: no block is in force/),
      });
  });
});
