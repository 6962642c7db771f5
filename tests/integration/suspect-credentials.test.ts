import crypto from 'node:crypto';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CredentialList } from '@/components/block/credential-list';
import { ExplanationText } from '@/components/block/explanation';
import { fraudDoors } from '@/lib/allowances/fraud-door';
import { getBlockForUser, type BlockView } from '@/lib/blocks/queries';
import { withLiveSuspects } from '@/lib/blocks/suspects';
import { nextCredentialToChange } from '@/lib/credentials/next-to-change';
import { resetSipPassword } from '@/lib/credentials/reset';
import { devicesForCredential, devicesOfBlock } from '@/lib/devices/registrations';
import { CATALOGUES } from '@/lib/i18n/translate';
import { changeLiftPolicy, liftPolicySchema } from '@/lib/policy/change';
import { rotatedWaitingForPerson } from '@/lib/policy/rotated-waiting';
import { getDb } from '@/lib/server/db';
import { log } from '@/lib/server/log';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, failInserts, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeBlock, makeStaff } from '@/tests/helpers/factory';
import {
  makeAccountBlockedOnSim,
  OLD_SIP_PASSWORD,
  type Reg,
  simRegistration,
  simClient,
  strongPassword,
} from '@/tests/helpers/registrar';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// A tester playing the fraudster (2026-12): two cracked credentials of one account, `desk` and `fax`;
// the fraud calls through `desk` only, `fax` registered from the same address. The block named only
// `desk`, lifted on its rotation, and the attacker called again through `fax` at once. Now what the
// portal's live read of the registrations sees is recorded (lib/blocks/suspects.ts), and the lift, the
// staff home's waiting list, the reset page's "Next" link, the allowance rule and the block page all
// wait for `fax` too. Against the real simulator, on each database.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const ATTACKER = '185.220.101.47';
const client = () => simClient(sim, 2000);
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const db = () => getDb();

/**
 * An account with credentials desk, fax and ivr (in that username order), blocked on the switch and
 * in the portal for calls through desk from `callsFrom`; `regs` are each credential's registrations.
 */
async function blocked(regs: { desk?: Reg[]; fax?: Reg[]; ivr?: Reg[] }, callsFrom = ATTACKER) {
  const n = crypto.randomInt(10 ** 9, 10 ** 10);
  const usernames = { desk: `a-desk-${n}`, fax: `b-fax-${n}`, ivr: `c-ivr-${n}` };
  const { account, users, cred } = await makeAccountBlockedOnSim(sim, usernames, regs);
  const { desk, fax, ivr } = cred;
  const block = await makeBlock(account.id, {
    placedAt: new Date(Date.now() - 60_000),
    calls: [{ sipUsername: desk.username, sourceIp: callsFrom }],
  });
  const member = users[0]!;
  const view = async () => (await getBlockForUser(member.id, block.id))!;
  /** The block page's reads, as app/blocks/[id]/page.tsx makes them: the block, then its devices. */
  const page = async () => {
    const v = await view();
    return { view: v, devices: await devicesOfBlock(v, client()) };
  };
  const reset = (credentialId: string) =>
    resetSipPassword(asCustomer(member), credentialId, strongPassword(), meta);
  return { account, member, desk, fax, ivr, block, view, page, reset };
}

const suspects = (blockId: string) =>
  db().blockSuspectCredential.findMany({ where: { blockId }, orderBy: { credentialId: 'asc' } });
const audits = (accountId: string) =>
  db().auditLog.findMany({ where: { accountId, action: 'block.suspect_credential' } });
const statusOf = async (id: string) => (await db().block.findUniqueOrThrow({ where: { id } })).status;
const queued = (accountNumber: string) => db().switchOperation.count({ where: { accountNumber } });

type Locale = 'en' | 'es';
/** `node`'s text as the page renders it for a reader of `locale`. */
function text(node: ReactNode, locale: Locale) {
  const html = renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  );
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

describe.each(dialects())('suspect credentials on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  beforeEach(async () => {
    await sim.control('DELETE', '/_sim/faults');
    await db().policySetting.deleteMany();
  });

  it('fax registered from the calls’ address is recorded by the block page’s read, and holds the lift until it is changed too', async () => {
    const b = await blocked({
      desk: [{ sourceIp: '198.51.100.20', userAgent: 'Yealink SIP-T46U' }],
      fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }],
    });
    const { view, devices } = await b.page();
    // The first view already says it: the DB read ran before the switch read recorded it.
    expect(view.credentials.find((c) => c.id === b.fax.id)!.suspected).toBeNull();
    const first = withLiveSuspects(view, devices.credentials);
    expect(first.credentials.map((c) => [c.id, c.named, c.suspected])).toEqual([
      [b.desk.id, true, null],
      [b.fax.id, false, { reason: 'trigger_ip', sourceIp: ATTACKER }],
      [b.ivr.id, false, null],
    ]);
    expect(await suspects(b.block.id)).toMatchObject([
      { credentialId: b.fax.id, reason: 'trigger_ip', sourceIp: ATTACKER },
    ]);
    const [a] = await audits(b.account.id);
    expect(a).toMatchObject({ actorId: null, targetType: 'block', targetId: b.block.id });
    expect(JSON.parse(a!.detail!)).toEqual({
      username: b.fax.username,
      sourceIp: ATTACKER,
      seenAs: 'trigger_ip',
    });
    // The next view reads it from the database.
    expect((await b.view()).credentials.find((c) => c.id === b.fax.id)!.suspected).toEqual({
      reason: 'trigger_ip',
      sourceIp: ATTACKER,
    });

    // desk changed: the block stays in force, nothing goes to the switch.
    expect(await b.reset(b.desk.id)).toMatchObject({ ok: true, data: { liftQueued: false } });
    expect(await statusOf(b.block.id)).toBe('active');
    expect(await queued(b.account.number)).toBe(0);
    // fax changed too: the lift is queued.
    expect(await b.reset(b.fax.id)).toMatchObject({ ok: true, data: { liftQueued: true } });
    expect(await statusOf(b.block.id)).toBe('lift_pending');
    expect(await queued(b.account.number)).toBe(1);
  });

  it('a tunnel’s IPv6 form of the calls’ address is that address: 6to4 and NAT64 are recorded and hold the lift', async () => {
    // 185.220.101.47 as 6to4 (RFC 3056) and through NAT64's well-known prefix (RFC 6052): a tester
    // registered the second credential so, and the block lifted while it stood.
    const b = await blocked({
      fax: [{ sourceIp: '2002:b9dc:652f::1', userAgent: 'Zoiper rv2.10' }],
      ivr: [{ sourceIp: '64:ff9b::b9dc:652f', userAgent: 'Grandstream GXP2170' }],
    });
    await b.page();
    expect(await suspects(b.block.id)).toMatchObject([
      { credentialId: b.fax.id, reason: 'trigger_ip', sourceIp: '2002:b9dc:652f::1' },
      { credentialId: b.ivr.id, reason: 'trigger_ip', sourceIp: '64:ff9b::b9dc:652f' },
    ]);
    expect(await b.reset(b.desk.id)).toMatchObject({ ok: true, data: { liftQueued: false } });
    expect(await statusOf(b.block.id)).toBe('active');
  });

  it('the office’s own network at the calls’ address records nothing, and desk alone lifts the block', async () => {
    const OFFICE = '8.8.8.8'; // in the account's country (US), as an office's NAT address is
    const phone = { sourceIp: OFFICE, userAgent: 'Yealink SIP-T46U' };
    const b = await blocked({ desk: [phone, phone], fax: [phone, phone], ivr: [phone] }, OFFICE);
    const { view, devices } = await b.page();
    expect(devices.credentials.flatMap((c) => c.bindings!.map((x) => x.flags))).toEqual(
      Array(5).fill(['own_network']),
    );
    expect(withLiveSuspects(view, devices.credentials)).toBe(view);
    expect(await suspects(b.block.id)).toEqual([]);
    expect(await audits(b.account.id)).toEqual([]);
    expect(await b.reset(b.desk.id)).toMatchObject({ ok: true, data: { liftQueued: true } });
    expect(await statusOf(b.block.id)).toBe('lift_pending');
  });

  // A tester's office (2026-12-07): opening the reset pages of its other credentials recorded each a
  // suspect, since a reset page reads its one credential and cannot see the office's five phones.
  it('a reset page’s read of one credential records no calls’-address suspect, only a scanning tool', async () => {
    const OFFICE = '8.8.8.8';
    const phone = { sourceIp: OFFICE, userAgent: 'Yealink SIP-T46U' };
    const b = await blocked(
      {
        desk: [phone],
        fax: [phone, phone],
        ivr: [phone, phone, { sourceIp: '192.0.2.77', userAgent: 'friendly-scanner' }],
      },
      OFFICE,
    );
    for (const cred of [b.fax, b.ivr]) {
      const read = await devicesForCredential(b.member.id, cred.id, client());
      // The page itself still shows what its one read sees.
      expect(read!.credentials[0]!.bindings!.some((x) => x.flags.includes('trigger_ip'))).toBe(true);
    }
    expect(await suspects(b.block.id)).toMatchObject([
      { credentialId: b.ivr.id, reason: 'scanner', sourceIp: '192.0.2.77' },
    ]);
    // The whole account's read (the block page) sees the office: nothing more is recorded.
    await b.page();
    expect(await suspects(b.block.id)).toHaveLength(1);
  });

  it('a scanning tool’s registration of a third credential is recorded from any address', async () => {
    const b = await blocked({ ivr: [{ sourceIp: '192.0.2.77', userAgent: 'friendly-scanner' }] });
    await b.page();
    expect(await suspects(b.block.id)).toMatchObject([
      { credentialId: b.ivr.id, reason: 'scanner', sourceIp: '192.0.2.77' },
    ]);
    expect(await b.reset(b.desk.id)).toMatchObject({ ok: true, data: { liftQueued: false } });
    expect(await statusOf(b.block.id)).toBe('active');
  });

  it('two reads at once record the credential once, with one audit row; a later read changes nothing', async () => {
    const b = await blocked({ fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }] });
    const v = await b.view();
    // Neither read fails on the other's row (the insert does nothing on a conflict): nothing logged.
    const logged = vi.spyOn(log(), 'error');
    await Promise.all([devicesOfBlock(v, client()), devicesOfBlock(v, client())]);
    const [row] = await suspects(b.block.id);
    expect(await suspects(b.block.id)).toHaveLength(1);
    expect(await audits(b.account.id)).toHaveLength(1);
    // First sighting wins: the scanner seen later from elsewhere changes nothing.
    await sim.control('PUT', `/_sim/accounts/${b.account.number}`, {
      credentials: [
        {
          username: b.fax.username,
          password: OLD_SIP_PASSWORD,
          registrations: [
            simRegistration(b.fax.username, { sourceIp: '192.0.2.9', userAgent: 'sipvicious' }),
          ],
        },
      ],
    });
    await devicesOfBlock(v, client());
    expect(await suspects(b.block.id)).toEqual([row]);
    expect(await audits(b.account.id)).toHaveLength(1);
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });

  it('a page read that finds what was just recorded asks the database nothing; the lift’s read still records', async () => {
    const b = await blocked({ fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }] });
    const v = await b.view();
    await devicesOfBlock(v, client());
    expect(await suspects(b.block.id)).toHaveLength(1);
    // The record goes (as if the page's read had run before a block it now counts for): a page read
    // of the same bindings within the window does not record again, with no statement at all…
    await getDb().blockSuspectCredential.deleteMany({ where: { blockId: b.block.id } });
    // (An insert would fail now, and be logged: nothing is, as nothing is asked.)
    const restore = await failInserts(dialect, 'BlockSuspectCredential');
    const logged = vi.spyOn(log(), 'error');
    await devicesOfBlock(v, client());
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
    await restore();
    expect(await suspects(b.block.id)).toHaveLength(0);
    // …but the switch outbox's read before the rotation's lift has no such memory, and holds the lift.
    expect(await b.reset(b.desk.id)).toMatchObject({ ok: true, data: { liftQueued: true } });
    await processSwitchOutbox({ client: client() });
    expect(await statusOf(b.block.id)).toBe('active');
    expect(await suspects(b.block.id)).toMatchObject([{ credentialId: b.fax.id, reason: 'trigger_ip' }]);
  });

  it('the staff home’s waiting list and the reset page’s next link wait for the suspect too', async () => {
    const admin = await makeStaff({ role: 'admin' });
    const form = liftPolicySchema.parse({
      'needsPerson[]': ['high_risk_destination'],
      version: '0',
      reason: 'Review every fraud block by hand',
    });
    expect(await changeLiftPolicy(admin, form, meta)).toMatchObject({ ok: true });
    const listed = async () =>
      (await rotatedWaitingForPerson(admin, null, { pageSize: 500 })).items.map((i) => i.id);
    const b = await blocked({ fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }] });
    await b.page();
    expect(await nextCredentialToChange(b.member.id, b.block.id, b.ivr.id)).toMatchObject({ id: b.desk.id });
    expect(await b.reset(b.desk.id)).toMatchObject({ ok: true, data: { liftQueued: false } });
    expect(await listed()).not.toContain(b.block.id);
    expect(await nextCredentialToChange(b.member.id, b.block.id, b.desk.id)).toMatchObject({ id: b.fax.id });
    expect(await b.reset(b.fax.id)).toMatchObject({ ok: true, data: { liftQueued: false } });
    // The policy holds it for a person now: every password the rule asks for is changed.
    expect(await statusOf(b.block.id)).toBe('active');
    const item = (await rotatedWaitingForPerson(admin, null, { pageSize: 500 })).items.find(
      (i) => i.id === b.block.id,
    );
    const fax = await db().sipCredential.findUniqueOrThrow({ where: { id: b.fax.id } });
    expect(item?.rotatedAt).toEqual(fax.passwordChangedAt);
    expect(await nextCredentialToChange(b.member.id, b.block.id, b.desk.id)).toBeNull();
  });

  it('a switch read that fails records nothing, and the page still has its data', async () => {
    const b = await blocked({ fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }] });
    await sim.control('PUT', '/_sim/faults', {
      failNext: 1,
      failStatus: 503,
      pathContains: `/${b.fax.username}/registrations`,
    });
    const { view, devices } = await b.page();
    expect(devices.credentials.find((c) => c.id === b.fax.id)!.bindings).toBeNull();
    expect(withLiveSuspects(view, devices.credentials)).toBe(view);
    expect(await suspects(b.block.id)).toEqual([]);
  });

  it('a database that refuses the record leaves the page its devices, and records nothing', async () => {
    const b = await blocked({ fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }] });
    const restore = await failInserts(dialect, 'BlockSuspectCredential');
    try {
      const { view, devices } = await b.page();
      expect(devices.credentials.find((c) => c.id === b.fax.id)!.bindings).toHaveLength(1);
      // The page still says it from the live read.
      expect(
        withLiveSuspects(view, devices.credentials).credentials.find((c) => c.id === b.fax.id)!.suspected,
      ).toEqual({ reason: 'trigger_ip', sourceIp: ATTACKER });
    } finally {
      await restore();
    }
    expect(await suspects(b.block.id)).toEqual([]);
    expect(await audits(b.account.id)).toEqual([]);
  });

  it('the block page asks for the suspect’s password in words, in English and Spanish', async () => {
    const b = await blocked({ fax: [{ sourceIp: ATTACKER, userAgent: 'Zoiper rv2.10' }] });
    await b.page();
    const v: BlockView = await b.view();
    const list = (locale: Locale) => text(h(CredentialList, { block: v, labelledBy: 'creds' }), locale);
    expect(list('en')).toContain(
      `Registered from the address of the fraud calls (${ATTACKER}): change this password too`,
    );
    expect(list('es')).toContain(
      `Se registró desde la dirección de las llamadas fraudulentas (${ATTACKER}): cambie también esta contraseña`,
    );
    expect(text(h(ExplanationText, { block: v, needsPerson: false }), 'en')).toContain(
      `Change the SIP passwords of ${b.desk.username} and ${b.fax.username} now.`,
    );
    expect(text(h(ExplanationText, { block: v, needsPerson: false }), 'es')).toContain(
      `${b.fax.username} no se usó para estas llamadas`,
    );
    // Changed since the block: no longer asked for, said neutrally.
    await b.reset(b.fax.id);
    const after = await b.view();
    const en = text(h(CredentialList, { block: after, labelledBy: 'creds' }), 'en');
    expect(en).toContain(
      `Registered from the address of the fraud calls (${ATTACKER}) · Password changed since the block`,
    );
    expect(en).not.toContain('change this password too');
  });
});

describe('the allowance rule counts a suspect for every country its block’s calls went to', () => {
  it('refuses a country until the suspect’s password is changed', () => {
    const block = {
      id: 'b1',
      reason: 'hotspot_source_ip' as const,
      createdAt: new Date('2026-12-01T10:00:00Z'),
    };
    const desk = {
      id: 'c1',
      username: 'desk',
      label: 'Desk',
      passwordChangedAt: new Date('2026-12-01T11:00:00Z'),
    };
    const fax = { id: 'c2', username: 'fax', label: 'Fax', passwordChangedAt: null };
    const calls = [{ blockId: 'b1', sipUsername: 'desk', to: '+252611234567' }];
    expect(fraudDoors([block], calls, [desk, fax], 'US').get('SO')).toBeUndefined();
    expect(
      fraudDoors([block], calls, [desk, fax], 'US', [{ blockId: 'b1', credentialId: 'c2' }]).get('SO'),
    ).toMatchObject({ changeFirst: [fax], unchanged: [] });
    const changed = { ...fax, passwordChangedAt: new Date('2026-12-01T12:00:00Z') };
    expect(
      fraudDoors([block], calls, [desk, changed], 'US', [{ blockId: 'b1', credentialId: 'c2' }]).get('SO'),
    ).toBeUndefined();
  });
});
