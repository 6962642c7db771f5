// Destination allowances on the reference switch (issue 16, CONTRACTS §3): the portal's own switch
// client against the companion's API, and SIPp calls through Kamailio proving that, while the account
// is blocked, an allowed country passes until its `until` and every other international call gets 403.
// Nothing here is skipped: missing Debian packages are installed when running as root.
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { runSipp, waitFor, type SippCall } from './harness';
import { referenceSwitchPerFile, switchApi, type SwitchRig } from './rig';

const TOKEN = `tok-${randomUUID()}`;
const PW = 'Allow-desk-initial-1616';
const SOMALIA = '+252611234567'; // SO, a high-risk prefix on this switch
const SAO_TOME = '+2392221234'; // ST

let work: string;
let sw: SwitchRig['sw'];
let uas: SwitchRig['uas'];
let obs: SwitchRig['obs'];

type Sipp = Omit<SippCall, 'switchAddress' | 'cwd' | 'scenario' | 'username' | 'password'>;
const sipp = (scenario: SippCall['scenario'], c: Sipp & { username: string }) =>
  runSipp({ ...c, scenario, password: PW, switchAddress: sw.sipAddress, cwd: work });
/** A call the carrier answers (sipp/call.xml: 200, ACK, BYE). */
const call = (username: string, to: string) => sipp('call.xml', { service: to, username });
/** A call the switch refuses with 403 after authenticating it (sipp/call-refused.xml). */
const callRefused = (username: string, to: string) => sipp('call-refused.xml', { service: to, username });

const { client, account } = switchApi(() => sw, TOKEN);
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const fraudHits = (n: string) =>
  (obs.prepare('SELECT count(*) AS c FROM fraud_hits WHERE account_number = ?').get(n) as { c: number }).c;

referenceSwitchPerFile(
  {
    name: 'allowances',
    token: TOKEN,
    webhookSecret: `whsec-${randomUUID()}`,
    provision: {
      accounts: [
        {
          number: 'ACC-1601',
          name: 'Allowance API',
          country: 'US',
          internationalCalling: 'blocked',
          credentials: [],
        },
        {
          number: 'ACC-1602',
          name: 'Allowance calls',
          country: 'US',
          internationalCalling: 'blocked',
          credentials: [{ username: 'allow-desk', password: PW }],
        },
      ],
      highRiskPrefixes: ['+252'],
    },
  },
  (rig) => ({ work, sw, uas, obs } = rig),
);

describe('reference switch: destination allowance API (CONTRACTS §3)', { timeout: 20_000 }, () => {
  test('PUT answers the allowances, a repeated key applies once, the GET lists them, DELETE ends one', async () => {
    expect((await account('ACC-1601')).allowances).toEqual([]);
    const key = randomUUID();
    const until = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * 3600_000).toISOString();
    const body = { countries: ['SO'], until, reason: 'supplier', actor: 'sam@tollgate.example' };
    const first = await client().putDestinationAllowances('ACC-1601', body, key);
    expect(first).toEqual({
      ok: true,
      value: { accountNumber: 'ACC-1601', allowances: [{ country: 'SO', until }] },
    });
    // The same key again: the stored answer, applied once (one row, not a second change).
    expect(await client().putDestinationAllowances('ACC-1601', body, key)).toEqual(first);
    expect(
      obs
        .prepare("SELECT count(*) AS c FROM idempotency_keys WHERE path LIKE '%destination-allowances'")
        .get(),
    ).toEqual({ c: 1 });
    // The same key for another body is refused, not applied.
    expect(
      await client().putDestinationAllowances('ACC-1601', { ...body, countries: ['CU'] }, key),
    ).toMatchObject({ ok: false, kind: 'rejected', status: 422 });
    expect((await account('ACC-1601')).allowances).toEqual([{ country: 'SO', until }]);

    // Extending: a country already allowed gets the new until; the answer lists every allowance.
    const later = new Date(Date.parse(until) + 3600_000).toISOString();
    const both = await client().putDestinationAllowances(
      'ACC-1601',
      { ...body, countries: ['CU', 'SO'], until: later },
      randomUUID(),
    );
    expect(both).toEqual({
      ok: true,
      value: {
        accountNumber: 'ACC-1601',
        allowances: [
          { country: 'CU', until: later },
          { country: 'SO', until: later },
        ],
      },
    });

    expect(await client().deleteDestinationAllowance('ACC-1601', 'SO', randomUUID())).toEqual({
      ok: true,
      value: undefined,
    });
    // Ending one that is gone already is the state the caller wants: 204 again.
    expect(await client().deleteDestinationAllowance('ACC-1601', 'SO', randomUUID())).toEqual({
      ok: true,
      value: undefined,
    });
    expect((await account('ACC-1601')).allowances).toEqual([{ country: 'CU', until: later }]);
    // The answer of PUT international-calling carries them too.
    const blocked = await client().setInternationalCalling(
      'ACC-1601',
      { state: 'blocked', reason: 'manual', actor: 'sam' },
      randomUUID(),
    );
    expect(blocked.ok && blocked.value.allowances).toEqual([{ country: 'CU', until: later }]);
  });

  test('refuses an until in the past, a malformed body or country and an unknown account, changing nothing', async () => {
    const before = (await account('ACC-1601')).allowances;
    expect(
      await client().putDestinationAllowances(
        'ACC-1601',
        { countries: ['SO'], until: inMs(-1000), reason: 'r', actor: 'a' },
        randomUUID(),
      ),
    ).toMatchObject({ ok: false, kind: 'rejected', status: 422, code: 'until_in_past' });
    expect(
      await client().putDestinationAllowances(
        'ACC-0000',
        { countries: ['SO'], until: inMs(3600_000), reason: 'r', actor: 'a' },
        randomUUID(),
      ),
    ).toMatchObject({ ok: false, kind: 'not_found', status: 404 });
    expect(await client().deleteDestinationAllowance('ACC-0000', 'SO', randomUUID())).toMatchObject({
      ok: false,
      kind: 'not_found',
      status: 404,
    });
    // What the client would never send, sent raw: the switch's own checks.
    const raw = (method: string, p: string, body?: unknown, key: string | null = randomUUID()) =>
      fetch(`${sw.apiUrl}${p}`, {
        method,
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/json',
          ...(key ? { 'Idempotency-Key': key } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({
        status: r.status,
        json: (await r.json().catch(() => null)) as { error?: { code: string } } | null,
      }));
    const ok = { countries: ['SO'], until: inMs(3600_000), reason: 'r', actor: 'a' };
    for (const bad of [
      { ...ok, countries: ['Somalia'] },
      { ...ok, countries: [] },
      { ...ok, until: 'tomorrow' },
      { ...ok, reason: ' ' },
      { ...ok, extra: 1 },
    ]) {
      const r = await raw('PUT', '/v1/accounts/ACC-1601/destination-allowances', bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.json?.error?.code).toBe('invalid_body');
    }
    expect(
      (await raw('PUT', '/v1/accounts/ACC-1601/destination-allowances', ok, null)).json?.error?.code,
    ).toBe('idempotency_key_missing');
    expect((await raw('DELETE', '/v1/accounts/ACC-1601/destination-allowances/so')).status).toBe(400);
    expect((await raw('GET', '/v1/accounts/ACC-1601/destination-allowances')).status).toBe(405);
    expect((await account('ACC-1601')).allowances).toEqual(before);
  });
});

describe('reference switch: calls under a destination allowance (SIPp)', { timeout: 40_000 }, () => {
  test('blocked: +252 → 403; allowance for SO → the call passes; +239 still 403; after until → 403 again', async () => {
    expect((await account('ACC-1602')).internationalCalling).toBe('blocked');
    const r1 = await callRefused('allow-desk', SOMALIA);
    expect(r1.code, r1.output).toBe(0);

    const until = inMs(5_000);
    const put = await client().putDestinationAllowances(
      'ACC-1602',
      { countries: ['SO'], until, reason: 'Supplier in Mogadishu', actor: 'sam@tollgate.example' },
      randomUUID(),
    );
    expect(put.ok).toBe(true);
    const hitsBefore = fraudHits('ACC-1602');

    const before = uas.invites().length;
    const r2 = await call('allow-desk', SOMALIA);
    expect(r2.code, r2.output).toBe(0);
    const invites = await waitFor(
      'the carrier to log the INVITE',
      () => uas.invites().length > before && uas.invites().slice(before),
      2_000,
    );
    expect(invites).toEqual([expect.stringMatching(/^sip:\+252611234567@/)]);
    // Still blocked, and the allowed call to a high-risk prefix is no fraud hit.
    expect((await account('ACC-1602')).internationalCalling).toBe('blocked');
    expect(fraudHits('ACC-1602')).toBe(hitsBefore);

    const r3 = await callRefused('allow-desk', SAO_TOME);
    expect(r3.code, r3.output).toBe(0);

    // Wait on the switch's own state, not on a timed assertion: until the GET stops listing SO.
    let listed = true;
    for (let i = 0; i < 100 && listed; i++) {
      await new Promise((r) => setTimeout(r, 100));
      listed = (await account('ACC-1602')).allowances?.some((a) => a.country === 'SO') ?? true;
    }
    expect(listed).toBe(false);
    const r4 = await callRefused('allow-desk', SOMALIA);
    expect(r4.code, r4.output).toBe(0);
    expect((await account('ACC-1602')).internationalCalling).toBe('blocked');
  });
});
