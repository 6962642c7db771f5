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

/** The EU's member states, the EEA's other three, and Åland (Finland's plan), ISO 3166-1 alpha-2. */
const EU_EEA = 'AT BE BG HR CY CZ DK EE FI DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO AX';
/** France and the overseas regions and collectivities on its national plan (lib/phone/plan.ts). */
const FRENCH_PLAN = 'FR RE YT GP BL MF GF MQ';

/**
 * Emergency and public-safety numbers the ShortNumberMetadata list above lacks, for the countries most
 * accounts are in (as of 2026-12-05; each from the regulator's numbering plan or the authority that runs
 * the line). Without them an extension behind a PBX dialling "0 091" in Spain reached India's +91 (the
 * international prefix 00, then 91), and "9 091" went out as 9091. Each is routed as an emergency
 * number: before any other reading, also after a PBX's outside-line code (kamailio.cfg route[EMERGENCY]).
 * Left out where the source was not certain enough (an emergency call must not be misread, and a number
 * wrongly listed here would bypass the block): Colombia's 1XY beyond 144 and 165, Chile's 138 (the Air
 * Force's rescue), Peru's 115 (Defensa Civil), Mexico's 088 (Guardia Nacional), India's 181, the crown
 * dependencies' 101 and 111, 988 in the US territories. Non-emergency N11 codes (211, 311, 511, 711,
 * 811) are not here: dialled bare they are short codes, routed as dialled anyway.
 */
export const PUBLIC_SAFETY_NUMBERS: Readonly<Record<string, string>> = {
  // FCC Report and Order of 16 July 2020 (WC Docket 18-336), 47 CFR § 52.200: 988, the Suicide & Crisis Lifeline.
  US: '988',
  // CRTC Telecom Regulatory Policy 2022-234: 988, mental health crisis and suicide prevention (since 2023-11-30).
  CA: '988',
  // Spain's 0XY numbers of the Plan nacional de numeración telefónica (Real Decreto 2296/2004 and the
  // attributions of the Secretaría de Estado de Telecomunicaciones): 016 gender violence, 024 suicide
  // prevention, 061 urgencias sanitarias, 062 Guardia Civil, 080 and 085 bomberos, 088 the regional
  // police (Ertzaintza, Mossos d'Esquadra), 091 Policía Nacional, 092 Policía Local.
  ES: '016 024 061 062 080 085 088 091 092',
  // IFT, Lineamientos de Colaboración en Materia de Seguridad y Justicia (DOF 2015-12-02): 911 and 089
  // (denuncia anónima); 060/065/066/068/080 are the older numbers the metadata keeps.
  MX: '089 911',
  // ENACOM's special services (Plan Fundamental de Numeración Nacional): 100 bomberos, 101 policía,
  // 103 Defensa Civil, 106 emergencias náuticas (Prefectura), 107 emergencias médicas; 144 gender
  // violence (Ley 26.485).
  AR: '100 101 103 106 107 144 911',
  // Anatel Resolução 357/2004 (serviços de utilidade pública): 100 Direitos Humanos, 180 Central de
  // Atendimento à Mulher, 188 CVV (suicide prevention), 190 Polícia Militar, 191 Polícia Rodoviária
  // Federal, 192 SAMU, 193 Bombeiros, 194 Polícia Federal, 197 Polícia Civil, 198 Polícia Rodoviária
  // Estadual, 199 Defesa Civil.
  BR: '100 180 188 190 191 192 193 194 197 198 199',
  // CRC's 1XY numbers (Resolución CRC 5050 de 2016): 123 the national emergency line, 144 Defensa
  // Civil, 165 GAULA (kidnapping and extortion).
  CO: '123 144 165',
  // Subtel's emergency numbers 13X: 130 CONAF (forest fires), 131 ambulancia, 132 bomberos,
  // 133 Carabineros, 134 Policía de Investigaciones, 137 Armada (maritime emergencies).
  CL: '130 131 132 133 134 137',
  // MTC / OSIPTEL free emergency numbers: 105 Policía Nacional, 106 SAMU, 116 bomberos; 100 the
  // Ministry of Women's violence line.
  PE: '100 105 106 116',
  // Ofcom's National Telephone Numbering Plan and General Condition A3: 999 and 112, 18000 (emergency
  // text relay), 101 (police, non-emergency), 111 (NHS urgent care).
  GB: '101 111 999 18000',
  // Germany: 110 police, 112 fire and ambulance (TKG § 164); the on-call doctors' 116117 is a short code.
  DE: '110 112',
  // ARCEP's plan, the numéros d'urgence: 15 SAMU, 17 police, 18 pompiers, 112, 114 (for deaf callers,
  // by text or video), 115 (homeless emergency shelter), 119 (children in danger), 191 (aviation),
  // 196 (sea), 197 (terror alert).
  ...Object.fromEntries(FRENCH_PLAN.split(' ').map((c) => [c, '15 17 18 112 114 115 119 191 196 197'])),
  // AGCOM's Piano nazionale di numerazione: 112, 113 police, 114 Emergenza Infanzia, 115 vigili del
  // fuoco, 117 Guardia di Finanza, 118 emergenza sanitaria, 1515 Carabinieri forestali, 1530 Guardia Costiera.
  IT: '112 113 114 115 117 118 1515 1530',
  // ACMA's Telecommunications (Emergency Call Service) Determination 2019: 000, 112 and 106 (text relay).
  AU: '000 106 112',
  // DoT's National Numbering Plan: 112 (ERSS), 100, 101, 102, 108, 1091 (women's helpline), 1098 (Childline).
  IN: '100 101 102 108 112 1091 1098',
};

/**
 * Six-digit short codes an account's country routes as dialled, refused until 2026-12-05 as too long for a
 * short code (only five digits or fewer counted): kamailio.cfg's policy query reads the bare digits as
 * a short code (blocked or not, no fraud hit; the hotspot rule still runs), never as a number abroad;
 * also after a PBX's outside-line code or "+"/an IDD prefix and the account's own calling code
 * ("0 116117", "+49116117"), sent then as the code alone, unless the whole string is a valid number
 * of the account's calling code.
 * - 116xxx, the EU's harmonised numbers for services of social value (Commission Decision 2007/116/EC
 *   reserving the range; 116000 missing children, which the European Electronic Communications Code,
 *   Directive (EU) 2018/1972 art. 96, requires every end-user to reach; 116006 victims of crime, 116111
 *   child helplines, 116117 on-call doctors, 116123 emotional support), in every EU member state, the
 *   EEA (Iceland, Liechtenstein, Norway), Åland, France's overseas regions and collectivities on its
 *   plan, and the UK, whose plan kept the range (Ofcom's National Telephone Numbering Plan). The whole
 *   range: an unassigned 116xxx reaches the carrier's announcement, never a number abroad.
 * - 118xxx, directory enquiries: the UK (Ofcom) and metropolitan France (ARCEP's 118 XYZ). Elsewhere they
 *   are five digits (Germany's and Spain's 118xy: short codes already), or not known here for certain
 *   (Austria's 118xyz, France's overseas regions): left out.
 * GLOB patterns over the whole dialled number, per ISO 3166-1 alpha-2 country.
 */
export const SHORT_CODES: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(`${EU_EEA} ${FRENCH_PLAN}`.split(' ').map((c) => [c, ['116???']])),
  GB: ['116???', '118???'],
  FR: ['116???', '118???'],
};

/** Emergency in every country (ITU-T E.161.1, 3GPP TS 22.101 §10.1.1, EECC art. 109, NANP). */
export const EVERYWHERE = ['112', '911'] as const;

/** "13xx" → 1300…1399. */
function expand(entry: string): string[] {
  const i = entry.indexOf('x');
  if (i < 0) return [entry];
  return [...'0123456789'].flatMap((d) => expand(entry.slice(0, i) + d + entry.slice(i + 1)));
}

/** Every (country, number) row: the two tables above plus 112 and 911, for every region the dial plans know. */
export function emergencyRows(): { country: string; number: string }[] {
  const countries = new Set<string>([...getCountries(), ...Object.keys(NATIONAL_EMERGENCY_NUMBERS)]);
  const rows: { country: string; number: string }[] = [];
  for (const country of [...countries].sort()) {
    const numbers = new Set<string>(EVERYWHERE);
    const entries = `${NATIONAL_EMERGENCY_NUMBERS[country] ?? ''} ${PUBLIC_SAFETY_NUMBERS[country] ?? ''}`;
    for (const entry of entries.split(' ').filter(Boolean)) for (const n of expand(entry)) numbers.add(n);
    for (const number of [...numbers].sort()) rows.push({ country, number });
  }
  return rows;
}

/** Every (country, pattern) row of SHORT_CODES. */
export function shortCodeRows(): { country: string; pattern: string }[] {
  return Object.entries(SHORT_CODES).flatMap(([country, patterns]) =>
    patterns.map((pattern) => ({ country, pattern })),
  );
}

/**
 * Rewrites emergency_numbers, short_codes (SHORT_CODES), and pbx_access_codes from the portal's list
 * (lib/phone/pbx.ts PBX_ACCESS_CODES: "9", "0"), in one transaction (Kamailio reads them on the next
 * INVITE). An extension behind a PBX dials its outside-line code first ("9 112" in the UK, "0 112" in
 * Germany); route[EMERGENCY] sends the emergency number alone.
 */
export function writeEmergencyNumbers(db: Database.Database): void {
  const rows = emergencyRows();
  db.transaction(() => {
    db.prepare('DELETE FROM emergency_numbers').run();
    const ins = db.prepare('INSERT INTO emergency_numbers (country, number) VALUES (?, ?)');
    for (const r of rows) ins.run(r.country, r.number);
    db.prepare('DELETE FROM short_codes').run();
    const short = db.prepare('INSERT INTO short_codes (country, pattern) VALUES (?, ?)');
    for (const r of shortCodeRows()) short.run(r.country, r.pattern);
    db.prepare('DELETE FROM pbx_access_codes').run();
    const code = db.prepare('INSERT INTO pbx_access_codes (code) VALUES (?)');
    for (const c of PBX_ACCESS_CODES) code.run(c);
  }).immediate();
}
