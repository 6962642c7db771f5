// Calls already up when an account is blocked, on the reference switch: SIPp phones and the SIPp
// carrier through Kamailio. Toll fraud is billed by the minute, so a block that only refuses the next
// INVITE leaves the calls that were pouring out running for hours. Proven here: a block (switch API
// or fraud rule) ends every international call of the account in progress with a BYE to both legs,
// calls still ringing included once answered, and leaves its domestic and emergency calls up; a call
// through a destination allowance ends when the allowance does, or when support ends the allowance;
// every call ends at the dialog timeout; an in-dialog REFER from the phone is refused. A password
// change through the switch API (as the portal rotates one) ends every call through that credential,
// domestic, international and through an allowance, but not its emergency call, nor the calls of the
// account's other credentials; setting the same password again ends nothing. The dialog
// module must log no reference error meanwhile (Kamailio 5.6.3's dlg_set_timeout_by_profile, tried
// first, freed a dialog shortened twice). Nothing here is skipped: missing Debian packages are
// installed when running as root.
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createSwitchClient } from '../../lib/switch/client';
import { runSipp, waitFor, type SippCall, type SippResult } from './harness';
import { referenceSwitchPerFile, type SwitchRig } from './rig';

const TOKEN = `tok-${randomUUID()}`;
const PW = 'Live-calls-initial-2121';
/** The password a rotation sets (the portal generates one; any new one will do here). */
const ROTATED_PW = 'Live-calls-rotated-3434';
/** The dialog timeout of the second switch (seconds); the others keep the default, 4 h. */
const DIALOG_TIMEOUT = 3;
const FRANCE = '+33123456789'; // international for a US account, no high-risk prefix
const UK = '+442079460123'; // international too
const DOMESTIC = '+12125550123'; // New York, national for a US account
const EMERGENCY = '911';
const SOMALIA = '+252611234567'; // a high-risk prefix on this switch

const us = (number: string, username: string, blocked = false) => ({
  number,
  name: username,
  country: 'US',
  ...(blocked ? { internationalCalling: 'blocked' as const } : {}),
  credentials: [{ username, password: PW }],
});

let rig: SwitchRig;
referenceSwitchPerFile(
  {
    name: 'live-calls',
    token: TOKEN,
    webhookSecret: `whsec-${randomUUID()}`,
    provision: {
      accounts: [
        us('ACC-2101', 'live-api'),
        us('ACC-2102', 'live-rule'),
        us('ACC-2103', 'live-allow', true),
        us('ACC-2104', 'live-refer'),
        us('ACC-2107', 'live-other'),
        us('ACC-2108', 'live-support', true),
        // Two credentials of one account: the customer rotates live-rot-a, which the attacker holds.
        {
          number: 'ACC-2109',
          name: 'Rotation',
          country: 'US',
          credentials: [
            { username: 'live-rot-a', password: PW },
            { username: 'live-rot-b', password: PW },
          ],
        },
        us('ACC-2110', 'live-rot-allow', true),
      ],
      highRiskPrefixes: ['+252'],
    },
  },
  (r) => (rig = r),
);

const clientOf = (on: SwitchRig) =>
  createSwitchClient({ baseUrl: on.sw.apiUrl, token: TOKEN, timeoutMs: 3000, retries: 0, log: () => {} });

/**
 * One SIPp phone call of `scenario` from `username` to `to` through `on`, with its own Call-ID
 * (returned, to find the call's requests at the carrier) and room to wait `waitMs` for the switch's BYE.
 */
function phone(
  on: SwitchRig,
  scenario: SippCall['scenario'],
  username: string,
  to: string,
  o: { waitMs?: number; holdMs?: number; extra?: string[]; password?: string } = {},
): { callId: string; done: Promise<SippResult> } {
  const tag = `live-${randomUUID().slice(0, 8)}`;
  const wait = o.waitMs ?? 5_000;
  const done = runSipp({
    scenario,
    service: to,
    username,
    password: o.password ?? PW,
    switchAddress: on.sw.sipAddress,
    cwd: on.work,
    extraArgs: [
      '-cid_str',
      `${tag}-%u@%s`,
      '-recv_timeout',
      String(wait),
      '-timeout',
      `${Math.ceil(wait / 1000) + 10}s`,
      ...(o.holdMs ? ['-d', String(o.holdMs)] : []),
      ...(o.extra ?? []),
    ],
  });
  // SIPp numbers its first call 1: -cid_str "<tag>-%u@%s" gives "<tag>-1@<local ip>".
  return { callId: `${tag}-1@127.0.0.1`, done };
}

/**
 * The methods of the requests `on`'s carrier received for one call, in the order each first came: a
 * retransmission (a BYE sent again when its 200 was slow) counts once.
 */
const carrierGot = (callId: string, on: SwitchRig = rig) => [
  ...new Set(
    on.uas
      .requests()
      .filter((r) => r.callId === callId)
      .map((r) => r.method),
  ),
];
/** Waits until the carrier has the call's ACK: the call is up on both legs. */
const answered = (callId: string, on: SwitchRig = rig) =>
  waitFor(`call ${callId} answered`, () => carrierGot(callId, on).includes('ACK'), 10_000);
/**
 * Waits for the switch's own BYE to the carrier for a call the phone did not hang up (its
 * User-Agent is the switch's: a BYE the phone sent and the switch relayed has none), and checks the
 * call's whole story at the carrier. The carrier's leg is the one billed; the switch ends it first.
 */
async function endedBySwitch(c: { callId: string; done: Promise<SippResult> }, on: SwitchRig = rig) {
  const fromSwitch = () =>
    on.uas.requests().some((q) => q.callId === c.callId && q.method === 'BYE' && q.userAgent === SWITCH_UA);
  await waitFor('the switch’s BYE at the carrier', fromSwitch, 15_000);
  expect(carrierGot(c.callId, on)).toEqual(['INVITE', 'ACK', 'BYE']);
  const r = await c.done; // call-cut.xml: the switch's BYE, or after 12 s its own (see the scenario)
  expect(r.code, r.output).toBe(0);
}
/** The User-Agent of the requests Kamailio makes itself (kamailio.cfg user_agent_header). */
const SWITCH_UA = 'Tollgate reference switch';
/** A call-hold.xml call that ran its time and was hung up by the phone, never by the switch. */
async function hungUpByPhone(c: { callId: string; done: Promise<SippResult> }, on: SwitchRig = rig) {
  const r = await c.done;
  expect(r.code, r.output).toBe(0);
  expect(carrierGot(c.callId, on)).toEqual(['INVITE', 'ACK', 'BYE']);
}

const kamailioLog = (on: SwitchRig = rig) => readFileSync(path.join(on.sw.dataDir, 'kamailio.log'), 'utf8');
/** The dialog module's complaints about its own bookkeeping (a reference freed twice, a bogus timer). */
/**
 * The dialog module's complaints in kamailio.log: a reference error or a lost dialog. Not "bogus
 * event 2" (a 1xx) in state 3 or 4 (confirmed): a provisional reply that arrived after the 200 on a
 * loaded machine (UDP reorders), which 5.6.3 only logs and ignores (dlg_hash.c next_state_dlg: no
 * state or reference change); CI134 met one in the dialog-timeout test.
 */
const dialogErrors = (on: SwitchRig = rig) =>
  kamailioLog(on)
    .split('\n')
    .filter((l) => /CRIT|bogus|invalid unref|unable to unlink|Unable to find dialog/i.test(l))
    .filter((l) => !/bogus event 2 in state [34] /.test(l));

describe('reference switch: a block ends the calls already up (SIPp)', { timeout: 40_000 }, () => {
  test('a block through the switch API ends both international calls with a BYE to both legs; domestic, emergency and another account’s calls stay up', async () => {
    const abroad = phone(rig, 'call-cut.xml', 'live-api', FRANCE, { waitMs: 15_000 });
    const abroad2 = phone(rig, 'call-cut.xml', 'live-api', UK, { waitMs: 15_000 });
    const home = phone(rig, 'call-hold.xml', 'live-api', DOMESTIC, { holdMs: 5_000 });
    const sos = phone(rig, 'call-hold.xml', 'live-api', EMERGENCY, { holdMs: 5_000 });
    const other = phone(rig, 'call-hold.xml', 'live-other', FRANCE, { holdMs: 5_000 });
    for (const c of [abroad, abroad2, home, sos, other]) await answered(c.callId);

    const blocked = await clientOf(rig).setInternationalCalling(
      'ACC-2101',
      { state: 'blocked', reason: 'manual', actor: 'sam@tollgate.example' },
      randomUUID(),
    );
    expect(blocked.ok && blocked.value.internationalCalling).toBe('blocked');
    // The phone got the switch's BYE, and so did the carrier, which is what stops the billing.
    await endedBySwitch(abroad);
    await endedBySwitch(abroad2);
    expect(kamailioLog()).toMatch(
      /account ACC-2101 blocked: ending its 2 international call\(s\) in progress/,
    );
    // The others ran their 5 s and were hung up by the phone: a BYE from the switch would have
    // been an unexpected message in call-hold.xml.
    for (const c of [home, sos, other]) await hungUpByPhone(c);
    await waitFor(
      'call_cuts handled',
      () => (rig.obs.prepare('SELECT count(*) AS c FROM call_cuts').get() as { c: number }).c === 0,
    );
  });

  test('a block placed by a fraud rule ends the account’s other international calls', async () => {
    const abroad = phone(rig, 'call-cut.xml', 'live-rule', FRANCE, { waitMs: 15_000 });
    await answered(abroad.callId);
    // The same PBX now dials Somalia: 403, and the rule blocks the account.
    const hit = await runSipp({
      scenario: 'call-refused.xml',
      service: SOMALIA,
      username: 'live-rule',
      password: PW,
      switchAddress: rig.sw.sipAddress,
      cwd: rig.work,
    });
    expect(hit.code, hit.output).toBe(0);
    await endedBySwitch(abroad);
    expect(rig.obs.prepare("SELECT intl_state AS s FROM accounts WHERE number = 'ACC-2102'").get()).toEqual({
      s: 'blocked',
    });
    expect(kamailioLog()).toMatch(
      /account ACC-2102 blocked: ending its 1 international call\(s\) in progress/,
    );
  });

  test('a call through a destination allowance ends when the allowance does', async () => {
    const put = await clientOf(rig).putDestinationAllowances(
      'ACC-2103',
      {
        countries: ['FR'],
        until: new Date(Date.now() + 5_000).toISOString(),
        reason: 'Supplier in Lyon',
        actor: 'sam',
      },
      randomUUID(),
    );
    expect(put.ok).toBe(true);
    const abroad = phone(rig, 'call-cut.xml', 'live-allow', FRANCE, { waitMs: 15_000 });
    await answered(abroad.callId);
    await endedBySwitch(abroad);
  });

  test('support ending an allowance ends the calls it let through, while the account is blocked', async () => {
    const put = await clientOf(rig).putDestinationAllowances(
      'ACC-2108',
      {
        countries: ['FR'],
        until: new Date(Date.now() + 3600_000).toISOString(),
        reason: 'Supplier in Lyon',
        actor: 'sam',
      },
      randomUUID(),
    );
    expect(put.ok).toBe(true);
    const abroad = phone(rig, 'call-cut.xml', 'live-support', FRANCE, { waitMs: 15_000 });
    await answered(abroad.callId);
    expect(await clientOf(rig).deleteDestinationAllowance('ACC-2108', 'FR', randomUUID())).toMatchObject({
      ok: true,
    });
    await endedBySwitch(abroad);
    expect(kamailioLog()).toMatch(/account ACC-2108: allowance for FR ended, ending its 1 call\(s\) there/);
  });

  test('an in-dialog REFER from the phone (a transfer the carrier would place) is refused, not relayed', async () => {
    const c = phone(rig, 'refer.xml', 'live-refer', DOMESTIC, { extra: ['-key', 'transfer', SOMALIA] });
    const r = await c.done;
    expect(r.code, r.output).toBe(0);
    expect(carrierGot(c.callId)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(rig.obs.prepare("SELECT intl_state AS s FROM accounts WHERE number = 'ACC-2104'").get()).toEqual({
      s: 'allowed',
    });
  });

  test('a password change through the switch API ends every call through the credential with a BYE to both legs; its emergency call and the other credential’s call stay up', async () => {
    const home = phone(rig, 'call-cut.xml', 'live-rot-a', DOMESTIC, { waitMs: 15_000 });
    const abroad = phone(rig, 'call-cut.xml', 'live-rot-a', FRANCE, { waitMs: 15_000 });
    const sos = phone(rig, 'call-hold.xml', 'live-rot-a', EMERGENCY, { holdMs: 8_000 });
    const other = phone(rig, 'call-hold.xml', 'live-rot-b', FRANCE, { holdMs: 8_000 });
    for (const c of [home, abroad, sos, other]) await answered(c.callId);

    // As the portal rotates a SIP password (lib/credentials → lib/switch/client.ts).
    const set = await clientOf(rig).setSipPassword('live-rot-a', ROTATED_PW, randomUUID());
    expect(set).toMatchObject({ ok: true });
    await endedBySwitch(home);
    await endedBySwitch(abroad);
    expect(kamailioLog()).toMatch(
      /account ACC-2109: password of live-rot-a changed, ending its 2 call\(s\) in progress/,
    );
    // Still up once the credential's other calls are over: no BYE yet, from anyone.
    for (const c of [sos, other]) expect(carrierGot(c.callId)).toEqual(['INVITE', 'ACK']);
    for (const c of [sos, other]) await hungUpByPhone(c);
    // Neither the account nor its other credential was touched.
    expect(rig.obs.prepare("SELECT intl_state AS s FROM accounts WHERE number = 'ACC-2109'").get()).toEqual({
      s: 'allowed',
    });
  });

  test('setting the same password again ends no call', async () => {
    // A call through the credential with its current password (the previous test's rotation).
    const call = phone(rig, 'call-hold.xml', 'live-rot-a', DOMESTIC, { holdMs: 5_000, password: ROTATED_PW });
    await answered(call.callId);
    const again = await clientOf(rig).setSipPassword('live-rot-a', ROTATED_PW, randomUUID());
    expect(again).toMatchObject({ ok: true });
    // route[DIALOG_CUTS] runs every second: give it two ticks, then the call must still be up.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(carrierGot(call.callId)).toEqual(['INVITE', 'ACK']);
    // call-hold.xml fails on a BYE it did not send: the phone hung up, never the switch.
    await hungUpByPhone(call);
    expect(kamailioLog().match(/password of live-rot-a changed/g)).toHaveLength(1);
  });

  test('a password change ends a call a destination allowance let through, and leaves the allowance', async () => {
    const put = await clientOf(rig).putDestinationAllowances(
      'ACC-2110',
      {
        countries: ['FR'],
        until: new Date(Date.now() + 3600_000).toISOString(),
        reason: 'Supplier in Lyon',
        actor: 'sam',
      },
      randomUUID(),
    );
    expect(put.ok).toBe(true);
    const abroad = phone(rig, 'call-cut.xml', 'live-rot-allow', FRANCE, { waitMs: 15_000 });
    await answered(abroad.callId);
    expect(await clientOf(rig).setSipPassword('live-rot-allow', ROTATED_PW, randomUUID())).toMatchObject({
      ok: true,
    });
    await endedBySwitch(abroad);
    expect(kamailioLog()).toMatch(
      /account ACC-2110: password of live-rot-allow changed, ending its 1 call\(s\) in progress/,
    );
    expect(
      rig.obs.prepare("SELECT country FROM destination_allowances WHERE account_number = 'ACC-2110'").all(),
    ).toEqual([{ country: 'FR' }]);
  });

  test('every call over: no dialog left, none a block ended in the table of international calls, no reference error logged', async () => {
    const kamcmd = (...args: string[]) =>
      spawnSync('kamcmd', ['-s', `unix:${path.join(rig.sw.dataDir, 'kamailio_ctl')}`, ...args], {
        encoding: 'utf8',
      }).stdout;
    // No call is left up, and none of the calls a block ended is left in the htable (route[DIALOG_CUTS]
    // takes them out itself). A call ended by its own timeout may stay until its entry expires: when
    // the phone answers its BYE first, Kamailio 5.6 skips the dialog's end event (seen under CI load).
    const left = () => ({
      dialogs: kamcmd('dlg.stats_active'),
      table: kamcmd('htable.dump', 'calls'),
      creds: kamcmd('htable.dump', 'creds'),
    });
    await waitFor(
      'the last dialogs to go',
      () =>
        /all:\s*0\b/.test(left().dialogs) &&
        !/value: b:/.test(left().table) &&
        !/value: live-rot-a\b/.test(left().creds),
      10_000,
    ).catch(() =>
      expect(left()).toEqual('no dialog, no call a block ended, none a password change ended in the tables'),
    );
    expect(dialogErrors()).toEqual([]);
  });
});

describe('reference switch: the dialog timeout (SIPp)', { timeout: 40_000 }, () => {
  let short: SwitchRig;
  referenceSwitchPerFile(
    {
      name: 'dialog-timeout',
      token: TOKEN,
      webhookSecret: `whsec-${randomUUID()}`,
      dialogTimeoutSeconds: DIALOG_TIMEOUT,
      provision: { accounts: [us('ACC-2105', 'live-long')] },
    },
    (r) => (short = r),
  );

  test(`a call past the dialog timeout (${DIALOG_TIMEOUT} s here, 4 h by default) is ended on both legs`, async () => {
    const long = phone(short, 'call-cut.xml', 'live-long', DOMESTIC, { waitMs: (DIALOG_TIMEOUT + 8) * 1000 });
    await endedBySwitch(long, short);
    expect(dialogErrors(short)).toEqual([]);
  });
});

describe('reference switch: a block while international calls ring (SIPp)', { timeout: 40_000 }, () => {
  let slow: SwitchRig;
  referenceSwitchPerFile(
    {
      name: 'ringing-cut',
      token: TOKEN,
      webhookSecret: `whsec-${randomUUID()}`,
      carrier: 'uas-slow.xml',
      provision: { accounts: [us('ACC-2106', 'live-ring')] },
    },
    (r) => (slow = r),
  );

  test('two calls answered after the block are each ended on both legs, and nothing is freed twice', async () => {
    const calls = [FRANCE, UK].map((to) => phone(slow, 'call-cut.xml', 'live-ring', to, { waitMs: 15_000 }));
    await waitFor('the carrier to ring twice', () => slow.uas.invites().length >= 2, 8_000);
    const blocked = await clientOf(slow).setInternationalCalling(
      'ACC-2106',
      { state: 'blocked', reason: 'manual', actor: 'sam' },
      randomUUID(),
    );
    expect(blocked.ok).toBe(true);
    for (const c of calls) await endedBySwitch(c, slow);
    expect(dialogErrors(slow)).toEqual([]);
  });
});
