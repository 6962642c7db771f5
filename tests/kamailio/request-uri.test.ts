// The number a call is for, read by the reference switch from the whole Request-URI, and emergency
// numbers (SIPp through Kamailio). A local number's RFC 3966 phone-context names its country, as the
// portal reads it (lib/phone/uri.ts): Kamailio's $rU drops the parameters of a tel: URI and of a
// user=phone SIP URI, so "tel:611234567;phone-context=+252" from a blocked UK account used to pass as
// the national number 611234567 and reach the carrier unchanged. Parameters the policy does not read
// are refused with 484; the carrier gets a Request-URI rebuilt from the checked number alone.
// Emergency numbers go out as dialled whatever the account's state or source network: "911" was
// +91 1… (India) and "112" +1 12… (NANP). Nothing here is skipped (see harness.ts).
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { uriNumber } from '../../lib/phone/uri';
import { runSipp, waitFor, type SippCall } from './harness';
import { oneCredentialEach, referenceSwitchPerFile, switchApi, type SwitchRig } from './rig';

const TOKEN = `tok-${randomUUID()}`;
const PW = 'Uri-desk-initial-4242';
const HOTSPOT_IP = '127.0.0.77';

let work: string;
let sw: SwitchRig['sw'];
let uas: SwitchRig['uas'];
let obs: SwitchRig['obs'];

const ACCOUNTS = [
  { number: 'ACC-2401', username: 'uri-gb-blocked', country: 'GB', internationalCalling: 'blocked' },
  { number: 'ACC-2402', username: 'uri-gb', country: 'GB', internationalCalling: 'allowed' },
  { number: 'ACC-2403', username: 'uri-us-blocked', country: 'US', internationalCalling: 'blocked' },
  { number: 'ACC-2404', username: 'uri-us', country: 'US', internationalCalling: 'allowed' },
  { number: 'ACC-2405', username: 'uri-fr-blocked', country: 'FR', internationalCalling: 'blocked' },
  { number: 'ACC-2406', username: 'uri-au-blocked', country: 'AU', internationalCalling: 'blocked' },
  { number: 'ACC-2407', username: 'uri-gb-fraud', country: 'GB', internationalCalling: 'allowed' },
] as const;

referenceSwitchPerFile(
  {
    name: 'request-uri',
    token: TOKEN,
    webhookSecret: `whsec-${randomUUID()}`,
    provision: {
      accounts: oneCredentialEach(ACCOUNTS, PW),
      highRiskPrefixes: ['+252'],
      hotspotRanges: [`${HOTSPOT_IP}/32`],
    },
  },
  (rig) => ({ work, sw, uas, obs } = rig),
);

type Scenario = Extract<
  SippCall['scenario'],
  'call.xml' | 'call-refused.xml' | 'call-uri.xml' | 'call-uri-refused.xml' | 'call-uri-incomplete.xml'
>;
/** `to`: a dialled number (sip:<to>@switch), or a whole Request-URI (tel:…, sip:…@switch;…). */
async function dial(scenario: Scenario, username: string, to: string, localIp?: string) {
  const uri = /^(tel|sips?):/.test(to);
  const r = await runSipp({
    scenario,
    service: uri ? 'x' : to,
    username,
    password: PW,
    localIp,
    extraArgs: uri ? ['-key', 'ruri', to.replace('@sw', `@${sw.sipAddress}`)] : [],
    switchAddress: sw.sipAddress,
    cwd: work,
  });
  expect(r.code, `${username} → ${to}: ${r.output}`).toBe(0);
}
/** The call is answered by the carrier: the Request-URI the carrier received. */
async function relayed(username: string, to: string, localIp?: string): Promise<string> {
  const before = uas.invites().length;
  await dial(/^(tel|sips?):/.test(to) ? 'call-uri.xml' : 'call.xml', username, to, localIp);
  const got = await waitFor(
    'the carrier to log the INVITE',
    () => uas.invites().length > before && uas.invites().slice(before),
    2_000,
  );
  expect(got, to).toHaveLength(1);
  return got[0]!;
}
/** The switch answers 403 (or 484) after authenticating the call, and the carrier gets nothing. */
async function refused(username: string, to: string, code: 403 | 484 = 403): Promise<void> {
  const before = uas.invites().length;
  const uri = /^(tel|sips?):/.test(to);
  await dial(
    code === 484 ? 'call-uri-incomplete.xml' : uri ? 'call-uri-refused.xml' : 'call-refused.xml',
    username,
    to,
  );
  expect(uas.invites().length, to).toBe(before);
}
const carrier = (number: string) => `sip:${number}@${uas.address}`;
const { account } = switchApi(() => sw, TOKEN);
const fraudHits = (n: string) =>
  obs.prepare('SELECT to_number, reason FROM fraud_hits WHERE account_number = ?').all(n);

describe(
  'reference switch: the number in the Request-URI (RFC 3966 phone-context)',
  { timeout: 30_000 },
  () => {
    test('a blocked UK account: a Somali local number in a +252 context is international and refused', async () => {
      await refused('uri-gb-blocked', 'tel:611234567;phone-context=+252');
      await refused('uri-gb-blocked', 'sip:611234567;phone-context=+252@sw;user=phone');
      // escaped as a phone may send it (%3B is ";", %2B "+"), and with RFC 3966 visual separators
      await refused('uri-gb-blocked', 'sip:611234567%3Bphone-context=%2B252@sw;user=phone');
      await refused('uri-gb-blocked', 'tel:61-123-4567;phone-context=+252');
      // a London number in the UK's own context is national
      expect(await relayed('uri-gb-blocked', 'tel:2012345678;phone-context=+44')).toBe(
        carrier('+442012345678'),
      );
    });

    test('the switch reads each context as the portal does (lib/phone/uri.ts)', () => {
      const digits = (u: string) => uriNumber(u)?.replace(/[^\d+]/g, '');
      expect(digits('tel:611234567;phone-context=+252')).toBe('+252611234567');
      expect(digits('sip:611234567;phone-context=+252@sw;user=phone')).toBe('+252611234567');
      expect(digits('sip:611234567%3Bphone-context=%2B252@sw;user=phone')).toBe('+252611234567');
      expect(digits('tel:555-0123;phone-context=+1-201')).toBe('+12015550123');
      expect(digits('sip:2125550123;phone-context=example.com@sw;user=phone')).toBe('2125550123');
    });

    test('an allowed UK account: the +252 context is a high-risk destination, recorded in E.164', async () => {
      await refused('uri-gb-fraud', 'tel:611234567;phone-context=+252');
      expect(await account('ACC-2407')).toMatchObject({
        internationalCalling: 'blocked',
        reason: 'high_risk_destination',
      });
      expect(fraudHits('ACC-2407')).toEqual([
        { to_number: '+252611234567', reason: 'high_risk_destination' },
      ]);
    });

    test('the carrier receives a Request-URI rebuilt from the checked number, without the phone’s parameters', async () => {
      expect(await relayed('uri-us', 'tel:555-0123;phone-context=+1-201')).toBe(carrier('+12015550123'));
      // a domain context names no country: the account's national number, sent in E.164
      expect(await relayed('uri-us', 'sip:2125550123;phone-context=example.com@sw;user=phone')).toBe(
        carrier('+12125550123'),
      );
      expect(await relayed('uri-us', 'tel:+44-20-7946-0958')).toBe(carrier('+442079460958'));
      expect(await relayed('uri-us', 'sip:%2B442079460958@sw;user=phone;maddr=192.0.2.66')).toBe(
        carrier('+442079460958'),
      );
    });

    test('parameters the policy does not read, or a malformed context, are refused with 484', async () => {
      // RFC 4694 number portability: a carrier could route on rn instead of the number
      await refused('uri-gb', 'sip:+441632960123;npdi;rn=+252611234567@sw;user=phone', 484);
      await refused('uri-gb', 'tel:+441632960123;npdi', 484);
      await refused('uri-gb', 'tel:02079460958;isub=1234;phone-context=+44', 484);
      await refused('uri-gb', 'tel:611234567;phone-context=+252;phone-context=+44', 484);
      await refused('uri-gb', 'tel:611234567;phone-context=+', 484);
      expect((await account('ACC-2402')).internationalCalling).toBe('allowed');
    });
  },
);

describe('reference switch: emergency numbers go out as dialled', { timeout: 30_000 }, () => {
  test('blocked accounts: 911 and 112 (US), 112 and 999 (UK), 15, 17, 18 and 112 (FR), 000 (AU)', async () => {
    for (const [user, numbers] of [
      ['uri-us-blocked', ['911', '112']],
      ['uri-gb-blocked', ['112', '999']],
      ['uri-fr-blocked', ['15', '17', '18', '112']],
      ['uri-au-blocked', ['000', '112']],
    ] as const) {
      for (const n of numbers) expect(await relayed(user, n), `${n} from ${user}`).toBe(carrier(n));
    }
    // as a tel: URI in the account's own context, too
    expect(await relayed('uri-us-blocked', 'tel:911;phone-context=+1')).toBe(carrier('911'));
    expect(await relayed('uri-fr-blocked', 'sip:112@sw;user=phone')).toBe(carrier('112'));
    for (const a of ['ACC-2401', 'ACC-2403', 'ACC-2405', 'ACC-2406'])
      expect((await account(a)).internationalCalling, a).toBe('blocked');
  });

  test('an allowed US account: 911 is not rewritten to India’s +911', async () => {
    expect(await relayed('uri-us', '911')).toBe(carrier('911'));
  });

  test('from a hotspot source range: answered, no fraud hit, no block', async () => {
    expect(await relayed('uri-gb', '112', HOTSPOT_IP)).toBe(carrier('112'));
    expect(await relayed('uri-gb', '999', HOTSPOT_IP)).toBe(carrier('999'));
    expect(fraudHits('ACC-2402')).toEqual([]);
    expect((await account('ACC-2402')).internationalCalling).toBe('allowed');
  });

  test('only the bare short code: +911 is India, 911 in another country’s context is that country’s', async () => {
    await refused('uri-us-blocked', '+911');
    await refused('uri-us-blocked', 'tel:112;phone-context=+44');
  });
});
