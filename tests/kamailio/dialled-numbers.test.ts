// What the reference switch sends the carrier for a dialled number, and what it refuses (SIPp through
// Kamailio), after the review of its dial plans:
// - a number it reads as national leaves in E.164, never as the digits dialled: "252611234567" from a
//   German account is a German number and leaves as +49252611234567, where a carrier reading digits
//   as E.164 used to get Somalia's;
// - digits it cannot read are refused, 403 while blocked and 484 while allowed, never routed as
//   dialled; digits that are another country's valid number are international;
// - +881/+882/+883 without "+" are international and high risk (they had no region at all);
// - Jersey is Jersey: a Jersey allowance lets +44 1534 … through, a British one does not;
// - an emergency number behind a PBX's outside-line code ("9 112", "0 110") goes out alone.
// And after its second review:
// - a trunk prefix after the country code is dropped as the portal drops it ("+44 (0)7797 …" is
//   Jersey's mobile, refused while blocked), and an invalid number of the account's own code is no
//   domestic call;
// - Spain's 091/092/062… and France's 114 after a PBX's outside-line code are emergency calls, not
//   India, Pakistan or a number abroad; "011" alone is refused;
// - the six-digit 116xxx and 118xxx short codes go out as dialled;
// - France and its overseas departments dial each other nationally ("0692 …" is Réunion's);
// - digits the switch cannot read get a 403 reason phrase of their own while blocked.
// Nothing here is skipped (see harness.ts).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runSipp, waitFor, type SippCall } from './harness';
import { oneCredentialEach, referenceSwitchPerFile, switchApi, type SwitchRig } from './rig';

const TOKEN = `tok-${randomUUID()}`;
const PW = 'Dial-desk-initial-2525';

let work: string;
let sw: SwitchRig['sw'];
let uas: SwitchRig['uas'];
let obs: SwitchRig['obs'];

const ACCOUNTS = [
  { number: 'ACC-2501', username: 'dn-us-blocked', country: 'US', internationalCalling: 'blocked' },
  { number: 'ACC-2502', username: 'dn-us', country: 'US', internationalCalling: 'allowed' },
  { number: 'ACC-2503', username: 'dn-de-blocked', country: 'DE', internationalCalling: 'blocked' },
  { number: 'ACC-2504', username: 'dn-it-blocked', country: 'IT', internationalCalling: 'blocked' },
  { number: 'ACC-2505', username: 'dn-gb-blocked', country: 'GB', internationalCalling: 'blocked' },
  { number: 'ACC-2506', username: 'dn-gb', country: 'GB', internationalCalling: 'allowed' },
  { number: 'ACC-2507', username: 'dn-je-blocked', country: 'JE', internationalCalling: 'blocked' },
  { number: 'ACC-2508', username: 'dn-us-je', country: 'US', internationalCalling: 'blocked' },
  { number: 'ACC-2509', username: 'dn-us-gb', country: 'US', internationalCalling: 'blocked' },
  { number: 'ACC-2510', username: 'dn-es-blocked', country: 'ES', internationalCalling: 'blocked' },
  { number: 'ACC-2511', username: 'dn-es', country: 'ES', internationalCalling: 'allowed' },
  { number: 'ACC-2512', username: 'dn-fr-blocked', country: 'FR', internationalCalling: 'blocked' },
  { number: 'ACC-2513', username: 'dn-fr', country: 'FR', internationalCalling: 'allowed' },
  { number: 'ACC-2514', username: 'dn-au-blocked', country: 'AU', internationalCalling: 'blocked' },
  { number: 'ACC-2515', username: 'dn-re-blocked', country: 'RE', internationalCalling: 'blocked' },
  { number: 'ACC-2516', username: 'dn-de', country: 'DE', internationalCalling: 'allowed' },
  // dn-us is blocked by a fraud rule above: this one stays allowed.
  { number: 'ACC-2517', username: 'dn-us2', country: 'US', internationalCalling: 'allowed' },
] as const;

referenceSwitchPerFile(
  {
    name: 'dialled-numbers',
    token: TOKEN,
    webhookSecret: `whsec-${randomUUID()}`,
    provision: {
      accounts: oneCredentialEach(ACCOUNTS, PW),
      highRiskPrefixes: ['+252', '+881', '+882', '+883'],
    },
  },
  (rig) => ({ work, sw, uas, obs } = rig),
);

type Scenario = Extract<
  SippCall['scenario'],
  'call.xml' | 'call-refused.xml' | 'call-uri.xml' | 'call-uri-refused.xml' | 'call-uri-incomplete.xml'
>;
let traces = 0;
/**
 * `to`: a dialled number (sip:<to>@switch), or a whole Request-URI ("tel:…"). Returns the reason
 * phrase of the switch's last final answer to the call (SIPp's message trace).
 */
async function dial(scenario: Scenario, username: string, to: string): Promise<string> {
  const tel = to.startsWith('tel:');
  const ruri = scenario === 'call-uri-incomplete.xml' || tel;
  const messages = path.join(work, `dial-${++traces}.log`);
  const r = await runSipp({
    scenario: tel
      ? scenario === 'call.xml'
        ? 'call-uri.xml'
        : scenario === 'call-refused.xml'
          ? 'call-uri-refused.xml'
          : scenario
      : scenario,
    service: ruri ? 'x' : to,
    username,
    password: PW,
    extraArgs: [
      ...(ruri ? ['-key', 'ruri', tel ? to : `sip:${to}@${sw.sipAddress}`] : []),
      ...['-trace_msg', '-message_file', messages],
    ],
    switchAddress: sw.sipAddress,
    cwd: work,
  });
  expect(r.code, `${username} → ${to}: ${r.output}`).toBe(0);
  const finals = [...readFileSync(messages, 'utf8').matchAll(/^SIP\/2\.0 [2-6]\d\d ([^\r\n]*)/gm)];
  return finals.at(-1)?.[1] ?? '';
}
/** The carrier answers: the Request-URI it received. */
async function relayed(username: string, to: string): Promise<string> {
  const before = uas.invites().length;
  await dial('call.xml', username, to);
  const got = await waitFor(
    'the carrier to log the INVITE',
    () => uas.invites().length > before && uas.invites().slice(before),
    2_000,
  );
  expect(got, to).toHaveLength(1);
  return got[0]!;
}
/**
 * The switch answers 403 (or 484) after authenticating the call, and the carrier gets nothing.
 * Returns the answer's reason phrase ("International calling blocked").
 */
async function refused(username: string, to: string, code: 403 | 484 = 403): Promise<string> {
  const before = uas.invites().length;
  const reason = await dial(code === 484 ? 'call-uri-incomplete.xml' : 'call-refused.xml', username, to);
  expect(uas.invites().length, `${to} from ${username}`).toBe(before);
  return reason;
}
const BLOCKED = 'International calling blocked';
const UNREADABLE = 'Unreadable number, international calling blocked';
const carrier = (number: string) => `sip:${number}@${uas.address}`;
const { client, account } = switchApi(() => sw, TOKEN);
const fraudHits = (n: string) =>
  obs.prepare('SELECT to_number, reason FROM fraud_hits WHERE account_number = ?').all(n);

describe(
  'reference switch: what leaves for the carrier is the number the policy judged',
  { timeout: 60_000 },
  () => {
    test('national numbers leave in E.164, from blocked accounts too', async () => {
      expect(await relayed('dn-us-blocked', '2125550123')).toBe(carrier('+12125550123'));
      expect(await relayed('dn-us-blocked', '12125550123')).toBe(carrier('+12125550123'));
      expect(await relayed('dn-gb-blocked', '02079460958')).toBe(carrier('+442079460958'));
      // Jersey's own number, from Jersey: national.
      expect(await relayed('dn-je-blocked', '01534456789')).toBe(carrier('+441534456789'));
      // Valid in Germany (an international call from there needs 00): a German number, sent as one.
      expect(await relayed('dn-de-blocked', '252611234567')).toBe(carrier('+49252611234567'));
    });

    test('bare digits that are a number abroad are international: refused while blocked', async () => {
      await refused('dn-it-blocked', '252611234567'); // not an Italian number: Somalia's
      await refused('dn-gb-blocked', '5351234567'); // Cuba's
      await refused('dn-gb-blocked', '01534456789'); // Jersey, from Great Britain
      await refused('dn-us-blocked', '88213100456'); // +882, no country
      for (const a of ['ACC-2501', 'ACC-2504', 'ACC-2505']) expect(fraudHits(a), a).toEqual([]);
    });

    test('+882 without "+" from an allowed account is a high-risk destination, recorded in E.164', async () => {
      await refused('dn-us', '88213100456');
      expect(await account('ACC-2502')).toMatchObject({
        internationalCalling: 'blocked',
        reason: 'high_risk_destination',
      });
      expect(fraudHits('ACC-2502')).toEqual([{ to_number: '+88213100456', reason: 'high_risk_destination' }]);
    });

    test('digits no plan reads are refused, never routed as dialled; a short code goes out as dialled', async () => {
      await refused('dn-gb-blocked', '0201234567'); // 403 while blocked
      await refused('dn-gb', '0201234567', 484); // 484 while allowed
      await refused('dn-gb', '900252611234567', 484);
      expect(await account('ACC-2506')).toMatchObject({ internationalCalling: 'allowed' });
      expect(fraudHits('ACC-2506')).toEqual([]);
      // Fewer digits than any number anywhere (1471: the UK's last-caller service).
      expect(await relayed('dn-gb-blocked', '1471')).toBe(carrier('1471'));
    });
  },
);

describe('reference switch: regions that share a calling code', { timeout: 30_000 }, () => {
  test('a Jersey allowance lets Jersey through and not Great Britain; a British one the other way', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    for (const [n, country] of [
      ['ACC-2508', 'JE'],
      ['ACC-2509', 'GB'],
    ] as const) {
      const r = await client().putDestinationAllowances(
        n,
        { countries: [country], until, reason: 'supplier', actor: 'sam@tollgate.example' },
        randomUUID(),
      );
      expect(r.ok, JSON.stringify(r)).toBe(true);
    }
    expect(await relayed('dn-us-je', '011441534456789')).toBe(carrier('+441534456789'));
    await refused('dn-us-je', '011442079460958');
    expect(await relayed('dn-us-gb', '+442079460958')).toBe(carrier('+442079460958'));
    await refused('dn-us-gb', '+441534456789');
  });
});

describe('reference switch: emergency numbers behind a PBX', { timeout: 30_000 }, () => {
  test('the outside-line code and the emergency number: the emergency number alone, never blocked', async () => {
    expect(await relayed('dn-gb-blocked', '9112')).toBe(carrier('112'));
    expect(await relayed('dn-gb-blocked', '9999')).toBe(carrier('999'));
    expect(await relayed('dn-de-blocked', '0112')).toBe(carrier('112'));
    expect(await relayed('dn-de-blocked', '0110')).toBe(carrier('110'));
    expect(await relayed('dn-us-blocked', '9911')).toBe(carrier('911'));
    expect(await relayed('dn-gb', '9112')).toBe(carrier('112'));
    expect(fraudHits('ACC-2506')).toEqual([]);
    // The number itself still wins; an access code before another short code is no emergency call.
    expect(await relayed('dn-us-blocked', '911')).toBe(carrier('911'));
    expect(await relayed('dn-gb-blocked', '9113')).toBe(carrier('9113'));
    // A 116xxx short code behind the outside-line code or after the account's own country code: the
    // code alone, blocked or not (third review, finding 5).
    expect(await relayed('dn-de-blocked', '0116117')).toBe(carrier('116117'));
    expect(await relayed('dn-de-blocked', '+49116000')).toBe(carrier('116000'));
    expect(await relayed('dn-gb', '9116123')).toBe(carrier('116123'));
  });
});

describe(
  'reference switch: a trunk prefix after the country code (second review)',
  { timeout: 60_000 },
  () => {
    test('dropped as the portal drops it: Jersey is refused while blocked, and goes out in E.164 while allowed', async () => {
      expect(await refused('dn-gb-blocked', '+4407797123456')).toBe(BLOCKED);
      expect(await refused('dn-gb-blocked', '004401534456789')).toBe(BLOCKED);
      expect(await refused('dn-gb-blocked', 'tel:01534456789;phone-context=+44')).toBe(BLOCKED);
      expect(await refused('dn-us-blocked', '+118765550123')).toBe(BLOCKED);
      expect(await relayed('dn-gb', '+4407797123456')).toBe(carrier('+447797123456'));
      expect(await relayed('dn-us2', '+118765550123')).toBe(carrier('+18765550123'));
      // A national number, written internationally with its trunk 0: national, sent without the 0.
      expect(await relayed('dn-de-blocked', '+4903012345678')).toBe(carrier('+493012345678'));
      for (const a of ['ACC-2517', 'ACC-2505', 'ACC-2506']) expect(fraudHits(a), a).toEqual([]);
    });

    test('an invalid number of the account’s own code is never a domestic call', async () => {
      expect(await refused('dn-de-blocked', '+49999')).toBe(UNREADABLE);
      expect(await refused('dn-gb-blocked', '+441632960123')).toBe(UNREADABLE);
      await refused('dn-gb', '+441632960123', 484);
      await refused('dn-de', '004903', 484);
    });
  },
);

describe(
  'reference switch: emergency numbers after an outside-line code, and "011" alone',
  { timeout: 60_000 },
  () => {
    test('Spain’s 091, 092, 062, 061, 080 behind a PBX’s 0 or 9: the emergency number, never India or Pakistan', async () => {
      for (const user of ['dn-es-blocked', 'dn-es']) {
        expect(await relayed(user, '0091')).toBe(carrier('091'));
        expect(await relayed(user, '0092')).toBe(carrier('092'));
        expect(await relayed(user, '9091')).toBe(carrier('091'));
      }
      for (const n of ['062', '061', '080', '016'])
        expect(await relayed('dn-es-blocked', `0${n}`)).toBe(carrier(n));
      expect(await relayed('dn-es-blocked', '091')).toBe(carrier('091'));
      expect(await relayed('dn-fr-blocked', '0114')).toBe(carrier('114'));
      expect(await relayed('dn-us-blocked', '9988')).toBe(carrier('988'));
      for (const a of ['ACC-2510', 'ACC-2511']) {
        expect(fraudHits(a), a).toEqual([]);
        expect((await account(a)).internationalCalling, a).toBe(a === 'ACC-2510' ? 'blocked' : 'allowed');
      }
    });

    test('an international prefix with almost nothing after it is refused, never sent', async () => {
      await refused('dn-us2', '011', 484);
      await refused('dn-us2', '01122', 484); // ("0112" is 112 behind a PBX's 0: above)
      expect(await refused('dn-us-blocked', '011')).toBe(UNREADABLE);
      await refused('dn-es', '00353', 484);
      for (const a of ['ACC-2511', 'ACC-2517']) {
        expect(fraudHits(a), a).toEqual([]);
        expect((await account(a)).internationalCalling, a).toBe('allowed');
      }
    });
  },
);

describe('reference switch: six-digit short codes (second review)', { timeout: 30_000 }, () => {
  test('116xxx and 118xxx go out as dialled, from blocked accounts too', async () => {
    expect(await relayed('dn-gb-blocked', '116123')).toBe(carrier('116123'));
    expect(await relayed('dn-gb-blocked', '118118')).toBe(carrier('118118'));
    expect(await relayed('dn-de-blocked', '116117')).toBe(carrier('116117'));
    expect(await relayed('dn-de-blocked', '116116')).toBe(carrier('116116'));
    expect(await relayed('dn-fr-blocked', '116000')).toBe(carrier('116000'));
    expect(await refused('dn-us-blocked', '116123')).toBe(UNREADABLE);
    for (const a of ['ACC-2503', 'ACC-2505', 'ACC-2512']) expect(fraudHits(a), a).toEqual([]);
  });
});

describe('reference switch: France and its overseas departments (second review)', { timeout: 30_000 }, () => {
  test('"0692 …" from France is Réunion’s: international, and let through by a Réunion allowance', async () => {
    expect(await refused('dn-fr-blocked', '0692123456')).toBe(BLOCKED);
    expect(await relayed('dn-fr', '0262261234')).toBe(carrier('+262262261234'));
    expect(await refused('dn-re-blocked', '0612345678')).toBe(BLOCKED);
    const r = await client().putDestinationAllowances(
      'ACC-2512',
      {
        countries: ['RE'],
        until: new Date(Date.now() + 3_600_000).toISOString(),
        reason: 'family',
        actor: 'sam@tollgate.example',
      },
      randomUUID(),
    );
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(await relayed('dn-fr-blocked', '0692123456')).toBe(carrier('+262692123456'));
    expect(await relayed('dn-fr-blocked', '0612345678')).toBe(carrier('+33612345678'));
  });
});

describe('reference switch: the reason a blocked account’s call is refused', { timeout: 30_000 }, () => {
  test('digits without an area code are "unreadable", not an international call', async () => {
    expect(await refused('dn-au-blocked', '98765432')).toBe(UNREADABLE);
    expect(await refused('dn-us-blocked', '2345678')).toBe(UNREADABLE);
    expect(await refused('dn-au-blocked', '+252611234567')).toBe(BLOCKED);
    expect(await relayed('dn-au-blocked', '0298765432')).toBe(carrier('+61298765432'));
  });
});
