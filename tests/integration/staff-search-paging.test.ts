import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit } from '@/lib/audit/log';
import type { CurrentUser } from '@/lib/auth/session';
import { listQueue, QUEUE_PAGE } from '@/lib/requests/queue';
import { getDb } from '@/lib/server/db';
import { listAudit } from '@/lib/staff/audit-query';
import { encodeCursor, readCursor, timeIdKey } from '@/lib/staff/cursor';
import { searchAccounts, searchCursor } from '@/lib/staff/search';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeStaff, makeRequest } from '@/tests/helpers/factory';

// Issue 14, goal 2: search through the FTS5 / pg_trgm indexes of migration 0009_search, and keyset
// paging of the queue, the search results and the audit log.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

const agent = () => makeStaff();

/**
 * Every page of a search, following `next`; the callback runs between pages. `sparseCap: 0` takes
 * the broad path (walk accounts in number order) that a query matching thousands of accounts takes.
 */
async function allSearchPages(
  user: CurrentUser,
  q: string,
  between: () => Promise<void> = async () => {},
  opts: { sparseCap?: number; walkMax?: number } = {},
) {
  const seen: string[] = [];
  let after: { number: string } | null = null;
  for (let i = 0; i < 100; i++) {
    const page = await searchAccounts(user, q, after, opts);
    seen.push(...page.hits.map((h) => h.number));
    if (!page.next) return seen;
    const read = readCursor(searchCursor, page.next);
    if (!read.key) throw new Error('the search returned a cursor it cannot read');
    after = read.key;
    await between();
  }
  throw new Error('search paging did not end');
}

// Account numbers unique within the run (the factory's random numbers can collide over hundreds).
let seq = 0;
const run = Date.now().toString().slice(-5);
async function bareAccount(name = 'Queue Co') {
  return getDb().customerAccount.create({
    data: { number: `ACC-7${run}${String(seq++).padStart(4, '0')}`, name },
  });
}

async function pendingRequest(createdAt: Date, submittedById: string) {
  const account = await bareAccount();
  const block = await makeBlock(account.id, { placedAt: createdAt });
  return makeRequest(block, submittedById, { whatHappened: 'typo typo typo', createdAt });
}

describe.each(dialects())('staff search and keyset paging on %s', (dialect) => {
  let staff: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    staff = await agent();
  });

  it('finds a member by an address with a Unicode domain as the page shows it, and shows it so', async () => {
    // Before: the address is stored with its domain in ASCII (lib/auth/email-address.ts), the results
    // showed that "xn--" form, and the address as the customer spells it found nothing.
    const tag = crypto.randomBytes(4).toString('hex');
    const { account } = await makeAccount({ members: [`ana.${tag}@xn--clnica-peasco-xib1e.es`] });
    for (const typed of [
      `ana.${tag}@clínica-peñasco.es`,
      `ANA.${tag}@Clínica-Peñasco.ES`,
      `ana.${tag}@xn--clnica-peasco-xib1e.es`,
      `${tag}@clínica-peñasco.es`,
    ]) {
      const { hits } = await searchAccounts(staff, typed);
      expect({ typed, hits: hits.map((h) => [h.number, h.members.map((m) => m.email)]) }).toEqual({
        typed,
        hits: [[account.number, [`ana.${tag}@clínica-peñasco.es`]]],
      });
    }
    // A company name with accents is still read as text, not as a domain.
    await getDb().customerAccount.update({ where: { id: account.id }, data: { name: `Peñasco ${tag}` } });
    expect((await searchAccounts(staff, `peñasco ${tag}`)).hits.map((h) => h.number)).toEqual([
      account.number,
    ]);
  });

  it('finds a SIP username said aloud, with spaces for its separators, after the words as typed', async () => {
    // Before: an agent who typed "front desk <tag>" as the customer said it found nothing.
    const tag = crypto.randomBytes(4).toString('hex');
    const { account } = await makeAccount({
      credentials: [`front-desk-${tag}`, `lobby.phone.${tag}`, `back_office_${tag}`],
    });
    for (const said of [
      `front desk ${tag}`,
      `FRONT   DESK ${tag}`,
      `desk ${tag}`,
      `lobby phone ${tag}`,
      `back office ${tag}`,
    ])
      for (const opts of [{}, { sparseCap: 0 }])
        expect(
          (await searchAccounts(staff, said, null, opts)).hits.map((h) => h.number),
          said,
        ).toEqual([account.number]);
    // Words found as typed (a company name) are what the search shows; a username reading of them is
    // not looked for.
    const { account: company } = await makeAccount();
    await getDb().customerAccount.update({ where: { id: company.id }, data: { name: `Harbor ${tag}` } });
    const { account: trunk } = await makeAccount({ credentials: [`harbor-${tag}`] });
    expect((await searchAccounts(staff, `harbor ${tag}`)).hits.map((h) => h.number)).toEqual([
      company.number,
    ]);
    expect((await searchAccounts(staff, `harbor-${tag}`)).hits.map((h) => h.number)).toEqual([trunk.number]);
  });

  it('says a query is too short rather than that nothing matches it', async () => {
    for (const q of ['a', ' a ', '\u0000a', 'ñ', '']) {
      expect(await searchAccounts(staff, q), JSON.stringify(q)).toEqual({
        hits: [],
        next: null,
        tooShort: true,
      });
    }
    expect((await searchAccounts(staff, 'zq')).tooShort).toBe(false);
  });

  it('finds accounts by prefix, middle of a word, any case, member email and SIP username', async () => {
    const tag = crypto.randomBytes(4).toString('hex');
    const { account } = await makeAccount({
      members: [`Reception.${tag}@Smiles.example`],
      credentials: [`frontdesk-${tag}`],
    });
    await getDb().customerAccount.update({
      where: { id: account.id },
      data: { name: `Orthodontics ${tag} Partners` },
    });
    const digits = account.number.slice(4);
    const cases: [string, string][] = [
      ['account number, whole', account.number],
      ['account number, middle', digits.slice(1, 5)],
      ['account number, lower case', account.number.toLowerCase()],
      ['company, prefix', `Orthodontics ${tag}`],
      ['company, middle of a word', `hodont`],
      ['company, upper case', `${tag} PARTNERS`.toUpperCase()],
      ['member email, whole and other case', `reception.${tag}@smiles.example`],
      ['member email, middle', `${tag}@smi`],
      ['SIP username, middle', `desk-${tag}`],
      ['SIP username, upper case', `FRONTDESK-${tag}`.toUpperCase()],
      // Two characters have no trigram: answered by a scan, still case-insensitive.
      ['two characters', digits.slice(-2)],
      ['two characters, other case', `${tag.slice(0, 2).toUpperCase()}`],
    ];
    for (const [what, q] of cases) {
      const numbers = await allSearchPages(staff, q);
      expect(numbers, `${what}: ${q}`).toContain(account.number);
      // The broad path (accounts walked in number order, each tested) finds exactly the same.
      expect(await allSearchPages(staff, q, undefined, { sparseCap: 0 }), `${what}, broad: ${q}`).toEqual(
        numbers,
      );
    }
    expect((await searchAccounts(staff, `zz${tag}zz`, null, { sparseCap: 0 })).hits).toEqual([]);
    expect((await searchAccounts(staff, `${tag}%ners`, null, { sparseCap: 0 })).hits).toEqual([]);
    expect((await searchAccounts(staff, `zz${tag}zz`)).hits).toEqual([]);
    // Wildcards typed by the agent are literal, not LIKE patterns.
    expect((await searchAccounts(staff, `${tag}%ners`)).hits).toEqual([]);
    expect((await searchAccounts(staff, `Ortho_ontics ${tag}`)).hits).toEqual([]);
    // Their full-width forms too (PostgreSQL's unaccent folds ％ ＿ ＼ to % _ \: escaped after the fold).
    for (const q of [`${tag}％ners`, `Ortho＿ontics ${tag}`, `${tag}＼％ners`, '％％', '＿＿＿'])
      for (const opts of [{}, { sparseCap: 0 }])
        expect((await searchAccounts(staff, q, null, opts)).hits, `${q} ${JSON.stringify(opts)}`).toEqual([]);
    // A control character typed or pasted into the box (NUL: PostgreSQL refuses it in text) is a
    // space, not a 500; a cursor that holds one is a damaged link.
    const spaced = await searchAccounts(staff, `\u0000${tag}\u0000`);
    expect(spaced.hits).toEqual((await searchAccounts(staff, tag)).hits);
    expect(readCursor(searchCursor, encodeCursor(['ACC-\u00001']))).toEqual({ ok: false, key: null });
    expect(readCursor(searchCursor, encodeCursor(['ACC-1']))).toEqual({ ok: true, key: { number: 'ACC-1' } });
  });

  it('ignores accents in company names: "penalara" and "Peñalara" both find "Clínica Dental Peñalara"', async () => {
    const { account } = await makeAccount();
    await getDb().customerAccount.update({
      where: { id: account.id },
      data: { name: 'Clínica Dental Peñalara' },
    });
    for (const q of ['penalara', 'Peñalara', 'PEÑALARA', 'clinica dental', 'Clínica']) {
      expect(await allSearchPages(staff, q), q).toContain(account.number);
      expect(await allSearchPages(staff, q, undefined, { sparseCap: 0 }), `${q}, broad`).toContain(
        account.number,
      );
    }
  });

  it('finds every account of a member by their name as a caller says it, and shows the name', async () => {
    // Customers in Spain and Latin America give two surnames, often with accents; agents type them
    // without, in any case and order. Before migration 0019 no member's name was searched at all.
    const db = getDb();
    const person = async (name: string, email: string, accounts: number) => {
      const made = [];
      for (let i = 0; i < accounts; i++) made.push((await makeAccount({ members: [] })).account);
      const user = await db.user.create({ data: { email, name, role: 'customer' } });
      for (const a of made) await db.membership.create({ data: { userId: user.id, accountId: a.id } });
      return made.map((a) => a.number);
    };
    const maria = await person('María José Fernández López', 'mjfl@clinica-sur.example', 2);
    // A namesake: another person, another account, the same name.
    const namesake = await person('María José Fernández López', 'mariajose@ferreteria.example', 1);
    const joseLuis = await person('José Luis Fernández Ortega', 'jl.ortega@talleres.example', 1);
    const both = [...maria, ...namesake].sort();
    const cases: [string, string[]][] = [
      ['María José Fernández López', both],
      ['maria jose fernandez lopez', both],
      ['MARIA FERNANDEZ', both],
      ['Fernández López', both],
      ['lopez fernandez', both],
      ['López Fernández, María José', both],
      ['fernandez', [...both, ...joseLuis].sort()],
      ['nández', [...both, ...joseLuis].sort()],
      ['jose luis ortega', joseLuis],
      ['Fernández Gutiérrez', []],
      ['Gutiérrez', []],
    ];
    for (const [q, expected] of cases) {
      expect(await allSearchPages(staff, q), q).toEqual(expected);
      expect(await allSearchPages(staff, q, undefined, { sparseCap: 0 }), `${q}, broad`).toEqual(expected);
    }
    // The hit shows the name beside the address, so the agent sees why the account is listed.
    const { hits } = await searchAccounts(staff, 'maria fernandez');
    const shown = (n: string) => hits.find((h) => h.number === n)?.members;
    for (const n of maria)
      expect(shown(n)).toEqual([
        { email: 'mjfl@clinica-sur.example', name: 'María José Fernández López', disabled: false },
      ]);
    expect(shown(namesake[0]!)).toEqual([
      { email: 'mariajose@ferreteria.example', name: 'María José Fernández López', disabled: false },
    ]);

    // A name shared by more accounts than a page holds: every one, once, in number order, on both paths.
    const many = (await person('Lucía Núñez Peña', 'lucia@varias.example', 30)).sort();
    for (const opts of [{}, { sparseCap: 0 }, { sparseCap: 0, walkMax: 20 }]) {
      const first = await searchAccounts(staff, 'lucia pena nunez', null, opts);
      expect(first.next, JSON.stringify(opts)).not.toBeNull();
      expect(await allSearchPages(staff, 'lucia pena nunez', undefined, opts), JSON.stringify(opts)).toEqual(
        many,
      );
    }
  });

  it('a broad search finds the same accounts whichever tables are over the cap', async () => {
    // Matches in one company name, in two members (an address, a name) and in three usernames, so
    // each cap makes a different mix of tables over it: a narrow search, a broad walk, or both.
    const tag = crypto.randomBytes(4).toString('hex');
    const byName = await bareAccount(`Mezcla${tag} Dental`);
    const { account: byEmail } = await makeAccount({ members: [`mezcla${tag}@a.example`], credentials: [] });
    const { account: byPerson, users } = await makeAccount({ credentials: [] });
    await getDb().user.update({ where: { id: users[0]!.id }, data: { name: `Inés Mézcla${tag} Ruiz` } });
    const byUsername = [];
    for (let i = 0; i < 3; i++)
      byUsername.push((await makeAccount({ credentials: [`mezcla${tag}-${i}`] })).account);
    const expected = [byName, byEmail, byPerson, ...byUsername].map((a) => a.number).sort();
    for (const opts of [
      {},
      { sparseCap: 0 },
      { sparseCap: 1 },
      { sparseCap: 2 },
      { sparseCap: 1, walkMax: 2 },
    ])
      expect(await allSearchPages(staff, `mezcla${tag}`, undefined, opts), JSON.stringify(opts)).toEqual(
        expected,
      );
  });

  it('a search follows every write to what it searches, narrow or broad (the search documents on PostgreSQL)', async () => {
    // PostgreSQL's broad walk reads one search document per account, written by triggers (migration
    // 0022): each write below must reach it, so the new text is found and the old is not. A decoy
    // company name holds every word, so that each search is broad with sparseCap 0 (some table
    // has a match) and the walk reads the documents whether the account still holds the word or not.
    const db = getDb();
    const tag = crypto.randomBytes(4).toString('hex');
    const { account, users, creds } = await makeAccount({
      members: [`old${tag}@a.example`],
      credentials: [`oldsip${tag}`],
    });
    const other = await bareAccount(`Other ${tag}`);
    const words = ['old', 'new', 'oldname', 'newname', 'oldsip', 'newsip', 'addsip', 'oldco', 'renamed'];
    const decoy = await bareAccount(`${words.map((w) => `${w}${tag}@`).join(' ')} ${account.number}`);
    const finds = async (q: string) => {
      const found = [];
      for (const opts of [{}, { sparseCap: 0 }]) found.push(await allSearchPages(staff, q, undefined, opts));
      return found;
    };
    const step = async (write: string, found: Record<string, string[]>) => {
      for (const [q, numbers] of Object.entries(found))
        expect({ write, q, found: await finds(q) }).toEqual({
          write,
          q,
          found: [0, 1].map(() => [...numbers, decoy.number].sort()),
        });
    };
    const [user] = users as [(typeof users)[0]];
    await db.user.update({ where: { id: user.id }, data: { name: `Inés Oldname${tag}` } });
    await step('a member named', { [`oldname${tag}`]: [account.number] });
    await db.user.update({ where: { id: user.id }, data: { name: `Inés Newname${tag}` } });
    await step('a member renamed', { [`oldname${tag}`]: [], [`newname${tag}`]: [account.number] });
    await db.user.update({ where: { id: user.id }, data: { email: `new${tag}@a.example` } });
    await step('an email changed', { [`old${tag}@`]: [], [`new${tag}@`]: [account.number] });
    await db.membership.create({ data: { userId: user.id, accountId: other.id } });
    await step('a membership added', { [`new${tag}@`]: [account.number, other.number].sort() });
    await db.membership.deleteMany({ where: { userId: user.id, accountId: account.id } });
    await step('a membership removed', { [`new${tag}@`]: [other.number], [`newname${tag}`]: [other.number] });
    await db.sipCredential.create({ data: { accountId: account.id, username: `addsip${tag}`, label: 'x' } });
    await step('a SIP credential added', { [`addsip${tag}`]: [account.number] });
    await db.sipCredential.update({ where: { id: creds[0]!.id }, data: { username: `newsip${tag}` } });
    await step('a SIP username renamed', { [`oldsip${tag}`]: [], [`newsip${tag}`]: [account.number] });
    await db.sipCredential.delete({ where: { id: creds[0]!.id } });
    await step('a SIP credential deleted', { [`newsip${tag}`]: [], [`addsip${tag}`]: [account.number] });
    await db.customerAccount.update({ where: { id: account.id }, data: { name: `Oldco${tag} Dental` } });
    await step('a company named', { [`oldco${tag}`]: [account.number] });
    await db.customerAccount.update({ where: { id: account.id }, data: { name: `Renamed${tag} Dental` } });
    await step('a company renamed', { [`oldco${tag}`]: [], [`renamed${tag}`]: [account.number] });
    const number = `ACC-8${run}${String(seq++).padStart(4, '0')}`;
    await db.customerAccount.update({ where: { id: account.id }, data: { number } });
    await step('an account number changed', { [account.number]: [], [`renamed${tag}`]: [number] });
    await db.user.delete({ where: { id: user.id } });
    await step('a member deleted', { [`new${tag}@`]: [], [`newname${tag}`]: [] });
    await db.customerAccount.delete({ where: { id: account.id } });
    await step('an account deleted', { [`renamed${tag}`]: [], [`addsip${tag}`]: [] });
  });

  it('a word spanning two fields of an account is not a match, as one phrase or as words', async () => {
    // The company name ends with what the member's address begins with, and the member's name with
    // what the SIP username begins with: fields side by side in PostgreSQL's search document. A decoy
    // holds each query in its name (its words in the other order), so that the search is broad with
    // sparseCap 0: as one phrase, and as words (the last reading, when the phrase is nowhere).
    const tag = crypto.randomBytes(3).toString('hex');
    const spanning = [
      `alfa${tag}beta${tag}`,
      `alfa${tag} beta${tag}`,
      `gamma${tag}delta${tag}`,
      `gamma${tag} delta${tag}`,
    ];
    const decoy = await bareAccount(
      [
        `alfa${tag}beta${tag}`,
        `beta${tag} alfa${tag}`,
        `gamma${tag}delta${tag}`,
        `delta${tag} gamma${tag}`,
      ].join(' / '),
    );
    const { account, users } = await makeAccount({
      members: [`beta${tag}@a.example`],
      credentials: [`delta${tag}`],
    });
    await getDb().customerAccount.update({ where: { id: account.id }, data: { name: `Co Alfa${tag}` } });
    await getDb().user.update({ where: { id: users[0]!.id }, data: { name: `Ana Gamma${tag}` } });
    const found = async (q: string, opts: { sparseCap?: number }) => ({
      q,
      opts,
      found: await allSearchPages(staff, q, undefined, opts),
    });
    for (const opts of [{}, { sparseCap: 0 }]) {
      for (const q of spanning) expect(await found(q, opts)).toEqual({ q, opts, found: [decoy.number] });
      // Each word alone is a match, and so are two words in one field.
      for (const q of [`alfa${tag}`, `beta${tag}`, `delta${tag}`])
        expect(await found(q, opts)).toEqual({ q, opts, found: [account.number, decoy.number].sort() });
      for (const q of [`co alfa${tag}`, `ana gamma${tag}`])
        expect(await found(q, opts)).toEqual({ q, opts, found: [account.number] });
    }
  });

  it.each([
    ['narrow', {}],
    ['broad', { sparseCap: 0 }],
    // A walk stopped after 20 accounts: short pages, each with a cursor after the last one tested.
    ['broad, short walks', { sparseCap: 0, walkMax: 20 }],
  ])(
    '%s search results page by account number: no account repeated or skipped while accounts are added',
    async (_path, opts) => {
      const tag = crypto.randomBytes(4).toString('hex');
      const made: string[] = [];
      const add = async (i: number) => made.push((await bareAccount(`Paging ${tag} ${i}`)).number);
      for (let i = 0; i < 60; i++) await add(i);
      const before = [...made].sort();
      let extra = 60;
      const seen = await allSearchPages(
        staff,
        `Paging ${tag}`,
        async () => {
          await add(extra++);
          await add(extra++);
        },
        opts,
      );
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...seen].sort());
      // Every account that existed when paging began is seen exactly once; new ones at most once.
      for (const n of before) expect(seen.filter((x) => x === n)).toHaveLength(1);
      expect(seen.every((n) => made.includes(n))).toBe(true);
    },
  );

  it('the queue pages oldest first by (createdAt, id): no request repeated or skipped while requests arrive', async () => {
    const t0 = new Date('2001-01-01T00:00:00Z').getTime();
    const submitter = (await makeAccount()).users[0].id;
    // 230 requests, three at a time sharing a createdAt, so the id tiebreaker decides.
    const mine: { id: string; at: number }[] = [];
    for (let i = 0; i < 230; i++) {
      const at = t0 + Math.floor(i / 3) * 1000;
      mine.push({ id: (await pendingRequest(new Date(at), submitter)).id, at });
    }
    const order = (a: { id: string; at: number }, b: { id: string; at: number }) =>
      a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const seen: { id: string; at: number }[] = [];
    let after: { at: Date; id: string } | null = null;
    let arriving = 0;
    for (let guard = 0; guard < 50; guard++) {
      const page = await listQueue(staff, after);
      const rows = page.items.map((i) => ({ id: i.id, at: i.createdAt.getTime() }));
      expect(rows).toEqual([...rows].sort(order));
      seen.push(...rows);
      if (!page.next) break;
      const read = readCursor(timeIdKey, page.next);
      if (!read.key) throw new Error('the queue returned a cursor it cannot read');
      after = read.key;
      // Requests arrive between pages: one newer than everything, one exactly as old as the cursor.
      await pendingRequest(new Date(t0 + 10_000_000 + arriving++ * 1000), submitter);
      await pendingRequest(after.at, submitter);
    }
    expect(seen.length).toBeGreaterThan(230);
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
    const ids = new Set(mine.map((r) => r.id));
    expect(seen.filter((r) => ids.has(r.id))).toEqual([...mine].sort(order));
  });

  it('the queue shows QUEUE_PAGE (25) at a time, counts up to its cap, and filters by account number', async () => {
    const submitter = (await makeAccount()).users[0].id;
    for (let i = 0; i < QUEUE_PAGE + 2; i++)
      await pendingRequest(new Date(Date.UTC(2002, 0, 1, 0, i)), submitter);
    const page = await listQueue(staff);
    expect(QUEUE_PAGE).toBe(25);
    expect(page.items).toHaveLength(QUEUE_PAGE);
    expect(page.next).not.toBeNull();
    expect(page.capped).toBe(false);
    const all = await getDb().unblockRequest.count({ where: { status: 'pending' } });
    expect(page.total).toBe(all);
    // Past the cap the total stops at the cap and says so.
    expect(await listQueue(staff, null, 'en', { countCap: 10 })).toMatchObject({ total: 10, capped: true });
    expect(await listQueue(staff, null, 'en', { countCap: all })).toMatchObject({
      total: all,
      capped: false,
    });

    // One account's requests: two pending (one per block), one decided, none of another account's.
    const db = getDb();
    const account = await bareAccount('Filter Co');
    const mineIds: string[] = [];
    for (const [i, status] of (['pending', 'pending', 'denied'] as const).entries()) {
      const block = await makeBlock(account.id, { placedAt: new Date(Date.UTC(2003, 0, 1, i)) });
      const r = await db.unblockRequest.create({
        data: {
          blockId: block.id,
          accountId: account.id,
          kind: 'misdial',
          status,
          openKey: status === 'pending' ? block.id : null,
          submittedById: submitter,
          whatHappened: 'typo typo typo',
          callbackPhone: '+12025550143',
          createdAt: new Date(Date.UTC(2003, 0, 1, i)),
        },
      });
      if (status === 'pending') mineIds.push(r.id);
    }
    const only = await listQueue(staff, null, 'en', { account: account.number });
    expect(only.items.map((i) => i.id)).toEqual(mineIds);
    expect(only.items.every((i) => i.account.number === account.number)).toBe(true);
    expect(only).toMatchObject({ total: 2, capped: false, next: null });
    // Paged one at a time, the filter holds on every page.
    const first = await listQueue(staff, null, 'en', { account: account.number, pageSize: 1 });
    expect(first.items.map((i) => i.id)).toEqual([mineIds[0]]);
    const read = readCursor(timeIdKey, first.next);
    const second = await listQueue(staff, read.key, 'en', { account: account.number, pageSize: 1 });
    expect(second.items.map((i) => i.id)).toEqual([mineIds[1]]);
    expect(second.next).toBeNull();
    // An account with nothing pending, or no such account: an empty queue, not an error.
    expect(await listQueue(staff, null, 'en', { account: 'ACC-0' })).toMatchObject({ items: [], total: 0 });
  });

  it("a search hit counts the account's pending requests (the link to its queue)", async () => {
    const submitter = (await makeAccount()).users[0].id;
    const r = await pendingRequest(new Date(Date.UTC(2004, 0, 1)), submitter);
    const account = await getDb().customerAccount.findUniqueOrThrow({ where: { id: r.accountId } });
    const { hits } = await searchAccounts(staff, account.number);
    expect(hits.find((h) => h.number === account.number)?.pendingRequests).toBe(1);
  });

  it('a search hit counts the allowance requests waiting too, apart, and only those waiting', async () => {
    // "Lakeside Dental": an allowance request waits and no unblock request; its hit said nothing.
    const tag = crypto.randomBytes(4).toString('hex');
    const { account, users } = await makeAccount({ credentials: [`lake-${tag}`] });
    await getDb().destinationAllowance.createMany({
      data: [
        { accountId: account.id, country: 'SO', hours: 4, reason: 'a supplier', status: 'requested' },
        { accountId: account.id, country: 'KE', hours: 4, reason: 'a supplier', status: 'requested' },
        { accountId: account.id, country: 'NG', hours: 4, reason: 'old', status: 'denied' },
        { accountId: account.id, country: 'GH', hours: 4, reason: 'old', status: 'active' },
      ],
    });
    const hit = async (opts: { sparseCap?: number } = {}) =>
      (await searchAccounts(staff, `lake-${tag}`, null, opts)).hits.find((h) => h.number === account.number);
    // Narrow (every match known), then broad (accounts walked in number order): the same counts.
    for (const opts of [{}, { sparseCap: 0 }])
      expect(await hit(opts), JSON.stringify(opts)).toMatchObject({
        pendingRequests: 0,
        pendingAllowances: 2,
      });
    await makeRequest(await makeBlock(account.id), users[0].id);
    expect(await hit()).toMatchObject({ pendingRequests: 1, pendingAllowances: 2 });
  });

  it('a hit shows its newest open block, first 5 members and 10 usernames, and pending count on either path', async () => {
    const tag = crypto.randomBytes(4).toString('hex');
    const { account, users, creds } = await makeAccount({
      members: Array.from({ length: 7 }, (_, i) => `m${i}.${tag}@hits.example`),
      credentials: Array.from({ length: 12 }, (_, i) => `hit-${tag}-${i}`),
    });
    const older = await makeBlock(account.id, { placedAt: new Date(Date.UTC(2026, 0, 1)) });
    const newer = await makeBlock(account.id, { placedAt: new Date(Date.UTC(2026, 0, 2)) });
    const lifted = await makeBlock(account.id, { placedAt: new Date(Date.UTC(2026, 0, 3)) });
    await getDb().block.update({ where: { id: newer.id }, data: { status: 'lift_pending' } });
    await getDb().block.update({ where: { id: lifted.id }, data: { status: 'lifted' } });
    await makeRequest(older, users[0].id, { whatHappened: 'typo typo typo' });
    const memberIds = await getDb().membership.findMany({
      where: { accountId: account.id },
      orderBy: { id: 'asc' },
      select: { user: { select: { email: true, name: true, disabled: true } } },
    });
    const expected = {
      number: account.number,
      name: account.name,
      openBlock: { id: newer.id, status: 'lift_pending', reason: 'high_risk_destination' },
      members: memberIds
        .slice(0, 5)
        .map((m) => ({ email: m.user.email, name: m.user.name, disabled: m.user.disabled })),
      usernames: [...creds]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .slice(0, 10)
        .map((c) => c.username),
      pendingRequests: 1,
      pendingAllowances: 0,
    };
    // Narrow (every match known), then broad (accounts walked in number order).
    expect((await searchAccounts(staff, `hit-${tag}`)).hits).toEqual([expected]);
    expect((await searchAccounts(staff, `hit-${tag}`, null, { sparseCap: 0 })).hits).toEqual([expected]);
  });

  it('a hit shows what Prisma’s includes showed before the one-statement showHits (review 13)', async () => {
    // The SQLite hits of a two-character or broad search were read with findMany and these includes
    // until 5967185; every path must still show exactly that, in the same order.
    const before = async (numbers: string[]) =>
      (
        await getDb().customerAccount.findMany({
          where: { number: { in: numbers } },
          orderBy: { number: 'asc' },
          include: {
            blocks: {
              where: { status: { in: ['active', 'lift_pending'] } },
              select: { id: true, status: true, reason: true },
              take: 1,
              orderBy: { placedAt: 'desc' },
            },
            memberships: {
              select: { user: { select: { email: true, name: true, disabled: true } } },
              take: 5,
              orderBy: { id: 'asc' },
            },
            sipCredentials: { select: { username: true }, take: 10, orderBy: { id: 'asc' } },
            _count: {
              select: {
                requests: { where: { status: 'pending' } },
                allowances: { where: { status: 'requested' } },
              },
            },
          },
        })
      ).map((a) => ({
        number: a.number,
        name: a.name,
        openBlock: a.blocks[0] ?? null,
        members: a.memberships.map((m) => ({
          email: m.user.email,
          name: m.user.name,
          disabled: m.user.disabled,
        })),
        usernames: a.sipCredentials.map((c) => c.username),
        pendingRequests: a._count.requests,
        pendingAllowances: a._count.allowances,
      }));
    const tag = crypto.randomBytes(4).toString('hex');
    const full = await makeAccount({
      members: Array.from({ length: 7 }, (_, i) => `d${i}.${tag}@diff.example`),
      credentials: Array.from({ length: 12 }, (_, i) => `diff-${tag}-${i}`),
    });
    const older = await makeBlock(full.account.id, { placedAt: new Date(Date.UTC(2026, 0, 1)) });
    const newer = await makeBlock(full.account.id, {
      placedAt: new Date(Date.UTC(2026, 0, 2)),
      reason: 'manual',
    });
    await makeRequest(older, full.users[0].id, { whatHappened: 'typo typo typo' });
    await makeRequest(newer, full.users[1].id, { whatHappened: 'typo typo typo' });
    const bare = await bareAccount(`Diff ${tag} bare`);
    const lifted = await bareAccount(`Diff ${tag} lifted`);
    const gone = await makeBlock(lifted.id);
    await getDb().block.update({ where: { id: gone.id }, data: { status: 'lifted' } });
    await getDb().customerAccount.update({
      where: { id: full.account.id },
      data: { name: `Diff ${tag} full` },
    });

    const page = async (q: string, opts: { sparseCap?: number; walkMax?: number } = {}) => {
      const r = await searchAccounts(staff, q, null, opts);
      expect(r.hits, `${q} ${JSON.stringify(opts)}`).toEqual(await before(r.hits.map((h) => h.number)));
      return r;
    };
    const ours = [full.account.number, bare.number, lifted.number].sort();
    expect((await page(`Diff ${tag}`, { sparseCap: 0 })).hits.map((h) => h.number)).toEqual(ours);
    expect((await page(`Diff ${tag}`)).hits.map((h) => h.number)).toEqual(ours);
    // Two characters: a scan on SQLite, whose page's hits showHits reads (the whole database's first page).
    expect((await page('Di')).hits.length).toBeGreaterThan(0);
    expect((await page('iF', { sparseCap: 0 })).hits.length).toBeGreaterThan(0);
    // A walk stopped before any hit: an empty page that still has a cursor; one that ends: no cursor.
    expect(await page(`Diff ${tag}`, { sparseCap: 0, walkMax: 1 })).toMatchObject({
      next: expect.any(String),
    });
    expect(await page(`zz${tag}zz`, { sparseCap: 0 })).toEqual({ hits: [], next: null, tooShort: false });
  });

  it('the audit log pages newest first: no entry repeated or skipped while entries are written', async () => {
    const { account } = await makeAccount();
    const actor = await agent();
    const write = () => audit({ action: 'request.approved', actor, accountId: account.id, meta });
    for (let i = 0; i < 130; i++) await write();
    const existing = (
      await getDb().auditLog.findMany({ where: { accountId: account.id }, select: { id: true } })
    ).map((r) => r.id);
    const seen: string[] = [];
    let before: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = await listAudit(staff, { account: account.number, before });
      expect(page.badCursor).toBe(false);
      seen.push(...page.entries.map((e) => e.id));
      if (!page.next) break;
      before = page.next;
      await write(); // newer than every page: must not appear on the older pages
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...existing].sort());
  });

  it('a damaged or forged cursor is refused with a flag, never an error, and gives the first page', async () => {
    const { account } = await makeAccount();
    await audit({ action: 'request.approved', actor: staff, accountId: account.id, meta });
    for (const bad of [
      'not a cursor!',
      'x'.repeat(500),
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('["yesterday","id"]').toString('base64url'),
      encodeCursor(['2026-01-01T00:00:00.000Z']),
    ]) {
      expect(readCursor(timeIdKey, bad), bad).toEqual({ ok: false, key: null });
      const page = await listAudit(staff, { account: account.number, before: bad });
      expect(page).toMatchObject({ badCursor: true, unknown: null });
      expect(page.entries).toHaveLength(1);
    }
    expect(readCursor(searchCursor, encodeCursor([new Date(0), 'x']))).toEqual({ ok: false, key: null });
    expect(readCursor(timeIdKey, undefined)).toEqual({ ok: true, key: null });
  });
});
