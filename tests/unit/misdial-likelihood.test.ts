import { describe, expect, it } from 'vitest';
import { summarizeCalls, formatCallDuration, formatSpan } from '@/lib/requests/call-summary';
import { iddOf } from '@/lib/phone/plan';
import { asNationalNumber, digitDistance, internationalDigits, prefixSlip } from '@/lib/requests/dialling';
import { INTL_TAGS, type Locale } from '@/lib/i18n/locales';
import { noteText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import {
  misdialLikelihood,
  signalNote,
  type Likelihood,
  type LikelihoodInput,
} from '@/lib/requests/misdial-likelihood';

// Tuesday 2026-11-24 10:15 in London (UTC+0 in November).
const tuesdayMorning = new Date('2026-11-24T10:15:00Z');
const call = (over: Partial<LikelihoodInput['calls'][number]> = {}) => ({
  id: 'c1',
  at: tuesdayMorning,
  to: '+2079460000',
  durationSec: 0,
  sipUsername: 'harbor-trunk',
  sourceIp: '198.51.100.20',
  ...over,
});
const keys = (l: ReturnType<typeof misdialLikelihood>) => l.signals.map((s) => s.key);
/** The hint as an agent reading `locale` sees it: the headline, and the sentence of the signal `key`. */
const headline = (l: Likelihood, locale: Locale = 'en') => noteText(translate(locale), l.headline);
const said = (l: Likelihood, key: string, locale: Locale = 'en') =>
  noteText(
    translate(locale),
    signalNote(
      l.signals.find((s) => s.key === key)!,
      INTL_TAGS[locale],
    ),
  );

describe('dialling rules', () => {
  it('reads the digits after the international prefix', () => {
    expect(internationalDigits('+252611234567')).toBe('252611234567');
    expect(internationalDigits('00252611234567')).toBe('252611234567');
    expect(internationalDigits('0252611234567')).toBeNull();
    expect(iddOf('GB')).toBe('00');
    expect(iddOf('US')).toBe('011');
    expect(iddOf('AU')).toBe('0011');
  });

  it('00 20 7946 0000 from the UK is 020 7946 0000 when the 00 is read as the trunk prefix 0', () => {
    expect(asNationalNumber('+2079460000', 'GB')).toBe('020 7946 0000');
    expect(asNationalNumber('002079460000', 'GB')).toBe('020 7946 0000');
  });

  it('011 252 611 2345 from the US is (252) 611-2345 when 011 is read as the trunk prefix 1', () => {
    expect(asNationalNumber('+2526112345', 'US')).toBe('(252) 611-2345');
  });

  it('a real Somali mobile number is not a valid national number in the UK or the US', () => {
    expect(asNationalNumber('+252611234567', 'GB')).toBeNull();
    expect(asNationalNumber('+252611234567', 'US')).toBeNull();
  });

  it('a national number dialled in international form is not a misdial of this kind', () => {
    expect(asNationalNumber('+442079460000', 'GB')).toBeNull();
  });

  it('prefixSlip finds the 00-for-0 slip among a block’s numbers, and nothing in a call to Cuba', () => {
    expect(prefixSlip(['+5378612345', '002079460000'], 'GB')).toEqual({
      idd: '00',
      digits: '20 7946 0000',
      national: '020 7946 0000',
    });
    expect(prefixSlip(['+5378612345', '+252611234567'], 'US')).toBeNull();
  });

  // Colombia has no one international prefix (issue 14: iddOf gave "00", which connects nowhere
  // there): the slip names the prefix the call was written with, else the number with "+".
  it('a slip from a country without one IDD prefix names the call’s own prefix, else "+"', () => {
    const national = '(601) 2345678';
    // The dialled digits grouped as the national number beside them, without its brackets.
    expect(prefixSlip(['0096012345678'], 'CO')).toEqual({ idd: '009', digits: '601 2345678', national });
    expect(prefixSlip(['+6012345678'], 'CO')).toEqual({ idd: 'plus', digits: '601 2345678', national });
    const l = (to: string) =>
      misdialLikelihood({
        accountCountry: 'CO',
        timeZone: 'America/Bogota',
        reason: 'high_risk_destination',
        calls: [call({ to })],
      });
    expect(said(l('+6012345678'), 'trunk_prefix')).toBe(
      'Dialled +601 2345678; with the international prefix read as the trunk prefix 0, that is (601) 2345678, a valid number (Colombia).',
    );
    expect(said(l('+6012345678'), 'trunk_prefix', 'es')).toBe(
      'Se marcó +601 2345678; si el prefijo internacional se lee como prefijo nacional 0, queda (601) 2345678, un número válido (Colombia).',
    );
    expect(said(l('0096012345678'), 'trunk_prefix')).toMatch(
      /^Dialled 009 601 2345678; with the international prefix 009 read/,
    );
  });

  // A country without a trunk prefix (Spain, Mexico…): the digits after the international prefix are the
  // national number as they are, and the sentence says so, not "read as the trunk prefix" (session 34).
  it('00 963 12 34 56 from Spain is 963 12 34 56 read without the 00: no trunk prefix to speak of', () => {
    const l = misdialLikelihood({
      accountCountry: 'ES',
      timeZone: 'Europe/Madrid',
      reason: 'high_risk_destination',
      calls: [call({ to: '00963123456' })],
      misdialCallIds: ['c1'],
      intendedNumber: '+34963123456',
    });
    expect(said(l, 'trunk_prefix')).toBe(
      'Dialled 00 963 12 34 56; read without the international prefix 00, that is 963 12 34 56, a valid number (Spain).',
    );
    expect(said(l, 'trunk_prefix', 'es')).toBe(
      'Se marcó 00 963 12 34 56; leído sin el prefijo internacional 00, queda 963 12 34 56, un número válido (España).',
    );
  });

  it('counts digit edits', () => {
    expect(digitDistance('2079460000', '2079460000')).toBe(0);
    expect(digitDistance('2528012345678', '2348012345678')).toBe(2);
    expect(digitDistance('', '123')).toBe(3);
  });
});

describe('misdialLikelihood', () => {
  it('one short office-hours call whose digits are a valid national number is likely a misdial, explained in words', () => {
    const l = misdialLikelihood({
      accountCountry: 'GB',
      timeZone: 'Europe/London',
      reason: 'high_risk_destination',
      calls: [call()],
      misdialCallIds: ['c1'],
      intendedNumber: '+442079460000',
    });
    expect(l.level).toBe('likely');
    expect(headline(l)).toBe('Likely a misdial');
    expect(keys(l)).toEqual(
      expect.arrayContaining([
        'trunk_prefix',
        'similar_digits',
        'few_attempts',
        'short_calls',
        'one_credential',
        'office_hours',
      ]),
    );
    expect(keys(l)[0]).toBe('trunk_prefix'); // strongest evidence first
    expect(said(l, 'trunk_prefix')).toBe(
      'Dialled 00 20 7946 0000; with the international prefix 00 read as the trunk prefix 0, that is 020 7946 0000, a valid number (United Kingdom).',
    );
    expect(said(l, 'similar_digits')).toMatch(/same digits/);
    // The same evidence for an agent who reads Spanish: the sentences, the country's name and the verdict.
    expect(headline(l, 'es')).toBe('probable');
    expect(said(l, 'trunk_prefix', 'es')).toBe(
      'Se marcó 00 20 7946 0000; si el prefijo internacional 00 se lee como prefijo nacional 0, queda 020 7946 0000, un número válido (Reino Unido).',
    );
    expect(said(l, 'few_attempts', 'es')).toBe(
      'Solo 1 llamada: quien marca mal un número suele darse cuenta tras uno o dos intentos.',
    );
    expect(said(l, 'office_hours', 'es')).toBe(
      'Todas las llamadas se hicieron en horario de oficina (de lunes a viernes, de 8:00 a 18:00, zona horaria: Reino Unido).',
    );
  });

  it('the intended number sharing most digits counts even without the trunk-prefix rule', () => {
    const l = misdialLikelihood({
      accountCountry: 'US',
      timeZone: 'America/New_York',
      reason: 'high_risk_destination',
      calls: [call({ to: '+2528012345678', at: new Date('2026-11-24T15:00:00Z') })],
      intendedNumber: '+2348012345678',
    });
    expect(keys(l)).toContain('similar_digits');
    expect(keys(l)).not.toContain('trunk_prefix');
    expect(said(l, 'similar_digits')).toBe(
      'The number they meant (+234 801 234 5678) differs from the dialled +252 8012345678 in only 2 digits.',
    );
    expect(said(l, 'similar_digits', 'es')).toBe(
      'El número que el cliente quería marcar (+234 801 234 5678) solo se diferencia del marcado, +252 8012345678, en 2 dígitos.',
    );
    expect(l.level).toBe('likely');
  });

  it('a night-time burst through several credentials from a hotspot, with a long call, is unlikely', () => {
    const sundayNight = new Date('2026-11-22T03:12:00Z');
    const calls = Array.from({ length: 6 }, (_, i) =>
      call({
        id: `c${i}`,
        to: `+88213100${450 + i}`,
        at: new Date(sundayNight.getTime() + i * 5000),
        sipUsername: i % 2 ? 'pbx' : 'reception',
        durationSec: i === 3 ? 95 : 0,
      }),
    );
    const l = misdialLikelihood({
      accountCountry: 'GB',
      timeZone: 'Europe/London',
      reason: 'hotspot_source_ip',
      calls,
    });
    expect(l.level).toBe('unlikely');
    expect(keys(l)).toEqual(
      expect.arrayContaining([
        'many_attempts',
        'long_call',
        'many_credentials',
        'outside_hours',
        'hotspot_ip',
      ]),
    );
    expect(l.signals.every((s) => s.weight < 0)).toBe(true);
    expect(said(l, 'outside_hours')).toBe(
      'A call was made at Sun, 03:12 GMT+0 (United Kingdom time), when an office is usually empty.',
    );
    expect(said(l, 'outside_hours', 'es')).toBe(
      'Una llamada se hizo cuando una oficina suele estar vacía: dom, 03:12 GMT+0 (zona horaria: Reino Unido).',
    );
    expect(said(l, 'long_call')).toBe(
      'One call lasted 1 minute, 35 seconds: someone stayed on the line, which a misdial rarely explains.',
    );
    expect(said(l, 'long_call', 'es')).toBe(
      'Una llamada duró 1 minuto y 35 segundos: alguien siguió en la línea, algo que una marcación errónea rara vez explica.',
    );
    expect(said(l, 'many_credentials', 'es')).toBe(
      'Las llamadas se hicieron por 2 credenciales SIP (reception, pbx): una persona desde un solo teléfono usa una.',
    );
    expect(headline(l, 'es')).toBe('poco probable');
  });

  // Break 25: +57 321 123 4567 shares ¾ of its digits with +252 61 123 4567 (the tail 1234567), and
  // was called "differs in only 3 digits". Across country codes only a prefix slip counts.
  it.each([
    ['+573211234567', '+252611234567', 'CO', false], // two countries, a shared tail: no slip
    ['+573219874567', '+573211234567', 'CO', true], // one country code: ¾ shared still counts
    ['+442079460000', '+2079460000', 'GB', true], // 00 + national number
    ['+442079460000', '+2079460001', 'GB', true], // 00 + national number, one digit mistyped
    ['+2348012345678', '+2528012345678', 'US', true], // the country code mistyped
  ] as const)('meant %s, dialled %s from %s: similar %s', (intendedNumber, to, accountCountry, similar) => {
    const l = misdialLikelihood({
      accountCountry,
      timeZone: 'UTC',
      reason: 'high_risk_destination',
      calls: [call({ to })],
      intendedNumber,
    });
    expect(keys(l).includes('similar_digits')).toBe(similar);
  });

  it('a number meant that shares few digits counts against', () => {
    const l = misdialLikelihood({
      accountCountry: 'GB',
      timeZone: 'Europe/London',
      reason: 'high_risk_destination',
      calls: [call({ to: '+252611234567' })],
      intendedNumber: '+441481712345',
    });
    expect(keys(l)).toContain('different_digits');
  });

  it('an unknown time zone gives no opinion on office hours instead of failing', () => {
    const l = misdialLikelihood({
      accountCountry: 'GB',
      timeZone: 'Mars/Olympus',
      reason: 'high_risk_destination',
      calls: [call()],
    });
    expect(keys(l)).not.toContain('office_hours');
    expect(keys(l)).not.toContain('outside_hours');
  });

  it('no calls: only what the block reason says', () => {
    expect(
      misdialLikelihood({ accountCountry: 'US', timeZone: 'UTC', reason: 'manual', calls: [] }),
    ).toMatchObject({ level: 'unlikely', score: 0, signals: [] });
  });
});

describe('summarizeCalls', () => {
  it('names countries most frequent first, counts calls and measures the span', () => {
    const s = summarizeCalls(
      [
        call({ to: '+252611234567', at: new Date('2026-11-24T10:00:00Z') }),
        call({ to: '+252611234568', at: new Date('2026-11-24T10:00:41Z') }),
        call({ to: '+88213100456', at: new Date('2026-11-24T10:02:00Z') }),
      ],
      'US',
    );
    expect(s).toMatchObject({ count: 3, countries: ['Somalia', expect.any(String)], spanSec: 120 });
  });

  it("formats a span in the reader's language", () => {
    expect(formatSpan(41)).toBe('41 sec');
    expect(formatSpan(120)).toBe('2 min');
    expect(formatSpan(7500)).toBe('2 hr 5 min');
    expect(formatSpan(3 * 86_400)).toBe('3 days');
    expect(formatSpan(41, 'es')).toBe('41 s');
    expect(formatSpan(7500, 'es')).toBe('2 h 5 min');
    expect(formatSpan(86_400, 'es')).toBe('1 día');
    expect(formatSpan(3 * 86_400, 'es')).toBe('3 días');
  });
  it('rounds a span to whole minutes before splitting it, so no part says 60', () => {
    // Rounding the minutes left after the hours gave "60 min" and "1 hr 60 min".
    expect(formatSpan(3570)).toBe('1 hr');
    expect(formatSpan(3599)).toBe('1 hr');
    expect(formatSpan(7170)).toBe('2 hr');
    expect(formatSpan(7170, 'es')).toBe('2 h');
    expect(formatSpan(5370)).toBe('1 hr 30 min');
    expect(formatSpan(3629)).toBe('1 hr');
    expect(formatSpan(3630)).toBe('1 hr 1 min');
    expect(formatSpan(86_370)).toBe('1 day');
    expect(formatSpan(89)).toBe('1 min');
    for (let sec = 60; sec < 2 * 86_400; sec += 7)
      expect(formatSpan(sec), String(sec)).not.toMatch(/\b60 min/);
  });
  it('a call’s duration is said exactly, in hours, minutes and seconds, as each language joins them', () => {
    // A switch reports seconds; "3.725 segundos" (es-AR) or "3,725 segundos" (es-MX) is right but no
    // one counts a call that way. Every region of each language says it the same (CLDR).
    for (const tag of ['es', 'es-ES', 'es-MX', 'es-AR', 'es-CO', 'es-CL']) {
      expect(formatCallDuration(3725, tag), tag).toBe('1 hora, 2 minutos y 5 segundos');
      expect(formatCallDuration(4, tag), tag).toBe('4 segundos');
      expect(formatCallDuration(1, tag), tag).toBe('1 segundo');
      expect(formatCallDuration(60, tag), tag).toBe('1 minuto');
      expect(formatCallDuration(3600, tag), tag).toBe('1 hora');
      expect(formatCallDuration(90_061, tag), tag).toBe('25 horas, 1 minuto y 1 segundo');
    }
    for (const tag of ['en', 'en-US', 'en-GB']) {
      expect(formatCallDuration(3725, tag), tag).toBe('1 hour, 2 minutes, 5 seconds');
      expect(formatCallDuration(75, tag), tag).toBe('1 minute, 15 seconds');
    }
    expect(formatCallDuration(0)).toBe('0 seconds');
    expect(formatCallDuration(0, 'es-MX')).toBe('0 segundos');
  });
});

// A tester playing the fraudster (2026-12): 30-minute calls from Germany on a US account read
// "Possibly a misdial", nothing naming where they came from.
describe('calls from abroad', () => {
  const input = (sourceIp: string, reason: LikelihoodInput['reason'] = 'high_risk_destination') =>
    misdialLikelihood({
      accountCountry: 'US',
      timeZone: 'America/New_York',
      reason,
      calls: [call({ to: '0112525550147', sourceIp })],
    });

  it('count against a misdial, naming the country and the account’s', () => {
    const l = input('185.220.101.47');
    expect(keys(l)).toContain('source_abroad');
    expect(l.signals.find((s) => s.key === 'source_abroad')!.weight).toBeLessThan(0);
    expect(said(l, 'source_abroad')).toBe(
      'A call came from an address in Germany, not in the account’s country (United States): a person mistyping a number at the office does not call from there.',
    );
    expect(said(l, 'source_abroad', 'es')).toBe(
      'Una llamada salió de una dirección en Alemania, no en el país de la cuenta (Estados Unidos): quien se equivoca al marcar en la oficina no llama desde allí.',
    );
    expect(l.score).toBeLessThan(input('8.8.8.8').score);
  });

  it('say nothing for an address at home, of no country, or a hotspot block, which says it already', () => {
    for (const ip of ['8.8.8.8', '192.168.1.45', '198.51.100.20'])
      expect(keys(input(ip))).not.toContain('source_abroad');
    expect(keys(input('185.220.101.47', 'hotspot_source_ip'))).not.toContain('source_abroad');
  });
});
