// The reference switch reads a dialled number as the portal does (issue 13): the policy query of
// kamailio.cfg, run here on SQLite with the dialling plans generated from libphonenumber's metadata,
// against lib/phone/format.ts for libphonenumber's example numbers in every form, from four plans.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { type CountryCode, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { afterAll, describe, expect, it } from 'vitest';
import { describeDialled } from '../../lib/phone/format';
import { iddOf, planOf } from '../../lib/phone/plan';
import { KAMAILIO_CFG_PATH, SCHEMA_PATH } from '../../switch/kamailio/src/db';
import { dialPlanRows, expandPattern, writeDialPlans } from '../../switch/kamailio/src/dial-plans';

/** The policy query exactly as kamailio.cfg builds it, with its three values as parameters. */
function policyQuery(): string {
  const cfg = readFileSync(KAMAILIO_CFG_PATH, 'utf8');
  const m = /\$var\(q\) = ("WITH[\s\S]*?FROM a, p, e, r");/.exec(cfg);
  if (!m) throw new Error('policy query not found in kamailio.cfg');
  return m[1]!
    .replace(/"\s*\+\s*\$\(var\(num\)\{sql\.val\.str\}\)\s*\+\s*"/, '?')
    .replace(/"\s*\+\s*\$\(avp\(acct\)\{sql\.val\.str\}\)\s*\+\s*"/, '?')
    .replace(/"\s*\+\s*\$Ts\s*\+\s*"/, '0')
    .replace(/"\s*\n\s*\+\s*"/g, '')
    .replace(/^"|"$/g, '');
}

const db = new Database(':memory:');
db.exec(readFileSync(SCHEMA_PATH, 'utf8'));
writeDialPlans(db);
afterAll(() => db.close());
const query = db.prepare(policyQuery());
const ACCOUNTS: CountryCode[] = ['US', 'AU', 'RU', 'GB'];
for (const c of [...ACCOUNTS, 'IT', 'ES'])
  db.prepare("INSERT INTO accounts (number, name, country) VALUES (?, '', ?)").run(`ACC-${c}`, c);
db.prepare("INSERT INTO high_risk_prefixes (prefix) VALUES ('+252')").run();

const planCode = (c: CountryCode) => planOf(c).callingCode();
const kamailio = (num: string, account: CountryCode) => {
  const row = query.raw().get(num, `ACC-${account}`) as unknown[] | undefined;
  return row
    ? { e164: row[4] as string, international: row[5] === 1, highRisk: (row[3] as number) > 0 }
    : null;
};

const COUNTRIES: CountryCode[] = [
  'US',
  'CA',
  'JM',
  'DO',
  'AG',
  'GD',
  'BS',
  'PR',
  'GB',
  'AU',
  'RU',
  'KZ',
  'DE',
  'FR',
  'IT',
  'ES',
  'JP',
  'KR',
  'CN',
  'IN',
  'BR',
  'AR',
  'MX',
  'CO',
  'NG',
  'ZA',
  'EG',
  'SO',
  'SN',
  'CU',
  'NZ',
  'SG',
  'HK',
  'IL',
  'AE',
  'TR',
  'PL',
  'NL',
  'SE',
  'CH',
  'IE',
  'PH',
  'PK',
  'KE',
  'LT',
  'CL',
];

// Where they differ: bare digits (no "+", no IDD) that have the length of a national number of the
// account's country. The portal checks libphonenumber's full validity patterns, and does not read
// digits that are both a national number and another country's (lib/phone/format.ts readDialled);
// the switch knows lengths and NANP area codes only, and reads them as national. And bare digits that
// a PBX's access code and trunk prefix also make a national number ("9 1 812 345 6789" from the US:
// India's +91 81234 56789 or Indiana's (812) 345-6789), which the portal does not read
// (lib/phone/pbx.ts pbxTrunkIn) and the switch, which knows no access codes, reads as E.164 digits.
// Listed so that a change shows.
const DIFFERENT = [
  '918123456789 from US',
  '2015550123 from US',
  '6581234567 from US',
  '6581234567 from RU',
  '6581234567 from GB',
  '5351234567 from RU',
  '5351234567 from GB',
  '85251234567 from RU',
];

describe('the reference switch classifies dialled numbers like the portal', () => {
  const differences: string[] = [];
  it.each(ACCOUNTS)('from an account in %s', (account) => {
    for (const country of COUNTRIES) {
      const e164 = getExampleNumber(country, examples)!.number as string;
      const forms = [e164, `${iddOf(account)!}${e164.slice(1)}`, e164.slice(1)];
      if (country === account)
        forms.push(parsePhoneNumberFromString(e164)!.formatNational().replace(/\D/g, ''));
      for (const raw of forms) {
        const portal = describeDialled(raw, account);
        const expected = {
          e164: portal.e164,
          international: portal.international,
          highRisk: e164.startsWith('+252'),
        };
        const got = kamailio(raw, account);
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          differences.push(`${raw} from ${account}`);
          // Always the same kind: bare digits the switch reads as a national number of the account's
          // country, which the portal reads as another country's E.164 digits, or not at all when
          // they are both (issue 14: "2015550123" is (201) 555-0123 and Egypt's +20 15 550123).
          expect(
            (got?.e164.startsWith(`+${planCode(account)}`) &&
              (raw === e164.slice(1) || portal.e164 === null)) ||
              (portal.e164 === null && got?.e164 === `+${raw}`),
            `${raw} from ${account}`,
          ).toBe(true);
        }
      }
    }
  });
  it('differs only where listed', () => expect(differences.sort()).toEqual([...DIFFERENT].sort()));

  it('the inputs of issue 13', () => {
    expect(kamailio('011252611234567', 'US')).toEqual({
      e164: '+252611234567',
      international: true,
      highRisk: true,
    });
    expect(kamailio('252611234567', 'US')).toMatchObject({ e164: '+252611234567', international: true });
    expect(kamailio('0011252611234567', 'AU')).toMatchObject({
      e164: '+252611234567',
      international: true,
      highRisk: true,
    });
    expect(kamailio('810252611234567', 'RU')).toMatchObject({ e164: '+252611234567', international: true });
    expect(kamailio('18765550123', 'US')).toMatchObject({ e164: '+18765550123', international: true });
    expect(kamailio('18095550123', 'US')).toMatchObject({ e164: '+18095550123', international: true });
    expect(kamailio('+12125550123', 'US')).toMatchObject({ international: false });
    expect(kamailio('+88213100456', 'US')).toMatchObject({ international: true });
    // Digits no plan can read stay national, as before (the portal shows them as dialled).
    expect(kamailio('0201234567', 'US')).toMatchObject({ international: false });
    expect(describeDialled('0201234567', 'US')).toMatchObject({ e164: null, international: null });
  });

  it('a country without a trunk prefix has none in its plan (the metadata’s 0 is no prefix)', () => {
    const plans = dialPlanRows().plans;
    for (const c of ['ES', 'IT', 'MX', 'PT', 'DK'])
      expect(plans.find((p) => p.country === c)?.nationalPrefix, c).toBe('');
    expect(plans.find((p) => p.country === 'GB')?.nationalPrefix).toBe('0');
    // Rome's 06 is part of the number, not a trunk prefix to strip; Valencia's number as dialled.
    expect(kamailio('0612345678', 'IT' as CountryCode)).toMatchObject({
      e164: '+390612345678',
      international: false,
    });
    expect(describeDialled('0612345678', 'IT')).toMatchObject({ e164: '+390612345678' });
    expect(kamailio('963123456', 'ES' as CountryCode)).toMatchObject({
      e164: '+34963123456',
      international: false,
    });
  });

  it('expands the metadata’s finite patterns', () => {
    expect(expandPattern('001[14-689]|14(?:1[14]|34)0011').sort()).toEqual([
      '0011',
      '0014',
      '0015',
      '0016',
      '0018',
      '0019',
      '14110011',
      '14140011',
      '14340011',
    ]);
    expect(expandPattern('00(?:1\\d)?')).toHaveLength(11);
    expect(() => expandPattern('0+')).toThrow(/cannot expand/);
  });
});
