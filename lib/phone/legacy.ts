import { type PhoneNumber, parseDigits, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { iddPrefixIn } from './plan';

// Ways of writing a number that people still have in their phones' contacts but that libphonenumber's
// current metadata no longer reads. Each rule maps such a form to the one valid number it denotes (the
// same line), and only applies when the result is valid. Pure; no server-only.
//
// Mexico: IFT's change to the Plan Técnico Fundamental de Numeración (approved by its Pleno on
// 2017-11-16, published in the DOF on 2018-05-11) made every number 10 digits dialled as such from
// 2019-08-03, with a year when both dialling forms worked (until 2020-08-03). It dropped the national
// long-distance prefix "01" (also before 800 numbers), the mobile prefixes "044" (local) and "045"
// (long distance) dialled from fixed lines, and the "1" dialled after +52 before a mobile from abroad.
// libphonenumber stopped reading them (metadata v8.13.38, 2024-06): "+52 1 55 1234 5678",
// "044 55 1234 5678", "045 …" and "01 55 1234 5678" are all +52 55 1234 5678. The same change dropped
// "02", national long distance through the operator ("02 + area code + number": 01's sibling among
// the long-distance prefixes Mexico dialled from 1999, beside "00" and "09", international direct and
// through the operator; Wikipedia, "Telephone numbers in Mexico", revisions before 2019); from
// 2019-08-03 only "00" is dialled before a number. "02 55 1234 5678" is +52 55 1234 5678 too. "09"
// needs no rule: libphonenumber's metadata still has it in Mexico's international prefix ("0[09]"),
// so "09 1 212 555 0123" is +1 212 555 0123.
//
// Argentina: libphonenumber reads both mobile markers on their own (the "9" dialled after +54 from
// abroad, the "15" after the area code at home), but not a number written with both:
// "+54 9 11 15 2345 6789" is +54 9 11 2345 6789.
//
// Brazil: ANATEL's Resolução nº 553/2010 put a "9" before every mobile (SMP) number, area code by
// area code, from 2012-07-29 (São Paulo, 11) to 2016-11-06 (the last: 41–49 and 51–55, the South):
// the eight-digit mobile "11 8765-4321" became "11 98765-4321", the same line, and after a few months
// the eight-digit form stopped connecting. Fixed lines (2 to 5 first) and radio (SME, Nextel: 7 first)
// numbers kept eight digits, and libphonenumber's metadata reads them as they are; so an eight-digit
// number after an area code that it does not read and that begins with 6 to 9 is a mobile written
// the old way, and the 9 is added when the result is a valid mobile. The carrier selection code of
// national dialling ("0 21 11 8765-4321": trunk 0, carrier 21) and collect calls ("90 21 …") are
// removed by libphonenumber's own rule (nationalPrefixForParsing) before this one applies; a carrier
// code missing from its list is not read.
//
// Colombia: CRC Resolución 5826 de 2019 made every number 10 digits from 2021-09-01 (the old forms
// worked until 2021-12-01, from abroad until 2022-01-31): a fixed line is "60" + its region's digit
// (1 Bogotá, 2 Cali, 4 Medellín, 5 Barranquilla, 6, 7, 8) + the seven digits it had, so "+57 1 234
// 5678" is +57 601 234 5678. The prefixes before the region's digit went too: "03" (mobile to fixed)
// and "0 + carrier" (long distance: 05, 07, 09, 0456…), which libphonenumber still strips
// (nationalPrefixForParsing), leaving the old eight digits for this rule: "031 234 5678" and
// "07 1 234 5678" are that line as well.
//
// Chile: Subtel put a "2" between the area code and every fixed line, area by area, from Arica (58,
// 2012-10-20) and Santiago (2, 2012-11-24) to Puerto Montt (65, 2013-07-06): Santiago's
// "(02) 123 4567" became "(022) 123 4567" and Puerto Montt's "(065) 35 0009" "(065) 2 35 0009"
// (Subtel's communication of 2.VII.2014 in the ITU-T Operational Bulletin, with the table of areas
// and dates). An area code then was 2 (Santiago, seven digits) or one of the two-digit codes of
// that table (six digits). A mobile was "9" and eight digits from abroad, but was dialled as its
// eight digits from another mobile ("8123 4567") and with "09" from a fixed line; from 2016-02-06
// every call is dialled as the nine digits ("9 8123 4567", "2 2123 4567"), without the trunk "0"
// that came before a fixed line's area code (Subtel's nine-digit dialling: pisapapeles.net, "Desde
// el 6 de febrero agregamos un 9 a los celulares"; the "022" form: Vaya Adventures, "Phone number
// changes in Ecuador and Chile", 2012-11-28; Wikipedia, "Telephone numbers in Chile", 2012 and 2017). So the eight digits are
// read with the 2 or the 9 added, and "022 123 4567" without its 0. Eight digits after a two-digit
// area code (3 to 7 first) may also be an eight-digit mobile's, so "+56 65 35 0009" is read only
// when one reading is valid; with the trunk "0" ("065 35 0009", "09 8123 4567") the form says.
// A call from a fixed line to another area was national long distance until Subtel ended it (area
// by area from Arica, 2014-03-29, to Santiago, 2014-08-09: atacamanoticias.cl, 2014-03-06;
// timeline.cl, "fin de la larga distancia nacional", 2014-08): it was dialled as the carrier's code,
// the area code and the number, "(código del portador) + (código de área) + (número telefónico)"
// (Subtel, "El Servicio de Larga Distancia", 2006-12-29; Wikipedia, "Telephone numbers in Chile",
// 2012: "XXX + area + phone"), so "123 2 123 4567" (Entel, before the 2) and "123 2 2123 4567"
// (2012–2014) are cards' forms of +56 2 2123 4567. libphonenumber's metadata knows the carriers'
// codes only in Chile's international prefix ("1xx" + "0" + country code), and has no national
// prefix for Chile, so it reads the code as part of the number. A code it knows (its "1xx0" is an
// international prefix) before an area code and a fixed line, old or today's, is dropped; the
// carrier says the number is a fixed line, so an eight-digit mobile is not a reading. The code was
// never dialled from abroad: after +56 it is not read. Nor are bare digits that with a "+" are
// another country's number (as Mexico's "1" above): "171 32 123456" is also +1 713 212 3456, and
// a carrier's code and an old number make eleven digits beginning with 1, a NANP number's shape
// (a third of random old forms are valid NANP numbers; a switch's bare digits read as them first).
//
// Ecuador: SUPERTEL put a "9" after the trunk "0" of every mobile from 2012-09-30: "08 813 5555" (an
// eight-digit number, +593 8 813 5555) became "098 813 5555" (+593 98 813 5555), from abroad too.
// Fixed lines (area 2 to 7 and seven digits) kept their eight digits, so an eight-digit number
// beginning with 8 or 9 is a mobile written the old way (Vaya Adventures, as above; sangay.com,
// "Dialing mobile / cellular numbers in Ecuador", 2012-09-18).
//
// Peru: on 2003-03-01 (MTC, 2003-01-27, via the ITU) every region got its own area code (1 Lima and
// Callao, 41 to 84 elsewhere, two digits) and a "9" was put before every mobile: Lima's mobiles were
// eight digits (+51 1 9xxx xxxx), the others seven (+51 84 9xx xxxx). On 2008-04-05 (OSIPTEL's
// press note of that day; La República, "¿Por qué el número de celular pasó de 8 a 9 dígitos?",
// 2022-04-30) every mobile became nine digits, still after its area code: Lima's gained a "9" before
// them ((1) 9xxx xxxx became (1) 99xx xxxxx); in Arequipa (54), La Libertad (44), Piura (73) and
// Lambayeque (74) "95", "94", "96" and "97" went before the seven digits ((054) 9xx xxxx became
// (054) 959 xxx xxx); elsewhere the leading 9 became 9 and the area code ((084) 9xx xxxx became
// (084) 984 xxx xxx) (WTNG, "Peru +51", the table "5 April 2008 - mobile numbering extension";
// mundoandino.com, "Telephone numbers in Peru"; Wikipedia, "Local conventions for writing telephone
// numbers", Peru). On 2010-09-04 the mobile virtual area (MTC, 2010-08-04, via the ITU; WTNG, as
// above) took the area code away from mobiles: the nine digits are dialled alone, "+51 984 123 456"
// from abroad, so "+51 84 984 123 456" and "01 991 234 567" of 2008–2010 are their nine digits. So
// the three forms are read: the old mobile after its area code (with the trunk "0", after +51, or
// without either), Lima's eight digits bare as dialled in Lima, and a 2008–2010 nine-digit mobile
// after an area code; each only when one reading is a valid mobile. A region's bare seven digits
// ("9xx xxxx") are not read: every region's reading is valid, and the digits do not say which.
// Fixed lines (1 and seven digits, or a region's code and six) did not change. Bare digits that with
// a "+" are another country's number are not read ("84 984 123 456" is also Viet Nam's +84…).
//
// Costa Rica: on 2008-03-20 every number went from seven digits to eight (ICE, announced 2007-02): "8"
// before every mobile, whose seven digits began with 3, 8 or 9, and "2" before every fixed line,
// which began with 2, 4, 5, 6 or 7 (insidecostarica.com, "Costa Rica Now Has An 8 Digit Telephone
// Number System", 2008-03-20; The Tico Times, "C.R. Braces for 8-Digit Numbers", 2008-03-07). So the
// first of the seven digits says which: "381 2345" is +506 8381 2345, "222 1234" +506 2222 1234.
//
// Honduras: mobiles went to eight digits on 2007-02-25 (Conatel, Resolución NR014/06), a digit put
// before the seven: 3xx xxxx became 33xx xxxx (Claro), 8xx xxxx 98xx xxxx and 9xx xxxx 99xx xxxx
// (Tigo); fixed lines followed on 2010-11-14 (Conatel, 2010-09-02 via the ITU), "2" before the seven
// (2, 4 to 8 first). An old number beginning with 8 may be a mobile of before 2007 or a fixed line
// of before 2010, so it is read only when one of the two readings is valid (WTNG, "Honduras +504",
// with both tables).
//
// El Salvador: on 2005-05-14 every number went from seven digits to eight at once, with no period of
// both (SIGET's announcement of 2005-03-18, via the ITU; WTNG, "El Salvador +503", with the table):
// "2" before every fixed line (2 to 6 first: 2xx xxxx became 22xx xxxx) and "7" before every mobile
// (7, 8 or 9 first: 8xx xxxx became 78xx xxxx). Freephone 800 and premium 900 numbers kept their
// seven digits, and libphonenumber's metadata reads them as they are.
//
// Uruguay: on 2010-08-29 (URSEC; first set for 2010-07-01, moved by its communication of 2010-06-18
// via the ITU) every fixed line went to eight digits and the trunk "0" before an area code went:
// Montevideo's seven digits got its area code "2" before them ("204 5199" became 2204 5199), and
// elsewhere the area code and the number, seven digits in all, got a "4" (Colonia's "(052) 24999"
// became 4522 4999; the ITU's table: 300 0000–419 9999 and 430 0000–799 9999 became 4300 0000–
// 4419 9999 and 4430 0000–4799 9999; Maldonado's 42 and its six digits were eight already) (URSEC's
// notice, infouruguay.com.uy, "Nuevos códigos telefónicos"). So seven digits after the trunk "0" or
// after +598 are an interior number; bare, they are Montevideo's as dialled there, or an interior
// number written without its "0": read only when one of the two is valid (2 or 9 first: Montevideo).
//
// Not read: Nicaragua's seven digits of before 2009-04-22 ("2" before a fixed line, "8" before a
// mobile; The Tico Times, 2009-03-27): libphonenumber's metadata takes any 2xxx xxxx as a fixed line
// and any 8xxx xxxx as a mobile, so every old number has two valid readings and the digits do not say
// which.

/** After +52: the 10-digit national number behind a pre-2019 prefix (1, 044, 045, 01, 02). */
const MX_LEGACY = /^(?:1|044|045|01|02)(\d{10})$/;

/** A Mexican mobile in E.164 with the "1" dialled after +52 before 2019 (see above): its ten digits. */
const MX_MOBILE_ONE = /^\+521(\d{10})$/;

/**
 * The number `e164` ("+" and ASCII digits, as a switch wrote it) denotes when it is a Mexican mobile
 * written with the "1" that followed +52 until IFT's change to the Plan Técnico Fundamental de
 * Numeración (DOF 2018-05-11; ten digits for every number from 2019-08-03, see above): "+52 1 55 1234
 * 5678" is +52 55 1234 5678, the same line, which libphonenumber's metadata no longer reads with the
 * "1" (v8.13.38). Undefined when `e164` is not "+52 1" and ten digits, or when +52 and the ten digits
 * is no valid number. The one superseded form a switch's E.164 number is read in (lib/phone/format.ts
 * readDialled): the "1" was part of the international form itself, not a national prefix, and
 * Mexican networks kept connecting it to the same line.
 */
export function mexicanMobileWithOne(e164: string): PhoneNumber | undefined {
  const m = MX_MOBILE_ONE.exec(e164);
  const number = m ? parsed(`+52${m[1]}`) : undefined;
  return number?.isValid() ? number : undefined;
}

/** After +55: a two-digit area code and an eight-digit mobile from before the ninth digit (6–9…). */
const BR_EIGHT_DIGIT_MOBILE = /^([1-9]{2})([6-9]\d{7})$/;

/** After +57: a region's digit and a seven-digit fixed line from before the 10-digit plan (2021). */
const CO_FIXED_LINE = /^([124-8])(\d{7})$/;

/** After +56: Santiago's seven-digit fixed line (2…) or another area's six digits, trunk 0 or not. */
const CL_FIXED_LINE = /^(0?)(2|3[2-5]|4[1-35]|5[1-3578]|6[13-57]|7[1-35])(\d+)$/;

/** After +56: an eight-digit mobile without its "9" (before 2016), "09" from a fixed line or nothing. */
const CL_EIGHT_DIGIT_MOBILE = /^(?:09)?([5-9]\d{7})$/;

/** After +56: a long-distance carrier's code (1xx, until 2014) before an area code and a fixed line. */
const CL_CARRIER = /^(1\d\d)([2-7]\d{7,8})$/;

/** After +593: an eight-digit mobile from before its "9" (2012). */
const EC_EIGHT_DIGIT_MOBILE = /^[89]\d{7}$/;

/** After +51: Lima's eight-digit mobile (9…, 2003–2008) after its area code 1, or bare as dialled in Lima. */
const PE_LIMA_MOBILE = /^(1?)(9\d{7})$/;

/** After +51: a region's area code and its seven-digit mobile (9…, 2003–2008). */
const PE_REGIONAL_MOBILE = /^(4[1-4]|5[1-46]|6[1-7]|7[2346]|8[2-4])(9\d{6})$/;

/** After +51: an area code before a nine-digit mobile (2008–2010, before the national mobile area). */
const PE_AREA_CODE_MOBILE = /^(?:1|4[1-4]|5[1-46]|6[1-7]|7[2346]|8[2-4])(9\d{8})$/;

/** The digits put before a region's seven-digit mobile on 2008-04-05 where they were not 9 + its area code. */
const PE_2008_PREFIX: Readonly<Record<string, string>> = { '44': '94', '54': '95', '73': '96', '74': '97' };

/**
 * Seven-digit numbers of the countries that went to eight digits (see above), by country code: for
 * the old number's first digits, the digit put before it and what the result is. One old number may
 * have two readings (Honduras's 8); it is read only when exactly one is valid.
 */
const SEVEN_TO_EIGHT: Readonly<
  Record<string, readonly { first: RegExp; add: string; type: 'MOBILE' | 'FIXED_LINE' }[]>
> = {
  // Costa Rica, 2008-03-20.
  '506': [
    { first: /^[389]/, add: '8', type: 'MOBILE' },
    { first: /^[24-7]/, add: '2', type: 'FIXED_LINE' },
  ],
  // Honduras: mobiles 2007-02-25, fixed lines 2010-11-14.
  '504': [
    { first: /^3/, add: '3', type: 'MOBILE' },
    { first: /^[89]/, add: '9', type: 'MOBILE' },
    { first: /^[24-8]/, add: '2', type: 'FIXED_LINE' },
  ],
  // El Salvador, 2005-05-14.
  '503': [
    { first: /^[789]/, add: '7', type: 'MOBILE' },
    { first: /^[2-6]/, add: '2', type: 'FIXED_LINE' },
  ],
};

/** After +598: an interior area code and number, seven digits in all, from before 2010 (the ITU's ranges). */
const UY_INTERIOR = /^(?:3\d|4[013-9]|[5-7]\d)\d{5}$/;

/**
 * `p` when it is valid; else, when `p` (as libphonenumber-js read it from `written`, in any form:
 * "+52…", "0052…", "01152…", national) is a Mexican, Argentine, Brazilian, Colombian, Chilean,
 * Ecuadorian or Peruvian number in a superseded form (see above), the valid number it denotes; else
 * undefined. The extension is kept.
 *
 * The Mexican mobile "1" only ever followed the country code, so it is dropped only when `written`
 * has "52" right before it: "1 55 1234 5678" typed or dialled in Mexico is not read as
 * +52 55 1234 5678 (as bare digits it is the US number +1 551 234 5678). Likewise a Chilean
 * carrier's code and Lima's bare eight digits are forms dialled at home, not read after +56 / +51.
 */
export function validNumber(p: PhoneNumber | undefined, written: string): PhoneNumber | undefined {
  if (!p) return undefined;
  if (p.isValid()) return p;
  const national = p.nationalNumber as string;
  let current: PhoneNumber | undefined;
  if (p.countryCallingCode === '52') {
    const m = MX_LEGACY.exec(national);
    const afterCode = parseDigits(written).includes(`52${national}`);
    if (m && (afterCode || !national.startsWith('1'))) current = parsed(`+52${m[1]}`);
  } else if (p.countryCallingCode === '54' && /^9\d{12}$/.test(national)) {
    // "9" + area code and subscriber (10 digits) with "15" between them: libphonenumber's own rule
    // reads "area code 15 subscriber" (nationalPrefixTransformRule), so the rest is handed to it.
    const rest = parsed(national.slice(1), 'AR');
    if (rest?.getType() === 'MOBILE') current = rest;
  } else if (p.countryCallingCode === '55') {
    const m = BR_EIGHT_DIGIT_MOBILE.exec(national);
    const mobile = m ? parsed(`+55${m[1]}9${m[2]}`) : undefined;
    if (mobile?.getType() === 'MOBILE') current = mobile;
  } else if (p.countryCallingCode === '57') {
    const m = CO_FIXED_LINE.exec(national);
    const fixed = m ? parsed(`+5760${m[1]}${m[2]}`) : undefined;
    if (fixed?.getType() === 'FIXED_LINE') current = fixed;
  } else if (p.countryCallingCode === '56') {
    current = chileanNumber(national, writtenAs(national, '56', written));
  } else if (p.countryCallingCode === '51') {
    current = peruvianNumber(national, writtenAs(national, '51', written));
  } else if (p.countryCallingCode === '593' && EC_EIGHT_DIGIT_MOBILE.test(national)) {
    const mobile = parsed(`+5939${national}`);
    if (mobile?.getType() === 'MOBILE') current = mobile;
  } else if (p.countryCallingCode === '598' && /^\d{7}$/.test(national)) {
    current = uruguayanNumber(national, writtenAs(national, '598', written), written);
  } else if (SEVEN_TO_EIGHT[p.countryCallingCode] && /^\d{7}$/.test(national)) {
    const code = p.countryCallingCode as string;
    if (writtenAs(national, code, written) !== 'foreign') current = eightDigitNumber(code, national);
  }
  if (!current?.isValid()) return undefined;
  if (p.ext) current.setExt(p.ext);
  return current;
}

/**
 * The Chilean number a superseded national number (after +56: "21234567", "021234567", "81234567",
 * "0981234567", "0221234567", "12321234567", "123221234567") denotes today, when exactly one of its
 * readings (a fixed line with the "2" added, an eight-digit mobile with the "9", today's nine digits
 * after the trunk "0", a fixed line after a carrier's code) is valid; else undefined.
 * `written`: how (writtenAs); a carrier's code was never dialled after +56, and bare digits that
 * are another country's number without its "+" ("17132123456" is +1 713 212 3456) are not read as one.
 */
function chileanNumber(national: string, written: WrittenAs): PhoneNumber | undefined {
  if (/^0\d{9}$/.test(national)) {
    const nine = parsed(`+56${national.slice(1)}`);
    if (nine?.isValid()) return nine;
  }
  const carrier = written === 'home' ? CL_CARRIER.exec(national) : null;
  if (carrier && iddPrefixIn(`${carrier[1]}0`, 'CL') === `${carrier[1]}0`)
    return chileanFixedLine(carrier[2]!);
  const fixed = CL_FIXED_LINE.exec(national);
  const mobile = CL_EIGHT_DIGIT_MOBILE.exec(national);
  const subscriberLength = fixed?.[2] === '2' ? 7 : 6;
  const readings = [
    fixed && fixed[3]!.length === subscriberLength ? parsed(`+56${fixed[2]}2${fixed[3]}`) : undefined,
    mobile ? parsed(`+569${mobile[1]}`) : undefined,
  ].filter((r) => r?.isValid());
  return readings.length === 1 ? readings[0] : undefined;
}

/**
 * The valid Chilean fixed line that an area code and a number (after a carrier's code) denote:
 * today's nine digits ("2 2123 4567", the area code then "2") as they are, or an old number
 * ("2 123 4567", "65 35 0009") with the "2" added after its area code; else undefined.
 */
function chileanFixedLine(areaAndNumber: string): PhoneNumber | undefined {
  const fixed = CL_FIXED_LINE.exec(areaAndNumber);
  if (!fixed) return undefined;
  const [, , area, number] = fixed;
  const today = (area === '2' ? 8 : 7) === number!.length && number!.startsWith('2');
  const old = (area === '2' ? 7 : 6) === number!.length;
  const line = today ? parsed(`+56${areaAndNumber}`) : old ? parsed(`+56${area}2${number}`) : undefined;
  return line?.isValid() ? line : undefined;
}

/**
 * The Peruvian mobile a superseded national number (after +51: "191234567", "91234567",
 * "849123456", "1991234567", "84984123456") denotes today, when exactly one of its readings
 * (Lima's eight digits with the "9" added, a region's seven digits with its 2008 prefix, a
 * 2008–2010 nine-digit mobile without its area code) is a valid mobile; else undefined.
 * `written`: how (writtenAs); after +51 Lima's eight digits came after its "1", and bare digits that
 * are another country's number without its "+" ("84984123456" is Viet Nam's +84 984 123 456) are not read.
 */
function peruvianNumber(national: string, written: WrittenAs): PhoneNumber | undefined {
  if (written === 'foreign') return undefined;
  const lima = PE_LIMA_MOBILE.exec(national);
  const region = PE_REGIONAL_MOBILE.exec(national);
  const nine = PE_AREA_CODE_MOBILE.exec(national);
  const readings = [
    lima && (lima[1] || written === 'home') ? parsed(`+519${lima[2]}`) : undefined,
    region ? parsed(`+51${peruvianMobileOf2008(region[1]!, region[2]!)}`) : undefined,
    nine ? parsed(`+51${nine[1]}`) : undefined,
  ].filter((r) => r?.getType() === 'MOBILE');
  return readings.length === 1 ? readings[0] : undefined;
}

/**
 * The number seven digits of before the move to eight (after +`code`, one of SEVEN_TO_EIGHT's: Costa
 * Rica "381 2345" → +506 8381 2345, Honduras "812 3456" → +504 9812 3456, El Salvador "212 3456" →
 * +503 2212 3456) denote today, when exactly one of its readings is a valid number of its kind;
 * else undefined.
 */
function eightDigitNumber(code: string, seven: string): PhoneNumber | undefined {
  const readings = (SEVEN_TO_EIGHT[code] ?? [])
    .filter((r) => r.first.test(seven))
    .map((r) => ({ number: parsed(`+${code}${r.add}${seven}`), type: r.type }))
    .filter((r) => r.number?.getType() === r.type);
  return readings.length === 1 ? readings[0]!.number : undefined;
}

/**
 * The Uruguayan fixed line seven digits of before 2010-08-29 (after +598) denote, when exactly one
 * reading is valid: an interior area code and number with the "4" (after the trunk "0", after +598,
 * or bare), Montevideo's number with its "2" (bare: "204 5199" as dialled in Montevideo); else
 * undefined. `written`: how (writtenAs), and the text itself for the trunk "0".
 */
function uruguayanNumber(seven: string, how: WrittenAs, written: string): PhoneNumber | undefined {
  if (how === 'foreign') return undefined;
  const bare = how === 'home' && !parseDigits(written).startsWith(`0${seven}`);
  const readings = [
    UY_INTERIOR.test(seven) ? parsed(`+5984${seven}`) : undefined,
    bare ? parsed(`+5982${seven}`) : undefined,
  ].filter((r) => r?.getType() === 'FIXED_LINE');
  return readings.length === 1 ? readings[0] : undefined;
}

/**
 * How a national number (after +`code`) appears in `written`: 'code' after its country code
 * ("+51…", "0051…"); 'foreign' as the bare digits alone when those digits with a "+" before them
 * are a valid number (another country's, written without its "+"); else 'home' (bare, or after the
 * trunk "0"). Forms dialled only at home are read only when 'home'.
 */
type WrittenAs = 'code' | 'foreign' | 'home';
function writtenAs(national: string, code: string, written: string): WrittenAs {
  const digits = parseDigits(written);
  if (digits.includes(`${code}${national}`)) return 'code';
  return digits === national && parsed(`+${national}`)?.isValid() ? 'foreign' : 'home';
}

/** The nine digits a region's seven-digit mobile ("9xx xxxx") got on 2008-04-05 (WTNG's table). */
function peruvianMobileOf2008(area: string, seven: string): string {
  const prefix = PE_2008_PREFIX[area];
  return prefix ? `${prefix}${seven}` : `9${area}${seven.slice(1)}`;
}

function parsed(text: string, country?: 'AR'): PhoneNumber | undefined {
  try {
    return parsePhoneNumberFromString(text, country);
  } catch {
    return undefined;
  }
}
