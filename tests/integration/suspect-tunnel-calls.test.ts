import crypto from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getBlockForUser } from '@/lib/blocks/queries';
import { callHost } from '@/lib/blocks/event-sql';
import { resetSipPassword } from '@/lib/credentials/reset';
import { devicesOfBlock } from '@/lib/devices/registrations';
import { getDb } from '@/lib/server/db';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeBlock } from '@/tests/helpers/factory';
import { makeAccountBlockedOnSim, type Reg, simClient, strongPassword } from '@/tests/helpers/registrar';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// Fraud calls the switch reports from a tunnel's IPv6 address (2002:b9dc:6505::1, the 6to4 form of
// 185.220.101.5), and the second cracked credential registered from the plain 185.220.101.5: the
// suspect rule compared the call's address as reported, did not record it, and the block lifted on
// the named credential's rotation while the attacker held the other password. Now each stored call
// keeps its host (TriggerCall.sourceHost) and registrations are compared with it, either way round,
// for 6to4 (RFC 3056), NAT64 (RFC 6052) and Teredo (RFC 4380). Blocks placed through the real ingest
// (a signed block.placed), against the real simulator, on each database.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const V4 = '185.220.101.5';
const SIX_TO_FOUR = '2002:b9dc:6505::1';
const NAT64 = '64:ff9b::b9dc:6505';
// Teredo: server 65.54.227.120, the client's public address in the last 32 bits, inverted.
const TEREDO = '2001:0:4136:e378:8000:63bf:4623:9afa';
// SIIT's IPv4-translated address (::ffff:0:0:0/96, RFC 6145) of 185.220.101.5.
const SIIT = '::ffff:0:b9dc:6505';

const client = () => simClient(sim, 2000);
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const db = () => getDb();

/**
 * An account with credentials desk, fax and ivr, blocked on the switch and, by a signed
 * `block.placed` through the real ingest, in the portal, for calls through desk from `callsFrom`;
 * `regs` are each credential's registrations. `factory`: the block is written by the test factory
 * instead (Prisma's create, no sourceHost: as a row stored before migration 0037).
 */
async function blocked(regs: { desk?: Reg[]; fax?: Reg[]; ivr?: Reg[] }, callsFrom: string, factory = false) {
  const n = crypto.randomInt(10 ** 9, 10 ** 10);
  const usernames = { desk: `a-desk-${n}`, fax: `b-fax-${n}`, ivr: `c-ivr-${n}` };
  const { account, users, cred } = await makeAccountBlockedOnSim(sim, usernames, regs);
  const { desk, fax, ivr } = cred;
  let blockId: string;
  if (factory) {
    blockId = (
      await makeBlock(account.id, {
        placedAt: new Date(Date.now() - 60_000),
        calls: [{ sipUsername: desk.username, sourceIp: callsFrom }],
      })
    ).id;
  } else {
    const e = placedEvent(account.number, { at: new Date(Date.now() - 60_000), from: [desk.username] });
    (e.data.calls as { sourceIp: string }[])[0]!.sourceIp = callsFrom;
    expect((await deliver(e)).status).toBe(200);
    blockId = (await db().block.findFirstOrThrow({ where: { accountId: account.id } })).id;
  }
  const member = users[0]!;
  const view = async () => (await getBlockForUser(member.id, blockId))!;
  /** The block page's reads, as app/blocks/[id]/page.tsx makes them: the block, then its devices. */
  const page = async () => {
    const v = await view();
    return { view: v, devices: await devicesOfBlock(v, client()) };
  };
  const reset = (credentialId: string) =>
    resetSipPassword(asCustomer(member), credentialId, strongPassword(), meta);
  return { account, desk, fax, ivr, blockId, view, page, reset };
}

const suspects = (blockId: string) =>
  db().blockSuspectCredential.findMany({ where: { blockId }, orderBy: { credentialId: 'asc' } });
const statusOf = async (id: string) => (await db().block.findUniqueOrThrow({ where: { id } })).status;

describe('callHost', () => {
  it('is the IPv4 address a 6to4, NAT64 or Teredo address carries, else the address as stored', () => {
    expect([SIX_TO_FOUR, NAT64, TEREDO, V4].map(callHost)).toEqual([V4, V4, V4, V4]);
    // Any other IPv6 address: its /64 network (a line moves through its /64 at will).
    expect(callHost('2001:db8::9')).toBe('2001:0db8:0000:0000::/64');
    expect(callHost('*97')).toBe('*97');
  });
});

describe.each(dialects())('suspects of calls reported from a tunnel’s address, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  beforeEach(async () => {
    await sim.control('DELETE', '/_sim/faults');
    await db().policySetting.deleteMany();
  });

  it.each([
    ['6to4', SIX_TO_FOUR, V4, V4],
    ['NAT64', NAT64, V4, V4],
    ['Teredo', TEREDO, V4, V4],
    ['IPv4 calls, 6to4 registration', V4, SIX_TO_FOUR, V4],
    ['IPv4 calls, NAT64 registration', V4, NAT64, V4],
    ['IPv4 calls, Teredo registration', V4, TEREDO, V4],
    // A tester (2026-12-07): SIIT's IPv4-translated form (RFC 6145), and the next address of the
    // calls' IPv6 /64.
    ['IPv4 calls, SIIT registration', V4, SIIT, V4],
    [
      'IPv6 calls, registration from the same /64',
      '2a01:4f8:1:2::10',
      '2a01:4f8:1:2::11',
      '2a01:04f8:0001:0002::/64',
    ],
  ])(
    '%s: calls from %s, fax registered from %s, is recorded and holds the lift until it is changed',
    async (_, callsFrom, regFrom, host) => {
      const b = await blocked({ fax: [{ sourceIp: regFrom, userAgent: 'Zoiper rv2.10' }] }, callsFrom);
      // Stored as the switch reported it, with its host beside it; the page shows it as reported.
      expect(await db().triggerCall.findMany({ where: { blockId: b.blockId } })).toMatchObject([
        { sourceIp: callsFrom, sourceHost: host },
      ]);
      const { view, devices } = await b.page();
      expect(view.sourceIps).toEqual([callsFrom]);
      expect(devices.credentials.find((c) => c.id === b.fax.id)!.bindings![0]!.flags).toContain('trigger_ip');
      expect(await suspects(b.blockId)).toMatchObject([
        { credentialId: b.fax.id, reason: 'trigger_ip', sourceIp: regFrom },
      ]);
      // desk changed: the block stays in force, nothing goes to the switch; fax changed too: lifted.
      expect(await b.reset(b.desk.id)).toMatchObject({ ok: true, data: { liftQueued: false } });
      expect(await statusOf(b.blockId)).toBe('active');
      expect(await b.reset(b.fax.id)).toMatchObject({ ok: true, data: { liftQueued: true } });
      expect(await statusOf(b.blockId)).toBe('lift_pending');
    },
  );

  it('with no page open, the switch outbox’s read before the lift records the suspect and withholds the lift', async () => {
    const b = await blocked({ fax: [{ sourceIp: V4, userAgent: 'Zoiper rv2.10' }] }, SIX_TO_FOUR);
    expect(await b.reset(b.desk.id)).toMatchObject({ ok: true, data: { liftQueued: true } });
    await processSwitchOutbox({ client: client() });
    expect(await statusOf(b.blockId)).toBe('active');
    expect(await suspects(b.blockId)).toMatchObject([{ credentialId: b.fax.id, reason: 'trigger_ip' }]);
    const onSwitch = await client().getAccount(b.account.number);
    expect(onSwitch).toMatchObject({ ok: true, value: { internationalCalling: 'blocked' } });
  });

  it('a call stored without its host (before migration 0037) still counts a registration from its very form', async () => {
    const b = await blocked(
      { fax: [{ sourceIp: SIX_TO_FOUR, userAgent: 'Zoiper rv2.10' }] },
      SIX_TO_FOUR,
      true,
    );
    expect(await db().triggerCall.findMany({ where: { blockId: b.blockId } })).toMatchObject([
      { sourceIp: SIX_TO_FOUR, sourceHost: null },
    ]);
    await b.page();
    expect(await suspects(b.blockId)).toMatchObject([{ credentialId: b.fax.id, reason: 'trigger_ip' }]);
  });

  it('an office whose phones register from its address and from a tunnel’s form of it is one own network', async () => {
    const OFFICE = '8.8.8.8'; // in the account's country (US), as an office's NAT address is
    const phone = { sourceIp: OFFICE, userAgent: 'Yealink SIP-T46U' };
    const tunnelled = { sourceIp: '2002:808:808::1', userAgent: 'Yealink SIP-T46U' };
    const b = await blocked({ desk: [phone, phone], fax: [phone, tunnelled], ivr: [phone] }, OFFICE);
    const { devices } = await b.page();
    const bindings = devices.credentials.flatMap((c) => c.bindings!);
    expect(bindings.map((x) => [x.flags, x.sameAddress])).toEqual(Array(5).fill([['own_network'], 5]));
    expect(await suspects(b.blockId)).toEqual([]);
    expect(await b.reset(b.desk.id)).toMatchObject({ ok: true, data: { liftQueued: true } });
    expect(await statusOf(b.blockId)).toBe('lift_pending');
  });
});
