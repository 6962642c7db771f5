import crypto from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getBlockForUser } from '@/lib/blocks/queries';
import { liftBlockByStaff } from '@/lib/blocks/manual';
import { resetSipPassword } from '@/lib/credentials/reset';
import { storedText } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import { approveRequest } from '@/lib/requests/decide';
import { sharedNow } from '@/lib/server/clock';
import { getDb } from '@/lib/server/db';
import { claimSwitchOperation, processSwitchOutbox } from '@/lib/switch/outbox';
import { endSwitchQuiet } from '@/lib/switch/quiet';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import {
  makeAccountBlockedOnSim,
  type Reg,
  simRegistration,
  simClient,
  strongPassword,
} from '@/tests/helpers/registrar';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// The rotation policy's lift reads the registrar before it goes (lib/switch/outbox.ts
// readBeforePolicyLift): a customer who went from the dashboard straight to `desk`'s reset page never
// had `fax` read, and `fax`, registered by the attacker from the fraud calls' address, called again
// the moment the block lifted. Against the real simulator, on each database.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const ATTACKER = '185.220.101.47';
const OFFICE_PHONE = { sourceIp: '198.51.100.20', userAgent: 'Yealink SIP-T46U' };
const WITHHELD = 'superseded: suspect credential not changed since the block';
const client = () => simClient(sim, 500);
const run = () => processSwitchOutbox({ client: client() });
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const db = () => getDb();

/**
 * An account with credentials desk, fax, ivr (and `more`), blocked on the switch and in the portal for
 * calls through desk from `callsFrom`; `regs` are each credential's registrations on the switch.
 */
async function blocked(regs: Record<string, Reg[]>, callsFrom = ATTACKER, more: string[] = []) {
  const n = crypto.randomInt(10 ** 9, 10 ** 10);
  const names = ['desk', 'fax', 'ivr', ...more];
  const usernames = Object.fromEntries(names.map((x) => [x, `${x}-${n}`]));
  const { account, users, cred: by } = await makeAccountBlockedOnSim(sim, usernames, regs);
  const block = await makeBlock(account.id, {
    placedAt: new Date(Date.now() - 60_000),
    calls: [{ sipUsername: by.desk!.username, sourceIp: callsFrom }],
  });
  const member = users[0]!;
  const reset = (name: string) => resetSipPassword(asCustomer(member), by[name]!.id, strongPassword(), meta);
  return { account, member, cred: by, block, reset };
}

const statusOf = async (id: string) => (await db().block.findUniqueOrThrow({ where: { id } })).status;
const lifts = (accountNumber: string) =>
  db().switchOperation.findMany({ where: { accountNumber, kind: 'lift' }, orderBy: { createdAt: 'asc' } });
const simAccount = async (n: string) =>
  (await sim.control('GET', `/_sim/accounts/${n}`)).body as {
    internationalCalling: string;
    internationalCallingChanges: number;
  };
/** The /v1 requests the simulator received for this account's number or one of its credentials. */
const requests = async (names: string[]) =>
  ((await sim.control('GET', '/_sim/requests')).body.requests as { method: string; path: string }[]).filter(
    (r) => names.some((x) => r.path.includes(`/${x}/`) || r.path.endsWith(`/${x}`)),
  );
const registrationReads = async (usernames: string[]) =>
  (await requests(usernames)).filter((r) => r.method === 'GET' && r.path.endsWith('/registrations'));
const liftMails = (blockId: string) =>
  db().mailMessage.count({ where: { template: 'block_lifted', payload: { contains: blockId } } });
/** Makes a failed attempt's backoff due now (tests do not wait minutes). */
const dueNow = () =>
  db().switchOperation.updateMany({ where: { status: 'pending' }, data: { nextAttemptAt: new Date(0) } });

describe.each(dialects())('the rotation policy’s lift reads the registrar first, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  beforeEach(async () => {
    await sim.control('DELETE', '/_sim/faults');
    await sim.control('DELETE', '/_sim/requests');
    endSwitchQuiet();
  });

  it('fax registered from the calls’ address, no page opened: desk’s reset lifts nothing until fax is changed too', async () => {
    const b = await blocked({
      desk: [OFFICE_PHONE],
      fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }],
    });
    await db().sipCredential.update({ where: { id: b.cred.fax!.id }, data: { label: 'Fax line' } });
    const usernames = Object.values(b.cred).map((c) => c.username);
    // Nobody read fax: desk's reset queues the lift, as before.
    expect(await b.reset('desk')).toMatchObject({ ok: true, data: { liftQueued: true } });
    expect(await statusOf(b.block.id)).toBe('lift_pending');

    expect(await run()).toBe(0);
    // Every credential read once, and no lift sent.
    expect((await registrationReads(usernames)).map((r) => r.path).sort()).toEqual(
      usernames.map((u) => `/v1/sip-credentials/${u}/registrations`).sort(),
    );
    expect((await requests([b.account.number])).filter((r) => r.method === 'PUT')).toEqual([]);
    expect(await simAccount(b.account.number)).toMatchObject({
      internationalCalling: 'blocked',
      internationalCallingChanges: 0,
    });
    expect(await statusOf(b.block.id)).toBe('active');
    const [withheld] = await lifts(b.account.number);
    expect(withheld).toMatchObject({ status: 'failed', lastError: WITHHELD, leaseOwner: null });
    // Never sent: nothing for the reconciler.
    expect((await db().customerAccount.findUniqueOrThrow({ where: { id: b.account.id } })).reconcileDue).toBe(
      false,
    );
    expect(await db().blockSuspectCredential.findMany({ where: { blockId: b.block.id } })).toMatchObject([
      { credentialId: b.cred.fax!.id, reason: 'trigger_ip', sourceIp: ATTACKER },
    ]);
    const audit = await db().auditLog.findMany({
      where: { accountId: b.account.id, action: 'block.lift_withheld' },
    });
    expect(audit).toMatchObject([{ actorId: null, targetType: 'block', targetId: b.block.id }]);
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ username: b.cred.fax!.username });
    expect(await liftMails(b.block.id)).toBe(0);

    // The customer's page: the timeline says why, in words; fax is asked for.
    const view = (await getBlockForUser(b.member.id, b.block.id))!;
    const last = view.events.at(-1)!;
    expect(last.title).toBe('lift_stopped');
    const fax = `Fax line (${b.cred.fax!.username})`;
    expect(storedText(translate('en'), last.detail)).toBe(
      `International calling was not restored: ${fax} was registered from the address of the fraud calls; change its password too.`,
    );
    expect(storedText(translate('es'), last.detail)).toBe(
      `No se restablecieron las llamadas internacionales: ${fax} se registró desde la dirección de las llamadas fraudulentas; cambie también su contraseña.`,
    );
    expect(view.credentials.find((c) => c.id === b.cred.fax!.id)!.suspected).toEqual({
      reason: 'trigger_ip',
      sourceIp: ATTACKER,
    });
    // Tollgate withheld the lift; the switch refused nothing (its timeline entry is by `switch`, as
    // every withdrawal's is): the page must not say "the switch refused it, support was told".
    expect(view.liftRefused).toBe(false);

    // fax changed (which ends the attacker's registration): the new lift passes the same read.
    await sim.control('DELETE', '/_sim/requests');
    expect(await b.reset('fax')).toMatchObject({ ok: true, data: { liftQueued: true } });
    expect(await run()).toBe(1);
    expect(await registrationReads(usernames)).toHaveLength(3);
    expect(await simAccount(b.account.number)).toMatchObject({
      internationalCalling: 'allowed',
      internationalCallingChanges: 1,
    });
    expect(await statusOf(b.block.id)).toBe('lifted');
    expect((await lifts(b.account.number)).map((o) => o.status)).toEqual(['failed', 'done']);
    expect(await liftMails(b.block.id)).toBe(1);
  });

  it('a worker that died after claiming the lift (attempts 1, never sent): the next claim reads and withholds it', async () => {
    const b = await blocked({ fax: [{ sourceIp: '192.0.2.77', userAgent: 'friendly-scanner' }] });
    expect(await b.reset('desk')).toMatchObject({ ok: true, data: { liftQueued: true } });
    expect(await claimSwitchOperation(sharedNow(), 'dead-worker', 1)).toBeTruthy();
    await new Promise((r) => setTimeout(r, 20)); // its lease runs out
    expect(await run()).toBe(0);
    expect(await lifts(b.account.number)).toMatchObject([
      { status: 'failed', lastError: WITHHELD, attempts: 2 },
    ]);
    expect(await statusOf(b.block.id)).toBe('active');
    expect((await simAccount(b.account.number)).internationalCallingChanges).toBe(0);
  });

  it('a registrations read that fails leaves the lift queued and unsent; once it works, it is read and sent', async () => {
    const b = await blocked({ desk: [OFFICE_PHONE], fax: [OFFICE_PHONE] });
    const fax = b.cred.fax!.username;
    const usernames = Object.values(b.cred).map((c) => c.username);
    expect(await b.reset('desk')).toMatchObject({ ok: true, data: { liftQueued: true } });
    const faults = [
      [{ failNext: 1, failStatus: 503 }, /503/],
      [{ delayMs: 2000, delayNext: 1 }, /^timeout: /],
      [{ failNext: 1, failStatus: 503, retryAfter: '1' }, /^asked_to_wait: 1 s; /],
    ] as const;
    for (const [fault, error] of faults) {
      await sim.control('PUT', '/_sim/faults', { ...fault, pathContains: `/${fax}/registrations` });
      expect(await run()).toBe(0);
      await sim.control('DELETE', '/_sim/faults');
      const [op] = await lifts(b.account.number);
      expect(op).toMatchObject({ status: 'pending' });
      expect(op!.lastError).toMatch(error);
      expect(JSON.parse(op!.payload)).toMatchObject({ registrationsRead: false });
      expect(await statusOf(b.block.id)).toBe('lift_pending');
      expect((await requests([b.account.number])).filter((r) => r.method === 'PUT')).toEqual([]);
      expect(await db().blockSuspectCredential.count({ where: { blockId: b.block.id } })).toBe(0);
      endSwitchQuiet();
      await dueNow();
    }
    await sim.control('DELETE', '/_sim/requests');
    expect(await run()).toBe(1);
    expect(await registrationReads(usernames)).toHaveLength(3);
    expect(await statusOf(b.block.id)).toBe('lifted');
    expect(await lifts(b.account.number)).toMatchObject([{ status: 'done', attempts: 4 }]);
    expect(await simAccount(b.account.number)).toMatchObject({
      internationalCalling: 'allowed',
      internationalCallingChanges: 1,
    });
  });

  it('a credential the switch does not know (404) is read as one with no bindings: the lift goes', async () => {
    const b = await blocked({ desk: [OFFICE_PHONE] });
    const ghost = await db().sipCredential.create({
      data: { accountId: b.account.id, username: `ghost-${b.cred.desk!.username}`, label: 'Old fax' },
    });
    expect(await b.reset('desk')).toMatchObject({ ok: true, data: { liftQueued: true } });
    expect(await run()).toBe(1);
    expect((await registrationReads([ghost.username])).map((r) => r.path)).toEqual([
      `/v1/sip-credentials/${ghost.username}/registrations`,
    ]);
    expect(await statusOf(b.block.id)).toBe('lifted');
  });

  it('support’s lift and an approved misdial unblock are sent without reading registrations', async () => {
    const agent = await makeStaff();
    for (const decide of ['support', 'misdial'] as const) {
      const b = await blocked({ fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }] });
      if (decide === 'support')
        expect(
          await liftBlockByStaff(
            agent,
            { blockId: b.block.id, note: 'Called; they changed everything.' },
            meta,
          ),
        ).toMatchObject({ ok: true });
      else {
        const request = await makeRequest(b.block, b.member.id);
        expect(
          await approveRequest(
            agent,
            { requestId: request.id, attest: 'on', note: 'Spoke with the owner; a typo.' },
            meta,
          ),
        ).toMatchObject({ ok: true });
      }
      expect(JSON.parse((await lifts(b.account.number))[0]!.payload)).not.toHaveProperty('registrationsRead');
      expect(await run()).toBe(1);
      expect(await registrationReads(Object.values(b.cred).map((c) => c.username))).toEqual([]);
      expect(await statusOf(b.block.id)).toBe('lifted');
    }
  });

  it('the office’s own network at the calls’ address does not withhold the lift', async () => {
    const OFFICE = '8.8.8.8'; // in the account's country (US), as an office's NAT address is
    const phone = { sourceIp: OFFICE, userAgent: 'Yealink SIP-T46U' };
    const b = await blocked(
      { desk: [phone], fax: [phone, phone], ivr: [phone, phone], pbx: [phone] },
      OFFICE,
      ['pbx'],
    );
    expect(await b.reset('desk')).toMatchObject({ ok: true, data: { liftQueued: true } });
    expect(await run()).toBe(1);
    expect(await registrationReads(Object.values(b.cred).map((c) => c.username))).toHaveLength(4);
    expect(await db().blockSuspectCredential.count({ where: { blockId: b.block.id } })).toBe(0);
    expect(await statusOf(b.block.id)).toBe('lifted');
  });

  it('a retry of a lift that may have reached the switch is never withheld, nor read again', async () => {
    const b = await blocked({ desk: [OFFICE_PHONE] });
    const fax = b.cred.fax!.username;
    expect(await b.reset('desk')).toMatchObject({ ok: true, data: { liftQueued: true } });
    // Read clean, sent; the switch applies it but answers too late.
    await sim.control('PUT', '/_sim/faults', {
      applyLateMs: 2000,
      applyLateNext: 1,
      method: 'PUT',
      pathContains: b.account.number,
    });
    expect(await run()).toBe(0);
    await sim.control('DELETE', '/_sim/faults');
    expect((await simAccount(b.account.number)).internationalCalling).toBe('allowed');
    expect(await lifts(b.account.number)).toMatchObject([{ status: 'pending' }]);
    // The attacker registers fax now: too late for this lift, which the switch may have applied.
    await sim.control('PUT', `/_sim/credentials/${fax}/registrations`, {
      registrations: [simRegistration(fax, { sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' })],
    });
    await sim.control('DELETE', '/_sim/requests');
    await dueNow();
    expect(await run()).toBe(1);
    expect(await registrationReads([fax])).toEqual([]);
    expect(await lifts(b.account.number)).toMatchObject([{ status: 'done', attempts: 2 }]);
    expect(await statusOf(b.block.id)).toBe('lifted');
    expect((await simAccount(b.account.number)).internationalCallingChanges).toBe(1);
  });
});
