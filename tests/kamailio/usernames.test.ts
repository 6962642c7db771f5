// SIP usernames with "@" on the reference switch. Tollgate and the switch API accept them
// (`[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}`, docs/switch-api.md), but until 2026-12-02 Kamailio's
// auth_db split the digest username at "@" and looked up only the part before it: "front@desk"
// got 401 with its right password, for ever, while the portal said its new password was in force.
// kamailio.cfg now reads the whole username itself (route[CREDENTIAL]).
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { registrationsBodySchema } from '../../lib/switch/schemas';
import { runSipp, type SippCall } from './harness';
import { referenceSwitchPerFile, type SwitchRig } from './rig';

const TOKEN = `tok-${randomUUID()}`;
const AT = { username: 'front@desk', password: 'At-desk-initial-4471' };
// Same part before "@": the row auth_db used to read for "front@desk".
const PLAIN = { username: 'front', password: 'Front-plain-8812' };
const NEW_AT_PW = 'copper-Lantern-52-harbor';

let rig: SwitchRig;
referenceSwitchPerFile(
  {
    name: 'usernames',
    token: TOKEN,
    webhookSecret: `whsec-${randomUUID()}`,
    provision: {
      accounts: [
        { number: 'ACC-4401', name: 'At Sign Ltd', credentials: [AT] },
        { number: 'ACC-4402', name: 'Plain Ltd', credentials: [PLAIN] },
      ],
      highRiskPrefixes: ['+252'],
    },
  },
  (r) => (rig = r),
);

/** SIPp as `username`'s phone: its address of record carries the username escaped (RFC 3261 §25). */
const sipp = (scenario: SippCall['scenario'], c: { username: string; password: string }, service?: string) =>
  runSipp({
    scenario,
    service: service ?? c.username.replace('@', '%40'),
    username: c.username,
    caller: c.username.replace('@', '%40'),
    password: c.password,
    switchAddress: rig.sw.sipAddress,
    cwd: rig.work,
  });

async function registrations(username: string) {
  const res = await fetch(
    `${rig.sw.apiUrl}/v1/sip-credentials/${encodeURIComponent(username)}/registrations`,
    { headers: { Authorization: `Bearer ${TOKEN}` } },
  );
  return registrationsBodySchema.parse(await res.json()).registrations;
}

describe('reference switch: a SIP username with "@"', { timeout: 20_000 }, () => {
  test('registers with its own password only, and the binding is listed under the whole username', async () => {
    expect((await sipp('register-rejected.xml', { ...AT, password: 'not-the-password' })).code).toBe(0);
    // the password of "front" does not open "front@desk", nor the reverse
    expect((await sipp('register-rejected.xml', { ...AT, password: PLAIN.password })).code).toBe(0);
    expect((await sipp('register-rejected.xml', { ...PLAIN, password: AT.password })).code).toBe(0);
    const r = await sipp('register.xml', AT);
    expect(r.code, r.output).toBe(0);
    expect(await registrations(AT.username)).toHaveLength(1);
    expect(await registrations(PLAIN.username)).toEqual([]);
  });

  test('a rotation ends its binding; the old password gets 401, the new one 200', async () => {
    const res = await fetch(
      `${rig.sw.apiUrl}/v1/sip-credentials/${encodeURIComponent(AT.username)}/password`,
      {
        method: 'PUT',
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': randomUUID(),
        },
        body: JSON.stringify({ password: NEW_AT_PW }),
      },
    );
    expect(res.status).toBe(204);
    expect(await registrations(AT.username)).toEqual([]);
    expect((await sipp('register-unauthorized.xml', AT)).code).toBe(0);
    const r = await sipp('register.xml', { ...AT, password: NEW_AT_PW });
    expect(r.code, r.output).toBe(0);
  });

  test('its call to a high-risk number is refused, and the fraud hit names the whole username', async () => {
    const r = await sipp('call-refused.xml', { ...AT, password: NEW_AT_PW }, '+252611234567');
    expect(r.code, r.output).toBe(0);
    expect(
      rig.obs
        .prepare("SELECT account_number, from_user FROM fraud_hits WHERE to_number = '+252611234567'")
        .all(),
    ).toEqual([{ account_number: 'ACC-4401', from_user: AT.username }]);
  });
});
