// Digest authentication on the reference switch against replays and stale nonces (SIPp through
// Kamailio). The switch challenges with qop=auth and counts each nonce's uses (auth nonce_count):
// a Proxy-Authorization or Authorization header sniffed off the wire and sent again, in a new
// request to another number or to register the attacker's address, is challenged again, where it
// used to be accepted for the nonce's whole lifetime. A phone that answers an expired nonce gets a new
// challenge with stale=true (RFC 7616 §3.3) and goes on with the password it has, instead of being
// told its password is wrong. Nothing here is skipped (see harness.ts).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { registrationsBodySchema } from '../../lib/switch/schemas';
import { runSipp, waitFor, type SippCall } from './harness';
import { referenceSwitchPerFile, type SwitchRig } from './rig';

const TOKEN = `tok-${randomUUID()}`;
const PW = 'Digest-desk-initial-8080';
const NATIONAL = '2125550123';
const OTHER = '3125550123';
/** The switch's nonce lifetime here, and a wait after which a nonce is surely stale (expiry is checked in whole seconds). */
const NONCE_EXPIRE_S = 2;
const STALE_WAIT_MS = (NONCE_EXPIRE_S + 1) * 1000 + 100;

let work: string;
let sw: SwitchRig['sw'];
let uas: SwitchRig['uas'];
let obs: SwitchRig['obs'];

referenceSwitchPerFile(
  {
    name: 'digest',
    token: TOKEN,
    webhookSecret: `whsec-${randomUUID()}`,
    nonceExpireSeconds: NONCE_EXPIRE_S,
    provision: {
      accounts: [
        {
          number: 'ACC-2501',
          name: 'Digest Test Co',
          country: 'US',
          credentials: [
            { username: 'digest-desk', password: PW },
            { username: 'digest-phone', password: PW },
            { username: 'digest-stale', password: PW },
          ],
        },
      ],
      highRiskPrefixes: ['+252'],
    },
  },
  (rig) => ({ work, sw, uas, obs } = rig),
);

type Sipp = Omit<SippCall, 'switchAddress' | 'cwd'>;
const sipp = (c: Sipp) => runSipp({ ...c, switchAddress: sw.sipAddress, cwd: work });

/** Runs `c` with SIPp's message trace and returns the last `header` line SIPp sent (what a sniffer sees). */
async function sniff(c: Sipp, header: 'Authorization' | 'Proxy-Authorization'): Promise<string> {
  const trace = path.join(work, `sniffed-${randomUUID()}.log`);
  const r = await sipp({ ...c, extraArgs: ['-trace_msg', '-message_file', trace] });
  expect(r.code, r.output).toBe(0);
  const lines = readFileSync(trace, 'latin1')
    .split(/\r?\n/)
    .filter((l) => l.startsWith(`${header}:`));
  expect(lines.length, `no ${header} in the trace`).toBeGreaterThan(0);
  return lines[lines.length - 1]!;
}

const registrations = async (u: string) =>
  registrationsBodySchema.parse(
    await (
      await fetch(`${sw.apiUrl}/v1/sip-credentials/${u}/registrations`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      })
    ).json(),
  ).registrations;

describe('reference switch: replayed digest credentials', { timeout: 20_000 }, () => {
  test('a sniffed Proxy-Authorization sent again in a new INVITE to another number is challenged, not routed', async () => {
    const header = await sniff(
      { scenario: 'call.xml', service: NATIONAL, username: 'digest-desk', password: PW },
      'Proxy-Authorization',
    );
    const before = uas.invites().length;
    const r = await sipp({
      scenario: 'replay-invite.xml',
      service: OTHER,
      username: 'attacker',
      password: 'none',
      caller: 'digest-desk',
      localIp: '127.0.0.88',
      extraArgs: ['-key', 'sniffed', header],
    });
    expect(r.code, r.output).toBe(0);
    await new Promise((res) => setTimeout(res, 200));
    expect(uas.invites().slice(before)).toEqual([]);
    // the switch asked for qop=auth, so SIPp counted its use of the nonce
    expect(header).toMatch(/qop=auth/);
    expect(header).toMatch(/nc=00000001/);
    // the phone itself goes on calling: a new call, a new challenge
    const again = await sipp({ scenario: 'call.xml', service: OTHER, username: 'digest-desk', password: PW });
    expect(again.code, again.output).toBe(0);
  });

  test('a sniffed REGISTER Authorization sent again from another address registers nothing', async () => {
    const header = await sniff(
      { scenario: 'register.xml', service: 'digest-phone', username: 'digest-phone', password: PW },
      'Authorization',
    );
    const mine = await registrations('digest-phone');
    expect(mine).toHaveLength(1);
    const r = await sipp({
      scenario: 'replay-register.xml',
      service: 'digest-phone',
      username: 'attacker',
      password: 'none',
      localIp: '127.0.0.88',
      extraArgs: ['-key', 'sniffed', header],
    });
    expect(r.code, r.output).toBe(0);
    expect(await registrations('digest-phone')).toEqual(mine);
    expect(
      obs
        .prepare(
          "SELECT count(*) AS n FROM location WHERE username = 'digest-phone' AND received LIKE '%127.0.0.88%'",
        )
        .get(),
    ).toEqual({ n: 0 });
  });
});

describe('reference switch: stale nonces', { timeout: 20_000 }, () => {
  test('an expired nonce is challenged again with stale=true, and the phone goes on with its password (REGISTER and INVITE)', async () => {
    const before = uas.invites().length;
    const [reg, call] = await Promise.all([
      sipp({
        scenario: 'register-stale.xml',
        service: 'digest-stale',
        username: 'digest-stale',
        password: PW,
        extraArgs: ['-d', String(STALE_WAIT_MS)],
      }),
      sipp({
        scenario: 'call-stale.xml',
        service: NATIONAL,
        username: 'digest-stale',
        password: PW,
        extraArgs: ['-d', String(STALE_WAIT_MS)],
      }),
    ]);
    expect(reg.code, reg.output).toBe(0);
    expect(call.code, call.output).toBe(0);
    expect(await registrations('digest-stale')).toHaveLength(1);
    expect(
      await waitFor(
        'the carrier to log the INVITE',
        () => uas.invites().length > before && uas.invites().slice(before),
      ),
    ).toEqual([expect.stringMatching(new RegExp(`^sip:\\+1${NATIONAL}@`))]);
  });
});
