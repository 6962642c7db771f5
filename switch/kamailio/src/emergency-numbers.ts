import type Database from 'better-sqlite3';
import { getCountries } from 'libphonenumber-js/max';
import { PBX_ACCESS_CODES } from '../../../lib/phone/pbx';

// Emergency numbers per country, which the switch routes as dialled: never blocked, never rewritten
// into E.164, never a fraud hit, whatever the account's state or the caller's source network
// (kamailio.cfg route[EMERGENCY]). Without them a short code reads as the start of an international
// number: "911" from a US account is +91 1… (India) and "112" from a UK one is +1 12… (NANP), which a
// blocked account was refused and an allowed one sent abroad.
//
// libphonenumber-js carries no short-number data, so the numbers are a table here, not derived:
//   - per country, the <emergency> numbers of libphonenumber's resources/ShortNumberMetadata.xml
//     (google/libphonenumber, Apache-2.0, commit f7e3e88c, July 2026), which compiles them from the
//     national numbering plans that administrations notify to the ITU (ITU-T E.164 and its national
//     plan annexes, linked per territory in that file). Copied as listed; "x" stands for any digit
//     (Gabon's 13xx, the file's 13\d\d);
//   - 112 and 911 in every country: ITU-T E.161.1 recommends one of them (or both) as the emergency
//     number of every network, 3GPP TS 22.101 §10.1.1 makes every mobile phone treat both as emergency
//     numbers in every country, 112 is the single European emergency number in every EU member state
//     (Directive (EU) 2018/1972, the European Electronic Communications Code, art. 109; before it
//     Directive 2002/22/EC art. 26), and 911 is the NANP's (every +1 region). A digit string this short
//     is no subscriber number anywhere: routed as dialled, 112 or 911 reaches the carrier's emergency
//     service or nothing, never a number abroad.
// Update the table with the metadata (or your national regulator's list); the switch rewrites the
// emergency_numbers table from it at every start.

/** Numbers per ISO 3166-1 alpha-2 region (libphonenumber's ids: AC, TA and XK included), space-separated. */
export const NATIONAL_EMERGENCY_NUMBERS: Readonly<Record<string, string>> = {
  AC: '911 999',
  AD: '110 112 116 118',
  AE: '112 997 998 999',
  AF: '100 102 119',
  AG: '911 999',
  AI: '911',
  AL: '112 127 128 129',
  AM: '101 102 103',
  AO: '112 113 115',
  AR: '100 101 107 911',
  AS: '911',
  AT: '112 122 133 144',
  AU: '000 106 112',
  AW: '100 911',
  AX: '112',
  AZ: '101 102 103 112',
  BA: '122 123 124',
  BB: '211 311 511 911',
  BD: '100 101 102 199 999',
  BE: '100 101 112',
  BF: '17 18',
  BG: '112 150 160 166',
  BH: '199 999',
  BI: '112 113 117',
  BJ: '112 114 116 117 118',
  BL: '18',
  BM: '911',
  BN: '991 993 995',
  BO: '110 118 119',
  BQ: '112 911',
  BR: '112 128 190 192 193 911',
  BS: '911 919',
  BT: '110 112 113',
  BW: '911 997 998 999',
  BY: '101 102 103 112',
  BZ: '90 911 990',
  CA: '112 911',
  CC: '000 112',
  CD: '113 114 118 177 188',
  CF: '117 118 1220',
  CG: '117 118',
  CH: '112 117 118 144',
  CI: '110 111 170 180',
  CK: '996 998 999',
  CL: '131 132 133 911',
  CM: '113 117 13 17',
  CN: '110 119 120',
  CO: '112 119 123 132 156',
  CR: '112 911',
  CU: '104 105 106',
  CV: '130 131 132',
  CW: '112 911',
  CX: '000 112',
  CY: '112 199',
  CZ: '112 150 151 152 153 154 155 156 157 158 159',
  DE: '110 112',
  DJ: '17 18',
  DK: '112 114',
  DM: '333 911 999',
  DO: '112 911',
  DZ: '112 14 17',
  EC: '101 102 112 911',
  EE: '110 112',
  EG: '122 123 180',
  EH: '15 177 19',
  ER: '112 113 114 116 124422 127799 201606 201917 202099 202914',
  ES: '085 088 112',
  ET: '91 911 92 93 939 991 997',
  FI: '112',
  FJ: '911 917',
  FK: '999',
  FM: '320221 911',
  FO: '112 114',
  FR: '112 15 17 18',
  GA: '13xx 1730 18',
  GB: '112 999',
  GD: '911',
  GE: '011 022 033 111 112 113 122',
  GF: '15 17 18',
  GG: '112 999',
  GH: '191 192 193 999',
  GI: '112 190 199',
  GL: '112',
  GM: '116 117 118 16 17 18',
  GP: '15 17 18',
  GR: '100 112 166 199',
  GT: '110 120 123',
  GU: '911',
  GW: '113 117 118',
  GY: '911 912 913',
  HK: '112 992 999',
  HN: '199',
  HR: '112 192 193 194 93 94',
  HT: '114 118',
  HU: '104 105 107 112',
  ID: '110 112 113 118 119',
  IE: '112 999',
  IL: '100 101 102 112',
  IM: '999',
  IN: '100 101 102 108 112 1298 2611',
  IQ: '100 104 115 122',
  IR: '110 112 115 125 911',
  IS: '112',
  IT: '112 113 115 118',
  JE: '112 999',
  JM: '110 112 119 911',
  JO: '112 191 192 197 911',
  JP: '110 119',
  KE: '112 114 999',
  KG: '101 102 103',
  KH: '117 118 119 666',
  KI: '192 193 194 195 992 993 994',
  KM: '17 18',
  KN: '333 911 999',
  KP: '112 119 819',
  KR: '112 119',
  KW: '112',
  KY: '911',
  KZ: '101 102 103 112',
  LA: '190 191 195',
  LB: '112 140 175 999',
  LC: '911 999',
  LI: '112 117 118 144',
  LK: '110 112 116 118 119',
  LR: '355 911',
  LS: '112 115 117',
  LT: '01 011 02 022 03 033 101 102 103 112',
  LU: '112 113',
  LV: '01 02 03 110 112 113',
  LY: '190 191 193',
  MA: '15 177 19',
  MC: '112 15 17 18',
  MD: '112 901 902 903',
  ME: '112 122 123 124',
  MF: '15 17 18',
  MG: '117 118 17 18',
  MH: '911',
  MK: '112 192 193 194',
  ML: '15 17 18',
  MM: '199',
  MN: '100 101 102 103 105',
  MO: '999',
  MP: '911',
  MQ: '112 15 17 18',
  MR: '17 18',
  MS: '911 999',
  MT: '112',
  MU: '114 115 995 999',
  MV: '102 118 119',
  MW: '199 997 998 999',
  MX: '060 065 066 068 080 911',
  MY: '112 999',
  MZ: '117 119 197 198',
  NA: '10111',
  NC: '15 16 17 18',
  NE: '118 15 17 18 723141',
  NF: '911 955 977',
  NG: '199',
  NI: '115 118 120 128',
  NL: '112 911',
  NO: '110 112 113',
  NP: '100 101 102 103 112',
  NR: '110 111 112',
  NU: '999',
  NZ: '111',
  OM: '1444 9999',
  PA: '911',
  PE: '105 116 117',
  PF: '15 17 18',
  PG: '000 110 111',
  PH: '112 117 911',
  PK: '112 1122 115 15 16',
  PL: '112 997 998 999',
  PM: '15 17 18',
  PR: '911',
  PS: '100 101 102',
  PT: '112 115',
  PW: '911',
  PY: '128 911',
  QA: '999',
  RE: '112 15 17 18',
  RO: '112',
  RS: '112 92 93 94',
  RU: '01 02 03 101 102 103 112',
  RW: '111 112',
  SA: '112 911 997 999',
  SB: '999',
  SC: '999',
  SD: '999',
  SE: '112 90000',
  SG: '993 995 999',
  SH: '911 999',
  SI: '112 113',
  SJ: '110 112 113',
  SK: '112 150 155 158',
  SL: '019 999',
  SM: '113 115 118',
  SN: '17 18',
  SO: '555 888 999',
  SR: '115',
  SS: '999',
  ST: '112',
  SV: '911 913',
  SX: '919',
  SY: '110 112 113',
  SZ: '999',
  TC: '911 999',
  TD: '17 18',
  TG: '117 118 171 172 177',
  TH: '1669 191 199',
  TJ: '101 102 103 112',
  TL: '112 115',
  TM: '01 02 03',
  TN: '190 197 198',
  TO: '911 922 933 999',
  TR: '110 112 155',
  TT: '990 999',
  TV: '911',
  TW: '110 112 119',
  TZ: '110 111 112 114 115 999',
  UA: '101 102 103 112',
  UG: '999',
  US: '112 911',
  UY: '128 911',
  UZ: '001 002 003 01 02 03 050',
  VA: '112 113 115 118',
  VC: '911 999',
  VE: '112 171 911',
  VG: '911 999',
  VI: '911',
  VN: '113 114 115',
  VU: '112',
  WF: '15 17 18',
  WS: '911 994 995 996 999',
  XK: '112 192 193 194',
  YE: '191 194 195 199',
  YT: '112 15',
  ZA: '10111 10177 112',
  ZM: '112 991 993 999',
  ZW: '112 993 994 995 999',
};

/** Emergency in every country (ITU-T E.161.1, 3GPP TS 22.101 §10.1.1, EECC art. 109, NANP). */
export const EVERYWHERE = ['112', '911'] as const;

/** "13xx" → 1300…1399. */
function expand(entry: string): string[] {
  const i = entry.indexOf('x');
  if (i < 0) return [entry];
  return [...'0123456789'].flatMap((d) => expand(entry.slice(0, i) + d + entry.slice(i + 1)));
}

/** Every (country, number) row: the table above plus 112 and 911, for every region the dial plans know. */
export function emergencyRows(): { country: string; number: string }[] {
  const countries = new Set<string>([...getCountries(), ...Object.keys(NATIONAL_EMERGENCY_NUMBERS)]);
  const rows: { country: string; number: string }[] = [];
  for (const country of [...countries].sort()) {
    const numbers = new Set<string>(EVERYWHERE);
    for (const entry of (NATIONAL_EMERGENCY_NUMBERS[country] ?? '').split(' ').filter(Boolean))
      for (const n of expand(entry)) numbers.add(n);
    for (const number of [...numbers].sort()) rows.push({ country, number });
  }
  return rows;
}

/**
 * Rewrites emergency_numbers, and pbx_access_codes from the portal's list (lib/phone/pbx.ts
 * PBX_ACCESS_CODES: "9", "0"), in one transaction (Kamailio reads them on the next INVITE). An
 * extension behind a PBX dials its outside-line code first ("9 112" in the UK, "0 112" in Germany);
 * route[EMERGENCY] sends the emergency number alone.
 */
export function writeEmergencyNumbers(db: Database.Database): void {
  const rows = emergencyRows();
  db.transaction(() => {
    db.prepare('DELETE FROM emergency_numbers').run();
    const ins = db.prepare('INSERT INTO emergency_numbers (country, number) VALUES (?, ?)');
    for (const r of rows) ins.run(r.country, r.number);
    db.prepare('DELETE FROM pbx_access_codes').run();
    const code = db.prepare('INSERT INTO pbx_access_codes (code) VALUES (?)');
    for (const c of PBX_ACCESS_CODES) code.run(c);
  }).immediate();
}
