// Calls already up when an account is blocked, on the reference switch: SIPp phones and the SIPp
// carrier through Kamailio. Toll fraud is billed by the minute, so a block that only refuses the next
// INVITE leaves the calls that were pouring out running for hours. Proven here: a block (switch API
// or fraud rule) ends the account's international calls in progress with a BYE to both legs, leaves
// its domestic calls up; a call through a destination allowance ends when the allowance does; every
// call ends at the dialog timeout; an in-dialog REFER (a transfer the carrier would place) is refused.
// Nothing here is skipped: missing Debian packages are installed when running as root.
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
/** The dialog timeout of the second switch (seconds); the first keeps the default, 4 h. */
const DIALOG_TIMEOUT = 3;
const FRANCE = '+33123456789'; // international for a US account, no high-risk prefix
const DOMESTIC = '+12125550123'; // New York, national for a US account
const SOMALIA = '+252611234567'; // a high-risk prefix on this switch

let rig: SwitchRig;

referenceSwitchPerFile(
  {
    name: 'live-calls',
    token: TOKEN,
    webhookSecret: `whsec-${randomUUID()}`,
    provision: {
      accounts: [
        {
          number: 'ACC-2101',
          name: 'Blocked by staff',
          country: 'US',
          credentials: [{ username: 'live-api', password: PW }],
        },
        {
          number: 'ACC-2102',
          name: 'Blocked by a rule',
          country: 'US',
          credentials: [{ username: 'live-rule', password: PW }],
        },
        {
          number: 'ACC-2103',
          name: 'Allowance',
          country: 'US',
          internationalCalling: 'blocked',
          credentials: [{ username: 'live-allow', password: PW }],
        },
        {
          number: 'ACC-2104',
          name: 'Transfers',
          country: 'US',
          credentials: [{ username: 'live-refer', password: PW }],
        },
      ],
      highRiskPrefixes: ['+252'],
    },
  },
  (r) => (rig = r),
);

const client = () =>
  createSwitchClient({ baseUrl: rig.sw.apiUrl, token: TOKEN, timeoutMs: 3000, retries: 0, log: () => {} });

/**
 * One SIPp phone call of `scenario` from `username` to `to`, with its own Call-ID (returned, to find
 * the call's requests at the carrier) and room to wait `waitMs` for the switch's BYE.
 */
function phone(
  on: SwitchRig,
  scenario: SippCall['scenario'],
  username: string,
  to: string,
  o: { waitMs?: number; holdMs?: number; extra?: string[] } = {},
): { callId: string; done: Promise<SippResult> } {
  const tag = `live-${randomUUID().slice(0, 8)}`;
  const wait = o.waitMs ?? 5_000;
  const done = runSipp({
    scenario,
    service: to,
    username,
    password: PW,
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

/** kamcmd against the (first) switch's control socket; its output, trimmed. */
function kamcmd(...args: string[]): string {
  const r = spawnSync('kamcmd', ['-s', `unix:${path.join(rig.sw.dataDir, 'kamailio_ctl')}`, ...args], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`kamcmd ${args.join(' ')}: ${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

/** How many confirmed calls the switch holds in the "intl" profile for `account`. */
const intlCalls = (account: string) => Number(kamcmd('dlg.profile_get_size', 'intl', account));
/** Confirmed dialogs the switch holds (dlg.stats_active "ongoing"). */
const ongoing = () => Number(/ongoing:\s*(\d+)/.exec(kamcmd('dlg.stats_active'))?.[1] ?? NaN);

/**
 * The methods of the requests `on`'s carrier received for one call (default: the first switch's), in
 * the order each first came: a retransmission (a BYE sent again when its 200 was slow) counts once.
 */
const carrierGot = (callId: string, on: SwitchRig = rig) => [
  ...new Set(
    on.uas
      .requests()
      .filter((r) => r.callId === callId)
      .map((r) => r.method),
  ),
];

const kamailioLog = () => readFileSync(path.join(rig.sw.dataDir, 'kamailio.log'), 'utf8');

describe('reference switch: a block ends the calls already up (SIPp)', { timeout: 40_000 }, () => {
  test('a block through the switch API ends the international call with a BYE to both legs, the domestic call stays up', async () => {
    const abroad = phone(rig, 'call-cut.xml', 'live-api', FRANCE, { waitMs: 15_000 });
    const home = phone(rig, 'call-hold.xml', 'live-api', DOMESTIC, { holdMs: 4_000 });
    await waitFor('both calls answered', () => ongoing() >= 2 && intlCalls('ACC-2101') === 1, 8_000);

    const blocked = await client().setInternationalCalling(
      'ACC-2101',
      { state: 'blocked', reason: 'manual', actor: 'sam@tollgate.example' },
      randomUUID(),
    );
    expect(blocked.ok && blocked.value.internationalCalling).toBe('blocked');

    // The phone got the switch's BYE (call-cut.xml ends only on one) …
    const cut = await abroad.done;
    expect(cut.code, cut.output).toBe(0);
    // … and so did the carrier, which is what stops the billing; the phone never sent one.
    await waitFor('the carrier to get the BYE', () => carrierGot(abroad.callId).includes('BYE'), 3_000);
    expect(carrierGot(abroad.callId)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(kamailioLog()).toMatch(
      /account ACC-2101 blocked: ending its 1 international call\(s\) in progress/,
    );

    // The domestic call ran its 4 s and was hung up by the phone: a BYE from the switch would
    // have been an unexpected message in call-hold.xml.
    const stayed = await home.done;
    expect(stayed.code, stayed.output).toBe(0);
    expect(carrierGot(home.callId)).toEqual(['INVITE', 'ACK', 'BYE']);
    // Handled: the queue of accounts whose calls are to be ended is empty again.
    await waitFor(
      'dialog_cuts handled',
      () => (rig.obs.prepare('SELECT count(*) AS c FROM dialog_cuts').get() as { c: number }).c === 0,
    );
  });

  test('a block placed by a fraud rule ends the account’s other international calls', async () => {
    const abroad = phone(rig, 'call-cut.xml', 'live-rule', FRANCE, { waitMs: 15_000 });
    await waitFor('the call answered', () => intlCalls('ACC-2102') === 1, 8_000);

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
    const cut = await abroad.done;
    expect(cut.code, cut.output).toBe(0);
    await waitFor('the carrier to get the BYE', () => carrierGot(abroad.callId).includes('BYE'), 3_000);
    expect(carrierGot(abroad.callId)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(rig.obs.prepare("SELECT intl_state AS s FROM accounts WHERE number = 'ACC-2102'").get()).toEqual({
      s: 'blocked',
    });
    expect(kamailioLog()).toMatch(
      /account ACC-2102 blocked: ending its 1 international call\(s\) in progress/,
    );
  });

  test('a call through a destination allowance ends when the allowance does', async () => {
    const put = await client().putDestinationAllowances(
      'ACC-2103',
      {
        countries: ['FR'],
        until: new Date(Date.now() + 2_500).toISOString(),
        reason: 'Supplier in Lyon',
        actor: 'sam',
      },
      randomUUID(),
    );
    expect(put.ok).toBe(true);
    const abroad = phone(rig, 'call-cut.xml', 'live-allow', FRANCE, { waitMs: 15_000 });
    // Not in the profile a block ends: the account is blocked already.
    await waitFor('the call answered', () => ongoing() >= 1, 8_000);
    expect(intlCalls('ACC-2103')).toBe(0);
    const cut = await abroad.done;
    expect(cut.code, cut.output).toBe(0);
    await waitFor('the carrier to get the BYE', () => carrierGot(abroad.callId).includes('BYE'), 3_000);
  });

  test('an in-dialog REFER (a transfer the carrier would place) is refused, not relayed', async () => {
    const c = phone(rig, 'refer.xml', 'live-refer', DOMESTIC, { extra: ['-key', 'transfer', SOMALIA] });
    const r = await c.done;
    expect(r.code, r.output).toBe(0);
    expect(carrierGot(c.callId)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(rig.obs.prepare("SELECT intl_state AS s FROM accounts WHERE number = 'ACC-2104'").get()).toEqual({
      s: 'allowed',
    });
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
      provision: {
        accounts: [
          {
            number: 'ACC-2105',
            name: 'Long calls',
            country: 'US',
            credentials: [{ username: 'live-long', password: PW }],
          },
        ],
      },
    },
    (r) => (short = r),
  );

  test(`a call past the dialog timeout (${DIALOG_TIMEOUT} s here, 4 h by default) is ended on both legs`, async () => {
    const long = phone(short, 'call-cut.xml', 'live-long', DOMESTIC, { waitMs: (DIALOG_TIMEOUT + 8) * 1000 });
    const r = await long.done;
    expect(r.code, r.output).toBe(0);
    await waitFor('the carrier to get the BYE', () => carrierGot(long.callId, short).includes('BYE'), 3_000);
    expect(carrierGot(long.callId, short)).toEqual(['INVITE', 'ACK', 'BYE']);
  });
});

describe('reference switch: a block while an international call rings (SIPp)', { timeout: 40_000 }, () => {
  let slow: SwitchRig;
  referenceSwitchPerFile(
    {
      name: 'ringing-cut',
      token: TOKEN,
      webhookSecret: `whsec-${randomUUID()}`,
      carrier: 'uas-slow.xml',
      provision: {
        accounts: [
          {
            number: 'ACC-2106',
            name: 'Ringing',
            country: 'US',
            credentials: [{ username: 'live-ring', password: PW }],
          },
        ],
      },
    },
    (r) => (slow = r),
  );

  test('the call answered after the block is ended on both legs', async () => {
    const abroad = phone(slow, 'call-cut.xml', 'live-ring', FRANCE, { waitMs: 15_000 });
    await waitFor('the carrier to ring', () => slow.uas.invites().length > 0, 8_000);
    const blocked = await createSwitchClient({
      baseUrl: slow.sw.apiUrl,
      token: TOKEN,
      timeoutMs: 3000,
      retries: 0,
      log: () => {},
    }).setInternationalCalling(
      'ACC-2106',
      { state: 'blocked', reason: 'manual', actor: 'sam' },
      randomUUID(),
    );
    expect(blocked.ok).toBe(true);
    const cut = await abroad.done;
    expect(cut.code, cut.output).toBe(0);
    await waitFor('the carrier to get the BYE', () => carrierGot(abroad.callId, slow).includes('BYE'), 3_000);
    expect(carrierGot(abroad.callId, slow)).toEqual(['INVITE', 'ACK', 'BYE']);
  });
});
