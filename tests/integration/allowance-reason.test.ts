import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveAllowance, grantAllowanceSchema } from '@/lib/allowances/decide';
import { requestAllowance, requestAllowanceSchema } from '@/lib/allowances/request';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { SWITCH_ACTOR_MAX, SWITCH_REASON_MAX, switchActor } from '@/lib/switch/schemas';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeBlockedOnSwitch } from '@/tests/helpers/factory';
import { inWords } from '@/tests/helpers/outcome';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// What Tollgate sends the switch must fit the switch contract (lib/switch/schemas.ts): an allowance
// reason the form accepts must not be refused by the switch after a callback and an approval, and a
// staff email of up to 254 characters must not make a switch call fail on its `actor` (200).

/** CONTRACTS §3 / docs/switch-api.md: `reason` 1–500 characters, `actor` 1–200. */
const CONTRACT = { reason: 500, actor: 200 };

let sim: TestSim;
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
/** A valid email of 254 characters (the longest an email may be), as a staff user's. */
const longEmail = () => {
  const local = `agent-${crypto.randomUUID()}`.slice(0, 64);
  const label = 'a'.repeat(63);
  const domain = `${label}.${label}.${label}.`;
  return `${local}@${domain}${'b'.repeat(254 - local.length - 1 - domain.length - 8)}.example`;
};

describe('the allowance reason limit is the switch contract’s', () => {
  it('is the contract’s, as the switch schema states it', () => {
    expect([SWITCH_REASON_MAX, SWITCH_ACTOR_MAX]).toEqual([CONTRACT.reason, CONTRACT.actor]);
  });

  it('refuses one character more than the switch takes, on both forms, in words that say the limit', () => {
    const fields = {
      blockId: 'b',
      accountNumber: 'ACC-1001',
      country: 'SO',
      hours: '4',
      callbackPhone: '+1 202 555 0143',
    };
    const over = 'x'.repeat(CONTRACT.reason + 1);
    const atLimit = `  ${'x'.repeat(CONTRACT.reason)}  `;
    for (const schema of [requestAllowanceSchema, grantAllowanceSchema]) {
      const refused = schema.safeParse({ ...fields, reason: over });
      expect(refused.success).toBe(false);
      expect(refused.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
        ['reason', 'outcome.field.allowance.reasonTooLong'],
      ]);
      expect(schema.safeParse({ ...fields, reason: atLimit }).success).toBe(true);
    }
    for (const catalogue of [en, es])
      expect(catalogue.outcome.field.allowance.reasonTooLong).toContain(String(CONTRACT.reason));
  });

  it('cuts an over-long actor to the contract’s limit, never inside a surrogate pair', () => {
    expect(switchActor('  ops@example.com ')).toBe('ops@example.com');
    const email = longEmail();
    expect(email).toHaveLength(254);
    expect(switchActor(email)).toBe(email.slice(0, CONTRACT.actor));
    const emoji = `${'x'.repeat(CONTRACT.actor - 1)}😀`;
    expect(switchActor(emoji)).toBe('x'.repeat(CONTRACT.actor - 1));
  });
});

describe.each(dialects())('what Tollgate sends the switch, against the simulator, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(() => sim.stop());

  const blockedAccount = () => makeBlockedOnSwitch(sim);

  it('a reason at the limit, approved by an agent with a 254-character email, is in force on the switch', async () => {
    const { account, block, member } = await blockedAccount();
    const input = requestAllowanceSchema.parse({
      blockId: block.id,
      country: 'SO',
      hours: '4',
      reason: 'r'.repeat(CONTRACT.reason),
      callbackPhone: '+1 202 555 0143',
    });
    const asked = inWords(await requestAllowance(member, input, meta));
    expect(asked.ok).toBe(true);
    const email = longEmail();
    const agent = await getDb().user.create({ data: { email, role: 'agent', totpEnabledAt: new Date() } });
    const approved = await approveAllowance(
      asUser(agent, { role: 'agent' }),
      { allowanceId: asked.data!.allowanceId, attest: 'on', note: 'Called the owner back.' },
      meta,
    );
    expect(approved.ok).toBe(true);
    await processSwitchOutbox({ client: client() });
    const a = await getDb().destinationAllowance.findFirstOrThrow({ where: { accountId: account.id } });
    expect([a.status, a.endReason]).toEqual(['active', null]);
    // Tollgate's own record keeps the whole email.
    expect(await getDb().auditLog.count({ where: { action: 'allowance.approved', actorEmail: email } })).toBe(
      1,
    );
  });

  it('a lift or block sent for a 254-character email is accepted by the switch', async () => {
    const { account } = await blockedAccount();
    const actor = longEmail();
    const lifted = await client().setInternationalCalling(
      account.number,
      { state: 'allowed', reason: 'Lifted by support', actor },
      crypto.randomUUID(),
    );
    expect(lifted).toMatchObject({ ok: true, value: { internationalCalling: 'allowed' } });
    const put = await client().putDestinationAllowances(
      account.number,
      {
        countries: ['SO'],
        until: new Date(Date.now() + 3600_000).toISOString(),
        reason: 'A supplier',
        actor,
      },
      crypto.randomUUID(),
    );
    expect(put).toMatchObject({ ok: true });
  });
});
