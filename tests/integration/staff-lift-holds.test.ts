import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { createElement as h } from 'react';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiftHolds } from '@/components/staff/lift-holds';
import { liftHoldsAfterRead, liftHoldsForStaff, type LiftHolds as Holds } from '@/lib/accounts/block-history';
import { devicesForStaff } from '@/lib/devices/registrations';
import { getAccountForStaff } from '@/lib/staff/account-detail';
import type { CurrentUser } from '@/lib/auth/session';
import { resetSipPassword } from '@/lib/credentials/reset';
import { getDb } from '@/lib/server/db';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { endSwitchQuiet } from '@/lib/switch/quiet';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';
import { makeAccountBlockedOnSim, type Reg, simClient, strongPassword } from '@/tests/helpers/registrar';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// A customer on the phone: "I changed my password, why am I still blocked?". The staff account page
// said neither that the rotation's lift was withheld for a suspect credential (lib/blocks/lifecycle.ts
// withholdLiftForSuspects) nor which passwords the block still waits for: the agent had to open the
// timeline or the audit log. Its Blocks section now reads them (lib/accounts/block-history.ts
// liftHoldsForStaff) and says them (components/staff/lift-holds.tsx). The real lift path against the
// simulator, on each database.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const ATTACKER = '185.220.101.47';
const OFFICE_PHONE = { sourceIp: '198.51.100.20', userAgent: 'Yealink SIP-T46U' };
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const db = () => getDb();
const client = () => simClient(sim, 500);
const shown = (holds: Holds | undefined, locale: 'en' | 'es' = 'en', otherActive = false) =>
  text(render(h(LiftHolds, { holds, otherActive }), locale)).trim();

/** desk, fax and ivr, blocked on the switch and here for calls through desk from ATTACKER. */
async function blocked(regs: Record<string, Reg[]>) {
  const n = crypto.randomInt(10 ** 9, 10 ** 10);
  const usernames = Object.fromEntries(['desk', 'fax', 'ivr'].map((x) => [x, `${x}-${n}`]));
  const { account, users, cred: by } = await makeAccountBlockedOnSim(sim, usernames, regs);
  await db().sipCredential.update({ where: { id: by.fax!.id }, data: { label: 'Fax line' } });
  const block = await makeBlock(account.id, {
    placedAt: new Date(Date.now() - 60_000),
    calls: [{ sipUsername: by.desk!.username, sourceIp: ATTACKER }],
  });
  const reset = (name: string) =>
    resetSipPassword(asCustomer(users[0]!), by[name]!.id, strongPassword(), meta);
  return { account, cred: by, block, reset, customer: asCustomer(users[0]!) };
}

describe.each(dialects())(
  'what an active block’s lift waits for, on the staff account page, on %s',
  (dialect) => {
    let agent: CurrentUser;
    beforeAll(async () => {
      await useFreshDb(dialect);
      agent = await makeStaff();
    });
    beforeEach(async () => {
      await sim.control('DELETE', '/_sim/faults');
      endSwitchQuiet();
    });

    it('a lift withheld for fax: the line says so, fax is listed with why, where from and when; fax changed, it is gone', async () => {
      const b = await blocked({
        desk: [OFFICE_PHONE],
        fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }],
      });
      expect(await b.reset('desk')).toMatchObject({ ok: true, data: { liftQueued: true } });
      expect(await processSwitchOutbox({ client: client() })).toBe(0);
      expect((await db().block.findUniqueOrThrow({ where: { id: b.block.id } })).status).toBe('active');
      const [suspect] = await db().blockSuspectCredential.findMany({ where: { blockId: b.block.id } });

      const holds = (await liftHoldsForStaff(agent, b.account.id, [b.block.id])).get(b.block.id)!;
      const fax = { id: b.cred.fax!.id, username: b.cred.fax!.username, label: 'Fax line' };
      expect(holds).toEqual({
        holds: [
          {
            kind: 'suspect',
            credential: fax,
            reason: 'trigger_ip',
            sourceIp: ATTACKER,
            firstSeenAt: suspect!.firstSeenAt,
          },
        ],
        withheld: { at: expect.any(Date), credentials: `Fax line (${fax.username})`, count: 1 },
        allChanged: false,
      });
      const event = await db().blockEvent.findFirstOrThrow({
        where: { blockId: b.block.id, type: 'lift_requested', actor: 'switch' },
      });
      expect(holds.withheld!.at.getTime()).toBe(event.at.getTime());

      const html = render(h(LiftHolds, { holds, otherActive: false }));
      expect(html).toContain(`<time dateTime="${suspect!.firstSeenAt.toISOString()}">`);
      expect(html).toContain(`<time dateTime="${event.at.toISOString()}">`);
      const en = shown(holds);
      expect(en).toMatch(
        new RegExp(
          `^Automatic lift withheld .+: the suspect credential Fax line \\(${fax.username}\\) still had the password from before the block\\. `,
        ),
      );
      expect(en).toMatch(
        new RegExp(
          `Still to change before the automatic lift: Fax line \\(${fax.username}\\) · Registered from the address of the fraud calls \\(${ATTACKER.replace(/\./g, '\\.')}\\), first seen .+ · Password not changed yet$`,
        ),
      );
      expect(en).not.toContain(b.cred.desk!.username); // changed: it holds nothing
      const es = shown(holds, 'es');
      expect(es).toMatch(/^Levantamiento automático retenido el .+: la credencial sospechosa Fax line/);
      expect(es).toContain(
        `Se registró desde la dirección de las llamadas fraudulentas (${ATTACKER}), vista por primera vez el`,
      );

      // The withheld lift was read for, never sent: the account page's changes list says no "sent once".
      const view = (await getAccountForStaff(agent, b.account.number))!;
      expect(view.operations).toMatchObject([{ kind: 'lift', status: 'failed', attempts: 0 }]);
      expect(
        (await db().switchOperation.findFirstOrThrow({ where: { accountNumber: b.account.number } }))
          .attempts,
      ).toBe(1);

      // fax changed: the lift is queued again, the block is being lifted, nothing waits any more.
      expect(await b.reset('fax')).toMatchObject({ ok: true, data: { liftQueued: true } });
      expect((await liftHoldsForStaff(agent, b.account.id, [b.block.id])).has(b.block.id)).toBe(false);
      expect(shown(undefined)).toBe('');
    });

    it('a named credential not changed is listed; a suspect once changed is not; with every one changed, it says so', async () => {
      const { account, creds } = await makeAccount();
      const [desk, fax] = creds as [(typeof creds)[0], (typeof creds)[0]];
      const block = await makeBlock(account.id, {
        placedAt: new Date(Date.now() - 60_000),
        calls: [{ sipUsername: desk.username }, { sipUsername: desk.username }, { sipUsername: 'trunk-9' }],
      });
      const firstSeenAt = new Date(Date.now() - 30_000);
      await db().blockSuspectCredential.create({
        data: {
          blockId: block.id,
          credentialId: fax.id,
          reason: 'scanner',
          sourceIp: '192.0.2.77',
          firstSeenAt,
        },
      });
      const read = async () => (await liftHoldsForStaff(agent, account.id, [block.id])).get(block.id)!;
      const named = { id: desk.id, username: desk.username, label: desk.label };
      const scanned = { id: fax.id, username: fax.username, label: fax.label };
      expect(await read()).toEqual({
        holds: [
          { kind: 'named', credential: named },
          { kind: 'unknown', username: 'trunk-9' },
          { kind: 'suspect', credential: scanned, reason: 'scanner', sourceIp: '192.0.2.77', firstSeenAt },
        ],
        withheld: null,
        allChanged: false,
      });
      const words = shown(await read());
      expect(words).toContain(`${desk.username} · Used in the trigger calls · Password not changed yet`);
      expect(words).toContain(`${fax.username} · Registered by a SIP scanning tool (192.0.2.77), first seen`);
      expect(words).toContain('trunk-9: used in the trigger calls, and no SIP credential of this account');
      // No automatic lift with a trunk in the calls: the list does not promise one (a tester, 2026-12-07).
      expect(words).toContain('Not changed since the block (this block has no automatic lift: see below):');
      expect(words).not.toContain('before the automatic lift');
      expect(words).not.toContain('withheld');

      // A change sent before the portal heard of the block does not count (passwordChangedSince).
      await db().sipCredential.update({
        where: { id: fax.id },
        data: { passwordChangedAt: new Date(block.createdAt.getTime() - 1000) },
      });
      expect((await read()).holds.map((x) => x.kind)).toEqual(['named', 'unknown', 'suspect']);
      await db().sipCredential.update({ where: { id: fax.id }, data: { passwordChangedAt: new Date() } });
      expect((await read()).holds).toEqual([
        { kind: 'named', credential: named },
        { kind: 'unknown', username: 'trunk-9' },
      ]);
      await db().sipCredential.update({ where: { id: desk.id }, data: { passwordChangedAt: new Date() } });
      expect(await read()).toMatchObject({ holds: [{ kind: 'unknown' }], allChanged: false });
      await db().triggerCall.deleteMany({ where: { blockId: block.id, sipUsername: 'trunk-9' } });
      const done = await read();
      expect(done).toEqual({ holds: [], withheld: null, allChanged: true });
      // What holds it then: another block in force, or a person (a tester asked which, 2026-12-07).
      expect(shown(done, 'en', true)).toBe(
        "Every password this block asks for was changed since it was placed: the account's other block in force holds it, and both are lifted together.",
      );
      expect(shown(done)).toMatch(
        /^Every password this block asks for was changed since it was placed: a person lifts it now, because the lift policy says so for its reason \(the queue page lists it under “Rotated, waiting for a person”\)/,
      );
      expect(shown(done, 'es')).toMatch(/^Todas las contraseñas .+: ahora lo levanta una persona/);
    });

    // Tester I (2026-12-07): the agent's first view listed only the named password, while the devices
    // section of the same page flagged fax; the holds are read again once that switch read recorded it.
    it('the first view lists a suspect its own switch read found; a failed read keeps the first holds', async () => {
      const b = await blocked({ fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }] });
      const ids = [b.block.id];
      const first = await liftHoldsForStaff(agent, b.account.id, ids);
      expect(first.get(b.block.id)!.holds.map((x) => x.kind)).toEqual(['named']);
      const read = devicesForStaff(agent, b.account.id, client());
      const later = await liftHoldsAfterRead(agent, b.account.id, ids, read, first);
      expect(later.get(b.block.id)!.holds).toMatchObject([
        { kind: 'named', credential: { id: b.cred.desk!.id } },
        { kind: 'suspect', credential: { id: b.cred.fax!.id }, reason: 'trigger_ip', sourceIp: ATTACKER },
      ]);
      expect(
        await liftHoldsAfterRead(agent, b.account.id, ids, Promise.reject(new Error('switch')), first),
      ).toBe(first);
      expect(await liftHoldsAfterRead(agent, b.account.id, [], read, first)).toBe(first);
    });

    it('another account’s block is never read, a lifted one has nothing, and only staff may ask', async () => {
      const mine = await makeAccount();
      const theirs = await makeAccount();
      const their = await makeBlock(theirs.account.id, {
        calls: [{ sipUsername: theirs.creds[0]!.username }],
      });
      const lifted = await makeBlock(mine.account.id, { calls: [{ sipUsername: mine.creds[0]!.username }] });
      await db().block.update({ where: { id: lifted.id }, data: { status: 'lifted', liftedAt: new Date() } });
      // Their block is active with a password unchanged: asked through my account, nothing comes back.
      expect(
        (await liftHoldsForStaff(agent, theirs.account.id, [their.id])).get(their.id)?.holds,
      ).toHaveLength(1);
      expect((await liftHoldsForStaff(agent, mine.account.id, [their.id, lifted.id])).size).toBe(0);
      expect(await liftHoldsForStaff(agent, mine.account.id, [])).toEqual(new Map());
      await expect(
        liftHoldsForStaff(asCustomer(mine.users[0]!), theirs.account.id, [their.id]),
      ).rejects.toThrow(/NEXT_HTTP_ERROR_FALLBACK;404|NEXT_NOT_FOUND/);
      await expect(
        liftHoldsForStaff(await makeStaff({ mfaVerified: false }), theirs.account.id, [their.id]),
      ).rejects.toThrow(/NEXT_HTTP_ERROR_FALLBACK;404|NEXT_NOT_FOUND/);
    });
  },
);

describe('the staff account page’s lift holds on SQLite: one statement for all its blocks', () => {
  beforeAll(() => useFreshDb('sqlite'));

  it('three active blocks with calls and suspects are read with one statement', async () => {
    const agent = await makeStaff();
    const { account, creds } = await makeAccount();
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const b = await makeBlock(account.id, { calls: [{ sipUsername: creds[0]!.username }] });
      await db().blockSuspectCredential.create({
        data: {
          blockId: b.id,
          credentialId: creds[1]!.id,
          reason: 'scanner',
          sourceIp: '192.0.2.7',
          firstSeenAt: new Date(),
        },
      });
      ids.push(b.id);
    }
    await liftHoldsForStaff(agent, account.id, ids); // statement prepared
    // better-sqlite3 runs every read as `statement.raw(true).all(values)` (shared-account-block-page.test.ts).
    const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as {
      all: (...args: unknown[]) => unknown;
    };
    const runs = vi.spyOn(proto, 'all');
    const holds = await liftHoldsForStaff(agent, account.id, ids);
    expect(runs.mock.calls.length).toBe(1);
    expect([...holds.values()].map((x) => x.holds.length)).toEqual([2, 2, 2]);
    runs.mockRestore();
  });
});
