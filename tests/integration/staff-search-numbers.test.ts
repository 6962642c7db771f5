import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import { readCursor } from '@/lib/staff/cursor';
import { isPhoneText, phoneReadings } from '@/lib/staff/phone-search';
import { searchAccounts, searchCursor } from '@/lib/staff/search';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeStaff } from '@/tests/helpers/factory';

// Review of 2026-12-05: an account number or a phone number that no account has fell back to a search
// of the words left beside it. "acc 9999" searched "acc" (every account number holds it: 25 unrelated
// accounts), "912 34 56 78 ext 21" searched "ext", "cuenta 9999" "cuenta", "tel 913…" "tel". The
// number is what the agent was given: when no account has it, none matches (docs/staff-console.md).

/** Every account number a search lists, page after page. */
async function numbersFound(staff: CurrentUser, q: string, opts: { sparseCap?: number } = {}) {
  const seen: string[] = [];
  let after: { number: string } | null = null;
  for (let i = 0; i < 20; i++) {
    const page = await searchAccounts(staff, q, after, opts);
    seen.push(...page.hits.map((h) => h.number));
    if (!page.next) return seen;
    after = readCursor(searchCursor, page.next).key;
  }
  throw new Error('search paging did not end');
}

describe('isPhoneText', () => {
  it('reads a phone number with a word naming it before and an extension after, with or without its digits', () => {
    for (const q of [
      '912 34 56 78',
      'tel 912 34 56 78',
      'Tel. 912 34 56 78',
      'tel:+34912345678',
      'Teléfono: 912 34 56 78',
      'tfno 912345678',
      'phone number +34 912 34 56 78',
      'móvil 612 34 56 78',
      '912 34 56 78 ext 21',
      '912 34 56 78 ext.',
      '912 34 56 78 ext',
      '912 34 56 78 extension',
      '912 34 56 78 Extension 21',
      '912 34 56 78 extensión',
      '912 34 56 78 ext: 21',
      '912 34 56 78 anexo 4',
      '912 34 56 78 interno 4',
    ])
      expect(isPhoneText(q), q).toBe(true);
    // The line, without the label or the extension, is what is read.
    expect(phoneReadings('tel:+34912345678', ['US'])).toEqual(['+34912345678']);
    expect(phoneReadings('Teléfono: 912 34 56 78 ext.', ['ES'])).toEqual(['+34912345678']);
  });

  it('is false for text that is not a phone number', () => {
    for (const q of [
      'ext 21',
      'ext 123456',
      'acc 1001',
      'hotel 912345678',
      'telmo 912345678',
      'tel 1234',
      'next 912345678',
      '912 34 56 78 x',
      'Clínica Dental',
    ])
      expect(isPhoneText(q), q).toBe(false);
  });
});

describe.each(dialects())('staff search of a number nobody has, on %s', (dialect) => {
  let staff: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    staff = await makeStaff();
    const db = getDb();
    const account = (number: string, name: string, phone: string | null = null) =>
      db.customerAccount.create({ data: { number, name, country: 'ES', phone } });
    // What the words left beside a number found before: "cuenta", "ext" (extensions as SIP
    // usernames, as PBXs name them), "tel", and "acc" in every account number.
    const cuentas = await account('ACC-1001', 'Cuentas Claras, S.L.', '+34912345678');
    for (const username of ['ext-100', 'ext-101'])
      await db.sipCredential.create({ data: { accountId: cuentas.id, username, label: username } });
    await account('ACC-1002', 'Hotel Telmo');
    await account('ACC-2001', 'Extremadura Telecom');
    // Names with a number in them.
    await account('ACC-3001', 'Talleres 2000, S.L.');
    await account('ACC-3002', 'Talleres López');
    await account('ACC-3003', 'Accent 2000, S.L.');
    await account('ACC-3004', 'Distribuidora 5 de Mayo, S.A. de C.V.');
    await account('ACC-3005', 'Dental Sonrisa');
    await account('ACC-3006', '20 de Noviembre, S.A. de C.V.');
  });

  const cases: [string, string, string[]][] = [
    // An account number, as heard and with a word naming it, in English or Spanish.
    ['as heard', 'acc 1001', ['ACC-1001']],
    ['after "cuenta"', 'cuenta 1001', ['ACC-1001']],
    ['after "Cuenta:"', 'Cuenta: 1001', ['ACC-1001']],
    ['after "account"', 'account 1001', ['ACC-1001']],
    ['after "account no."', 'account no. 1001', ['ACC-1001']],
    ['after "acct." in groups', 'acct. 10 01', ['ACC-1001']],
    ['after "account #"', 'account #1001', ['ACC-1001']],
    ['after "nº de cuenta"', 'nº de cuenta 1001', ['ACC-1001']],
    ['after "número de cuenta", written out', 'número de cuenta ACC-1001', ['ACC-1001']],
    // ...that no account has: not every account that holds "acc", nor the "Cuentas" company.
    ['nobody’s, as heard', 'acc 9999', []],
    ['nobody’s, upper case', 'ACC 9999', []],
    ['nobody’s, a letter after it', 'ACC 1001 x', []],
    ['nobody’s, after "cuenta"', 'cuenta 9999', []],
    ['nobody’s, after "account no."', 'account no. 9999', []],
    ['nobody’s, after "nº de cuenta"', 'nº de cuenta 9999', []],
    // A phone number with a word naming it, or an extension with or without its digits.
    ['phone after "tel"', 'tel 912 34 56 78', ['ACC-1001']],
    ['phone as a tel: URI', 'tel:+34912345678', ['ACC-1001']],
    ['phone after "Teléfono:"', 'Teléfono: 912 34 56 78', ['ACC-1001']],
    ['phone after "phone number"', 'phone number +34 912 34 56 78', ['ACC-1001']],
    ['phone, "ext." without digits', '912 34 56 78 ext.', ['ACC-1001']],
    ['phone, "extension" without digits', '912 34 56 78 extension', ['ACC-1001']],
    ['phone, "extension 21"', '912 34 56 78 extension 21', ['ACC-1001']],
    ['phone, "ext: 21"', '912 34 56 78 ext: 21', ['ACC-1001']],
    // ...that no account has: not the accounts holding "ext" or "tel".
    ['nobody’s phone, "ext 21"', '913 00 00 00 ext 21', []],
    ['nobody’s phone, "ext." without digits', '913 00 00 00 ext.', []],
    ['nobody’s phone, "ext" without digits', '913000000 ext', []],
    ['nobody’s phone, "extension"', '913 00 00 00 extension', []],
    ['nobody’s phone, "extension 21"', '913 00 00 00 extension 21', []],
    ['nobody’s phone, after "tel"', 'tel 913 00 00 00', []],
    ['nobody’s phone, after "tel", one group', 'tel 913000000', []],
    ['nobody’s phone, after "teléfono"', 'teléfono 913000000', []],
    ['an extension alone', 'ext 21', []],
    // A name with a number: the number is looked for with the other words, never left out.
    ['a company with a number, without its punctuation', 'talleres 2000 sl', ['ACC-3001']],
    ['a company whose name starts with "Acc", with a number', 'accent 2000 sl', ['ACC-3003']],
    ['a company without its number', 'talleres sl', ['ACC-3001', 'ACC-3002']],
    // A short number beside two words or more: the words name it (review, session 39: "5 de Mayo",
    // "20 de Noviembre" are common names in Mexico); beside one word, it is no name.
    [
      'a company with a short number, without its punctuation',
      'distribuidora 5 de mayo sa de cv',
      ['ACC-3004'],
    ],
    ['a company with a short number, one word long', '20 de noviembre sa de cv', ['ACC-3006']],
    ['one word and a short number', 'dental 24', []],
  ];
  it.each(cases)('%s: %s', async (_, q, expected) => {
    // Narrow (the indexes) and broad (accounts walked in number order): the same answer.
    for (const opts of [{}, { sparseCap: 0 }])
      expect({ q, opts, found: await numbersFound(staff, q, opts) }).toEqual({ q, opts, found: expected });
  });

  it('says that no account matches, with nothing on a next page', async () => {
    for (const q of ['acc 9999', '913 00 00 00 ext 21', 'cuenta 9999', 'tel 913000000'])
      expect(await searchAccounts(staff, q), q).toEqual({ hits: [], next: null, tooShort: false });
  });
});
