import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSipCredential, createAccount, type SwitchAsk } from '@/lib/accounts/commands';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// The operator commands' question to the switch (lib/accounts/commands.ts): add-sip-credential asks
// about the username as create-account asks about the number, and a 404 that is not the switch's
// "unknown account / credential" is worded as a wrong SWITCH_API_URL, naming the URL called. A first
// deployment (2026-12-06): `norte-recepcon` typed for `norte-recepcion` was added without a word, and
// SWITCH_API_URL=http://switch:4210/v1 made create-account say "check the number" of a right number.

const uid = () => crypto.randomInt(10 ** 5, 10 ** 6);

/** The switch as the CLI hands it to a command, at `baseUrl`; `fetch` in place of the network when given. */
const askAt = (baseUrl: string, fetch?: typeof globalThis.fetch): SwitchAsk => ({
  client: createSwitchClient({ baseUrl, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {}, fetch }),
  baseUrl,
});

/** A switch (or a proxy) that answers every call with `status` and `body`. */
const answering =
  (status: number, body: string): typeof globalThis.fetch =>
  async () =>
    new Response(body, { status, headers: { 'content-type': 'application/json' } });

describe.each(dialects())('the operator commands ask the switch, on %s', (dialect) => {
  let sim: TestSim;
  const ask = (url = sim.url) => askAt(url);
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(() => sim.stop());

  /** A new account (not asked) for a credential to be added to; its number. */
  const account = async () => {
    const number = `ACC-3${uid()}`;
    await createAccount(getDb(), { number, name: `Norte ${number}`, timeZone: 'UTC' });
    return number;
  };

  /** What the sip_credential.created row of `username` says the switch said. */
  const audited = async (username: string) => {
    const row = await getDb().auditLog.findFirstOrThrow({
      where: { action: 'sip_credential.created', detail: { contains: `"${username}"` } },
    });
    return JSON.parse(row.detail!).switchSays;
  };

  it('add-sip-credential: a username the switch does not know is added, with a warning; the audit row says not_found', async () => {
    const number = await account();
    const typo = `norte-recepcon-${uid()}`;
    const c = await addSipCredential(getDb(), { account: number, username: typo }, ask());
    expect(c).toMatchObject({ username: typo, onSwitch: 'not_found' });
    expect(c.warning).toBe(
      `the switch does not know SIP username ${typo} (HTTP 404 credential_not_found: no SIP credential ${typo}). ` +
        "Check the username: the switch refuses a password reset for a username it does not know, so the customer's " +
        'reset page could not set this one (pass --offline when the switch learns it later)',
    );
    expect(await audited(typo)).toBe('not_found');
    expect(await getDb().sipCredential.count({ where: { username: typo } })).toBe(1);
  });

  it('add-sip-credential: a username the switch knows is added without a word; the audit row says known', async () => {
    const number = await account();
    const username = `norte-recepcion-${uid()}`;
    await sim.control('PUT', `/_sim/accounts/${number}`, {
      internationalCalling: 'allowed',
      credentials: [{ username }],
    });
    const c = await addSipCredential(getDb(), { account: number, username, label: 'Recepción' }, ask());
    expect(c).toMatchObject({ username, label: 'Recepción', onSwitch: 'known' });
    expect(c.warning).toBeUndefined();
    expect(await audited(username)).toBe('known');
  });

  it("add-sip-credential: the reference Kamailio's sip_credential_not_found is an unknown username too", async () => {
    const number = await account();
    const username = `norte-pbx-${uid()}`;
    const body = JSON.stringify({
      error: { code: 'sip_credential_not_found', message: `no SIP credential ${username}` },
    });
    const c = await addSipCredential(
      getDb(),
      { account: number, username },
      askAt('https://kamailio.example.net', answering(404, body)),
    );
    expect(c.onSwitch).toBe('not_found');
    expect(c.warning).toMatch(
      new RegExp(`^the switch does not know SIP username ${username} .*Check the username`),
    );
  });

  it('add-sip-credential: no answer is said, and added; without a client the switch is not asked', async () => {
    const number = await account();
    const silent = `norte-fax-${uid()}`;
    const c = await addSipCredential(
      getDb(),
      { account: number, username: silent },
      ask('http://127.0.0.1:9'),
    );
    expect(c.onSwitch).toBe('unknown');
    expect(c.warning).toMatch(
      new RegExp(
        `^the switch did not answer for SIP username ${silent} \\(.+\\); nothing compares it with the switch ` +
          'later: make sure the switch knows it, or the customer cannot reset its password from the portal$',
      ),
    );
    expect(await audited(silent)).toBe('unknown');
    const offline = `norte-door-${uid()}`;
    const o = await addSipCredential(getDb(), { account: number, username: offline });
    expect(o).toMatchObject({ onSwitch: 'not_asked', warning: undefined });
    expect(await audited(offline)).toBe('not_asked');
  });

  it('a SWITCH_API_URL with /v1 (the switch answers not_found, "no such endpoint"): the warning names the URL, not the value', async () => {
    const db = getDb();
    const wrong = `${sim.url}/v1`;
    const number = `ACC-5${uid()}`;
    await sim.control('PUT', `/_sim/accounts/${number}`, {
      internationalCalling: 'allowed',
      credentials: [],
    });
    const a = await createAccount(db, { number, name: 'Right Number' }, ask(wrong));
    expect(a.onSwitch).toBe('unknown');
    expect(a.warning).toBe(
      `GET ${sim.url}/v1/v1/accounts/${number} answered HTTP 404 not_found: no such endpoint, not the switch's ` +
        `answer for an unknown account. Check SWITCH_API_URL (${wrong}): Tollgate adds /v1/… itself, so leave /v1 ` +
        `off. Account ${number} was not checked with the switch, and the portal's own calls to the switch fail the ` +
        'same way until SWITCH_API_URL is right (if it is, check the number)',
    );
    const row = await db.auditLog.findFirstOrThrow({ where: { action: 'account.created', accountId: a.id } });
    expect(JSON.parse(row.detail!)).toMatchObject({ switchSays: 'unknown' });

    const username = `norte-recepcion-${uid()}`;
    const c = await addSipCredential(db, { account: number, username }, ask(`${wrong}/`));
    expect(c.onSwitch).toBe('unknown');
    expect(c.warning).toBe(
      `GET ${sim.url}/v1/v1/sip-credentials/${username}/registrations answered HTTP 404 not_found: no such ` +
        `endpoint, not the switch's answer for an unknown SIP username. Check SWITCH_API_URL (${wrong}): Tollgate ` +
        `adds /v1/… itself, so leave /v1 off. SIP username ${username} was not checked with the switch, and the ` +
        "portal's own calls to the switch fail the same way until SWITCH_API_URL is right (if it is, check the username)",
    );
    expect(await audited(username)).toBe('unknown');
  });

  it("another wrong path (a proxy's 404 page without the switch's error body): the URL is named as well", async () => {
    const number = await account();
    const username = `norte-lobby-${uid()}`;
    const c = await addSipCredential(
      getDb(),
      { account: number, username },
      askAt('https://proxy.example.net/switch', answering(404, '<html>Not Found</html>')),
    );
    expect(c.onSwitch).toBe('unknown');
    expect(c.warning).toBe(
      `GET https://proxy.example.net/switch/v1/sip-credentials/${username}/registrations answered HTTP 404 ` +
        "without the switch's error body, not the switch's answer for an unknown SIP username. Check " +
        'SWITCH_API_URL (https://proxy.example.net/switch): it is the address Tollgate adds /v1/… to. SIP username ' +
        `${username} was not checked with the switch, and the portal's own calls to the switch fail the same way ` +
        'until SWITCH_API_URL is right (if it is, check the username)',
    );
  });
});
