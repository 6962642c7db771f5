import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import { readCursor } from '@/lib/staff/cursor';
import { accountCountries, phoneReadings } from '@/lib/staff/phone-search';
import { searchAccounts, searchCursor } from '@/lib/staff/search';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';

// Issue 14: a customer on the phone gives their number as they dial it, and the agent types it as
// heard. Before, the search read only account numbers, company names, member emails and SIP
// usernames: no form of the number on file or of a callback number found the account.

async function account(number: string, country: string, phone: string | null, name = `Phone Co ${number}`) {
  return getDb().customerAccount.create({ data: { number, name, country, phone } });
}

async function numbersFound(staff: CurrentUser, q: string): Promise<string[]> {
  const seen: string[] = [];
  let after: { number: string } | null = null;
  for (let i = 0; i < 20; i++) {
    const page = await searchAccounts(staff, q, after);
    seen.push(...page.hits.map((h) => h.number));
    if (!page.next) return seen;
    after = readCursor(searchCursor, page.next).key;
  }
  throw new Error('search paging did not end');
}

describe('phoneReadings', () => {
  it('is [] for text that is not a phone number', () => {
    for (const q of [
      'Clínica Dental',
      'ACC-1001',
      '12345',
      'acme-reception',
      'dana@acme.example',
      '+1 2',
      'ext 123456',
    ])
      expect(phoneReadings(q, ['US', 'ES']), q).toEqual([]);
  });
  it('reads a national number in each account country, an international one in any', () => {
    expect(phoneReadings('912 34 56 78', ['US', 'ES'])).toEqual(['+34912345678']);
    expect(phoneReadings('0034 912 34 56 78', ['US'])).toEqual(['+34912345678']);
    // Ten digits are also a US number (area code 551, New Jersey): both are searched.
    expect(phoneReadings('55 1234 5678', ['MX', 'US'])).toEqual(['+15512345678', '+525512345678']);
    expect(phoneReadings('55 1234 5678', ['MX'])).toEqual(['+525512345678']);
  });
});

describe.each(dialects())('staff search by phone number on %s', (dialect) => {
  let staff: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    staff = await makeStaff({ locale: 'es' });
    await account('ACC-3401', 'ES', '+34912345678', 'Clínica Dental Peña');
    await account('ACC-5201', 'MX', '+525512345678;ext=21', 'Dental Reforma');
    await account('ACC-1201', 'US', '+12125550100', 'Midtown Dental');
    // The decoys: the Spanish number's neighbour, and a Mexican account with no number on file.
    await account('ACC-3402', 'ES', '+34912345679');
    const noPhone = await account('ACC-5202', 'MX', null, 'Clínica Norte');
    const block = await makeBlock(noPhone.id);
    const user = await getDb().user.create({ data: { email: 'norte@clinica.example', role: 'customer' } });
    await makeRequest(block, user.id, { callbackPhone: '+528112345678' });
    await getDb().destinationAllowance.create({
      data: {
        accountId: noPhone.id,
        blockId: block.id,
        country: 'SO',
        hours: 24,
        reason: 'A call to family',
        callbackPhone: '+523312345678;ext=7',
      },
    });
  });

  it('reads each account country once, in order, by the country index, as DISTINCT does', async () => {
    // useFreshDb may hold accounts of other tests (shared database): compared with the full answer.
    const distinct = (
      await getDb().$queryRaw<{ country: string }[]>`SELECT DISTINCT "country" FROM "CustomerAccount"`
    )
      .map((r) => r.country)
      .sort();
    expect(distinct).toEqual(expect.arrayContaining(['ES', 'MX', 'US']));
    expect(await accountCountries()).toEqual(distinct);
  });

  const cases: [string, string, string[]][] = [
    ['E.164 as read out', '+34 912 34 56 78', ['ACC-3401']],
    ['international prefix 00', '0034 912 34 56 78', ['ACC-3401']],
    ['country code without +', '34 912 34 56 78', ['ACC-3401']],
    ['national digits', '912345678', ['ACC-3401']],
    ['national, grouped', '912 34 56 78', ['ACC-3401']],
    ['dots and dashes', '912-34.56.78', ['ACC-3401']],
    ['brackets', '(+34) 912 345 678', ['ACC-3401']],
    ['full-width digits', '９１２ ３４ ５６ ７８', ['ACC-3401']],
    ['with an extension said after it', '912 34 56 78 ext. 21', ['ACC-3401']],
    ['with an extension, in Spanish', '912 34 56 78 extensión 4', ['ACC-3401']],
    ['Mexican, with the extension on file', '55 1234 5678 x21', ['ACC-5201']],
    ['Mexican national, on file with an extension', '55 1234 5678', ['ACC-5201']],
    ['Mexican E.164', '+52 55 1234 5678', ['ACC-5201']],
    ['Mexican mobile prefix of before 2019', '+52 1 55 1234 5678', ['ACC-5201']],
    ['Mexican 044 of before 2019', '044 55 1234 5678', ['ACC-5201']],
    ['Mexican from Spain', '0052 55 1234 5678', ['ACC-5201']],
    ['US national', '(212) 555-0100', ['ACC-1201']],
    ['US with trunk 1', '1 212 555 0100', ['ACC-1201']],
    ['US from Spain', '00 1 212 555 0100', ['ACC-1201']],
    ['callback number of a request', '81 1234 5678', ['ACC-5202']],
    ['callback number of an allowance request', '+52 33 1234 5678', ['ACC-5202']],
    ['a number nobody has', '+34 913 00 00 00', []],
  ];
  it.each(cases)('%s: %s', async (_, q, expected) => {
    expect(await numbersFound(staff, q)).toEqual(expected);
  });

  it('still finds by name without accents, and by digits of a SIP username beside the phone match', async () => {
    expect(await numbersFound(staff, 'clinica dental pena')).toEqual(['ACC-3401']);
    const other = await account('ACC-9001', 'US', null);
    await getDb().sipCredential.create({
      data: { accountId: other.id, username: 'ext912345678', label: 'x' },
    });
    expect(await numbersFound(staff, '912345678')).toEqual(['ACC-3401', 'ACC-9001']);
  });

  it('pages through many accounts sharing a callback number, each once, in number order', async () => {
    const user = await getDb().user.create({ data: { email: 'wave@shared.example', role: 'customer' } });
    const made: string[] = [];
    for (let i = 0; i < 30; i++) {
      const number = `ACC-77${String(i).padStart(2, '0')}`;
      const a = await account(number, 'ES', null);
      await makeRequest(await makeBlock(a.id), user.id, { callbackPhone: '+34600111222' });
      made.push(number);
    }
    // Text matches interleave with the phone matches: a SIP username with the same digits.
    const text = await account('ACC-7715A', 'US', null);
    await getDb().sipCredential.create({
      data: { accountId: text.id, username: '600111222-trunk', label: 'x' },
    });
    const first = await searchAccounts(staff, '600111222');
    expect(first.hits).toHaveLength(25);
    expect(first.next).not.toBeNull();
    const all = await numbersFound(staff, '600111222');
    expect(all).toEqual([...made, 'ACC-7715A'].sort());
  });
});
