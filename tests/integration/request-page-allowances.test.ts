import Database from 'better-sqlite3';
import { NextIntlClientProvider } from 'next-intl';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WaitingUnblockNote } from '@/components/allowance/staff-allowances';
import { AccountHistory } from '@/components/staff/account-history';
import { DecisionForms, liftLeavesNoBlock, type OpenAllowanceDto } from '@/components/staff/decision-forms';
import { OpenAllowanceEntry } from '@/components/staff/open-allowances';
import { QueueList } from '@/components/staff/queue-list';
import type { CurrentUser } from '@/lib/auth/session';
import { takeAllowance } from '@/lib/allowances/claim';
import { requestAllowance, requestAllowanceSchema } from '@/lib/allowances/request';
import { otherBlocksInForce } from '@/lib/blocks/queries';
import { Prisma } from '@/lib/generated/sqlite/client';
import { CATALOGUES } from '@/lib/i18n/translate';
import { approveRequest, approveSchema } from '@/lib/requests/decide';
import { getRequestForStaff } from '@/lib/requests/detail';
import { listQueue, waitingAllowancesJson } from '@/lib/requests/queue';
import { getDb, isPostgres } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import {
  asCustomer,
  blockedWithRequest,
  makeAccount,
  makeBlock,
  makeRequest,
  makeStaff,
} from '@/tests/helpers/factory';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Found by a tester working the desk in a fraud wave (2026-12-07): ACC-7023 had a waiting misdial
// request and an MX allowance request. The misdial request's page said "Other requests: None.", the
// queue entry said nothing either, and approving the misdial closed the allowance request "without a
// decision" (ACC-7002): the agent on the phone never learnt the customer had also asked for it. Now
// the request page lists the account's open allowances (waiting, on their way, in force) with links
// to their cards, its approval says what becomes of them once the switch confirms a lift that leaves
// no block in force, the queue entry says "Also asks for a destination allowance", and a waiting
// allowance request's card on the account page names the unblock requests waiting too.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const NOTE = 'Called the owner back: they meant 0252, a local number.';

/** `node` rendered for a reader of `locale` (zone UTC), as HTML. */
const html = (node: ReactNode, locale: 'en' | 'es' = 'en') =>
  renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  );
/** The same, as text. */
const text = (node: ReactNode, locale: 'en' | 'es' = 'en') => html(node, locale).replace(/<[^>]+>/g, '');

/** An allowance of `accountId` written as its writers leave it, asked `minutesAgo` minutes ago. */
const allowance = (
  accountId: string,
  country: string,
  status: string,
  minutesAgo: number,
  more: Partial<Prisma.DestinationAllowanceUncheckedCreateInput> = {},
) =>
  getDb().destinationAllowance.create({
    data: {
      accountId,
      country,
      hours: 24,
      reason: 'Our supplier is there.',
      status,
      createdAt: new Date(Date.now() - minutesAgo * 60_000),
      ...more,
    },
  });

/** A blocked account with a waiting misdial request, allowances of every status, and another account's. */
async function acc7023() {
  const { account, users } = await makeAccount();
  const block = await makeBlock(account.id);
  const request = await makeRequest(block, users[0]!.id);
  const mx = await allowance(account.id, 'MX', 'requested', 30, { blockId: block.id });
  const so = await allowance(account.id, 'SO', 'active', 90);
  const de = await allowance(account.id, 'DE', 'sending', 60);
  for (const [country, status] of [
    ['FR', 'ended'],
    ['IT', 'denied'],
    ['PT', 'closed'],
    ['GB', 'refused'],
  ] as const)
    await allowance(account.id, country, status, 120);
  const other = await makeAccount();
  await allowance(other.account.id, 'MX', 'requested', 10);
  return { account, block, request, mx, so, de, member: users[0]! };
}

describe.each(dialects())('the request page names the account’s allowances, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('lists the waiting, sending and in-force allowances, oldest first, with who is calling about a waiting one', async () => {
    const { account, request, mx, so, de } = await acc7023();
    const [ana, ben] = [await makeStaff(), await makeStaff()];
    expect(await takeAllowance(ben, { requestId: mx.id, from: '' }, meta)).toMatchObject({ ok: true });
    const page = (await getRequestForStaff(ana, request.id))!;
    expect(page.openAllowances).toEqual([
      { id: so.id, country: 'SO', hours: 24, status: 'active', createdAt: so.createdAt, claim: null },
      { id: de.id, country: 'DE', hours: 24, status: 'sending', createdAt: de.createdAt, claim: null },
      {
        id: mx.id,
        country: 'MX',
        hours: 24,
        status: 'requested',
        createdAt: mx.createdAt,
        claim: { by: ben.email, mine: false, since: expect.any(Date), until: expect.any(Date) },
      },
    ]);
    expect((await getRequestForStaff(ben, request.id))!.openAllowances[2]!.claim).toMatchObject({
      mine: true,
    });
    // Another account's allowances are never listed; an account with none lists none.
    const bare = await makeAccount();
    const alone = await makeRequest(await makeBlock(bare.account.id), bare.users[0]!.id);
    expect((await getRequestForStaff(ana, alone.id))!.openAllowances).toEqual([]);
    expect(account.id).not.toBe(bare.account.id);
  });

  it('"Other requests" shows each as a link to its card on the account page, in English and Spanish', async () => {
    const { account, request, mx } = await acc7023();
    const agent = await makeStaff();
    await takeAllowance(agent, { requestId: mx.id, from: '' }, meta);
    const page = (await getRequestForStaff(agent, request.id))!;
    const waiting = page.openAllowances.find((a) => a.id === mx.id)!;
    const entry = (locale: 'en' | 'es') =>
      html(h(OpenAllowanceEntry, { allowance: waiting, accountNumber: account.number }), locale);
    expect(entry('en')).toContain(`href="/staff/accounts/${account.number}#allowance-${mx.id}"`);
    expect(text(h(OpenAllowanceEntry, { allowance: waiting, accountNumber: account.number }))).toMatch(
      /^.+ GMT\+0: Destination allowance: Mexico \(MX\), 24 h · Requested: call the account holder back, then decide · Taken by you since .+, until .+$/,
    );
    expect(text(h(OpenAllowanceEntry, { allowance: waiting, accountNumber: account.number }), 'es')).toMatch(
      /Permiso de destino: México \(MX\), 24 h · Solicitado: llame al titular de la cuenta y después decida · Tomada por usted desde el /,
    );
    // One "Other requests" list: each entry once (a second copy of the list was rendered below it once).
    const region = html(h(AccountHistory, { view: page }), 'en');
    expect(region.match(/>Other requests</g)).toHaveLength(1);
    expect(region.split(`#allowance-${mx.id}"`)).toHaveLength(2);
    const active = page.openAllowances.find((a) => a.status === 'active')!;
    expect(text(h(OpenAllowanceEntry, { allowance: active, accountNumber: account.number }))).toMatch(
      /Destination allowance: Somalia \(SO\), 24 h · In force on the switch$/,
    );
  });
});

describe('the request page on SQLite asks the database one statement more than before', () => {
  beforeAll(() => useFreshDb('sqlite'));

  it('reads them with the account: one statement more than before, whoever holds them', async () => {
    const { request, mx } = await acc7023();
    const agent = await makeStaff();
    await takeAllowance(await makeStaff(), { requestId: mx.id, from: '' }, meta);
    await getRequestForStaff(agent, request.id); // statements prepared, caches warm
    // better-sqlite3 runs every read as `statement.raw(true).all(values)` (shared-account-block-page.test.ts).
    const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as {
      all: (...args: unknown[]) => unknown;
    };
    const runs = vi.spyOn(proto, 'all');
    expect((await getRequestForStaff(agent, request.id))!.openAllowances).toHaveLength(3);
    // 12 before 2026-12-07; the account's open allowances are one more of the account's read (its
    // (accountId, status) index), and the holder of a waiting one is named by the people read.
    expect(runs.mock.calls.length).toBe(13);
  });
});

describe('what the approval says of the account’s allowances', () => {
  const subject = { number: 'ACC-7023', name: 'Rio Tiles', customer: 'Rosa (rosa@rio.example)' };
  const allowances: OpenAllowanceDto[] = [
    {
      id: 'a1',
      label: 'Mexico (MX), 24 h',
      href: '/staff/accounts/ACC-7023#allowance-a1',
      status: 'requested',
    },
    {
      id: 'a2',
      label: 'Somalia (SO), 12 h',
      href: '/staff/accounts/ACC-7023#allowance-a2',
      status: 'active',
    },
    {
      id: 'a3',
      label: 'Germany (DE), 4 h',
      href: '/staff/accounts/ACC-7023#allowance-a3',
      status: 'sending',
    },
  ];
  const other = (reason: string) => ({
    id: `b-${reason}`,
    reason,
    placedAt: '2026-12-07T09:00:00.000Z',
    createdAt: '2026-12-07T09:00:01.000Z',
    calls: 3,
  });
  const forms = (props: Partial<Parameters<typeof DecisionForms>[0]>, locale: 'en' | 'es' = 'en') =>
    html(h(DecisionForms, { requestId: 'r1', subject, allowances, ...props }), locale);

  it('a lift of the last block in force: each allowance, what becomes of it, and to tell the customer', () => {
    const out = forms({});
    const said = out.replace(/<[^>]+>/g, '');
    expect(said).toContain(
      'Approving lifts the account’s last block in force. Once the switch confirms the lift, every country can be called again, and Tollgate settles the account’s destination allowances:',
    );
    expect(said).toContain('Mexico (MX), 24 h, waiting for a decision: closed without one');
    expect(said).toContain('Somalia (SO), 12 h, in force: ended with the block');
    expect(said).toContain('Germany (DE), 4 h, on its way to the switch: ended with the block');
    expect(said).toContain(
      'Tell the customer on this call. If you deny this request instead, the allowance request stays waiting: decide it on the same call.',
    );
    expect(out).toContain('href="/staff/accounts/ACC-7023#allowance-a1"');
    // Read with "Approve and lift block" (not with "Deny", which changes nothing of them).
    const buttons = [...out.matchAll(/<button[^>]*>/g)].map((m) => m[0]);
    expect(buttons[0]).toMatch(/aria-describedby="decision-subject approve-allowances"/);
    expect(buttons[1]).toMatch(/aria-describedby="decision-subject"/);
  });

  it('in Spanish', () => {
    const said = forms({}, 'es').replace(/<[^>]+>/g, '');
    expect(said).toContain('Al aprobar se levanta el último bloqueo vigente de la cuenta.');
    // The labels come from the page, in its language (here as given).
    expect(said).toContain('Mexico (MX), 24 h, a la espera de una decisión: se cierra sin decisión');
    expect(said).toContain('Somalia (SO), 12 h, vigente: finaliza con el bloqueo');
    expect(said).toContain('Germany (DE), 4 h, en camino al switch: finaliza con el bloqueo');
    expect(said).toContain(
      'Si en cambio rechaza esta solicitud, la solicitud de permiso sigue en espera: decídala en la misma llamada.',
    );
  });

  it('other blocks in force: the approval lifts them all (it needs each ticked); one placed by support: nothing', () => {
    expect(liftLeavesNoBlock([])).toBe('last');
    expect(liftLeavesNoBlock([other('high_risk_destination')])).toBe('withOthers');
    expect(liftLeavesNoBlock([other('hotspot_source_ip'), other('manual')])).toBeNull();
    expect(forms({ otherBlocks: [other('hotspot_source_ip')] }).replace(/<[^>]+>/g, '')).toContain(
      'Approving lifts every block in force on the account, this one and the others above (the approval needs each of them ticked). Once the switch confirms the lift,',
    );
    expect(forms({ otherBlocks: [other('hotspot_source_ip')] }, 'es').replace(/<[^>]+>/g, '')).toContain(
      'Al aprobar se levantan todos los bloqueos vigentes de la cuenta, este y los demás de arriba',
    );
    const kept = forms({ otherBlocks: [other('manual')] });
    expect(kept).not.toContain('approve-allowances');
    expect(kept).not.toContain('settles the account’s destination allowances');
  });

  it('says nothing without allowances, on a decided request or with a lift on its way; no waiting one: nothing to tell', () => {
    expect(forms({ allowances: [] })).not.toContain('approve-allowances');
    expect(forms({ closed: true })).not.toContain('approve-allowances');
    // A lift already on its way: approvals are refused meanwhile, the page says so instead.
    expect(forms({ liftPending: true })).not.toContain('approve-allowances');
    const inForceOnly = forms({ allowances: allowances.filter((a) => a.status !== 'requested') });
    expect(inForceOnly).toContain('approve-allowances');
    expect(inForceOnly).not.toContain('Tell the customer on this call');
  });
});

describe.each(dialects())('what the page says is what approving does, on %s', (dialect) => {
  let sim: TestSim;
  const outbox = () =>
    processSwitchOutbox({
      client: createSwitchClient({
        baseUrl: sim.url,
        token: TOKEN,
        timeoutMs: 2000,
        retries: 0,
        log: () => {},
      }),
    });
  beforeAll(async () => {
    await useFreshDb(dialect);
    sim = await startTestSim();
  });
  afterAll(async () => {
    await sim.stop();
  });

  /** The member asks for Mexico from the block's page; the allowance's id. */
  async function askMexico(member: { id: string; email: string }, blockId: string) {
    const asked = await requestAllowance(
      asCustomer(member),
      requestAllowanceSchema.parse({
        blockId,
        country: 'MX',
        hours: '24',
        reason: 'Our tile supplier is in Monterrey.',
        callbackPhone: '+1 202 555 0143',
      }),
      meta,
    );
    expect(asked).toMatchObject({ ok: true });
    return (asked as { data: { allowanceId: string } }).data.allowanceId;
  }
  const approve = (agent: CurrentUser, requestId: string, alsoLift?: string[]) =>
    approveRequest(
      agent,
      approveSchema.parse({
        requestId,
        attest: 'on',
        note: NOTE,
        ...(alsoLift ? { 'alsoLift[]': alsoLift } : {}),
      }),
      meta,
    );
  const status = async (id: string) =>
    (await getDb().destinationAllowance.findUniqueOrThrow({ where: { id } })).status;

  it('the last block: "closed without one" once the switch confirms the lift', async () => {
    const { account, block, request, member } = await blockedWithRequest(sim);
    const mx = await askMexico(member, block.id);
    expect(liftLeavesNoBlock(await otherBlocksInForce(account.id, block.id))).toBe('last');
    expect(await approve(await makeStaff(), request.id)).toMatchObject({ ok: true });
    // Not before the switch confirmed.
    expect(await status(mx)).toBe('requested');
    await outbox();
    expect(await status(mx)).toBe('closed');
  });

  it('other blocks in force: the approval must cover them all, and then closes it just the same', async () => {
    const { account, block, request, member } = await blockedWithRequest(sim);
    const second = await makeBlock(account.id, { reason: 'suspicious_pattern' });
    const mx = await askMexico(member, block.id);
    expect(liftLeavesNoBlock(await otherBlocksInForce(account.id, block.id))).toBe('withOthers');
    const agent = await makeStaff();
    // Without the other block ticked: refused, nothing queued (lib/blocks/lifecycle.ts requestLift).
    expect(await approve(agent, request.id)).toMatchObject({ ok: false, code: 'conflict' });
    expect(await approve(agent, request.id, [second.id])).toMatchObject({ ok: true });
    await outbox();
    expect(await status(mx)).toBe('closed');
  });

  it('a block placed by support: the page says nothing, as the approval lifts nothing', async () => {
    const { account, block, request, member } = await blockedWithRequest(sim);
    await makeBlock(account.id, { reason: 'manual', placedBy: 'sam@tollgate.example' });
    const mx = await askMexico(member, block.id);
    expect(liftLeavesNoBlock(await otherBlocksInForce(account.id, block.id))).toBeNull();
    expect(await approve(await makeStaff(), request.id)).toMatchObject({ ok: false, code: 'conflict' });
    await outbox();
    expect(await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).toMatchObject({
      status: 'active',
    });
    expect(await status(mx)).toBe('requested');
  });
});

describe.each(dialects())('the queue and the allowance card name the other kind, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('a queue entry says "Also asks for a destination allowance", waiting ones only, oldest first', async () => {
    const { account, users } = await makeAccount();
    const request = await makeRequest(await makeBlock(account.id), users[0]!.id);
    await allowance(account.id, 'MX', 'requested', 30);
    await allowance(account.id, 'SO', 'active', 90);
    await allowance(account.id, 'IT', 'denied', 60);
    await allowance(account.id, 'DE', 'requested', 10);
    const lone = await makeAccount();
    const bare = await makeRequest(await makeBlock(lone.account.id), lone.users[0]!.id);
    const agent = await makeStaff();
    const item = async (number: string) =>
      (await listQueue(agent, null, 'en', { account: number })).items[0]!;
    const withAsk = await item(account.number);
    expect(withAsk).toMatchObject({ id: request.id, allowancesWaiting: ['MX', 'DE'] });
    expect(await item(lone.account.number)).toMatchObject({ id: bare.id, allowancesWaiting: [] });
    expect(text(h(QueueList, { items: [withAsk] }))).toContain(
      'Also asks for 2 destination allowances: Mexico (MX), Germany (DE)',
    );
    expect(text(h(QueueList, { items: [withAsk] }), 'es')).toContain(
      'También pide 2 permisos de destino: México (MX), Alemania (DE)',
    );
    const one = { ...withAsk, allowancesWaiting: ['MX'] };
    expect(text(h(QueueList, { items: [one] }))).toContain(
      'Also asks for a destination allowance: Mexico (MX)',
    );
    expect(text(h(QueueList, { items: [await item(lone.account.number)] }))).not.toContain('Also asks');
  });

  it('the queue reads them on the (accountId, status) index, never the whole table', async () => {
    const db = getDb();
    // 500 accounts, 20 000 allowances, one in twenty waiting.
    if (isPostgres()) {
      await db.$executeRaw`INSERT INTO "CustomerAccount" ("id","number","name")
        SELECT 'pa' || g, 'ACC-P' || g, 'Plan ' || g FROM generate_series(1, 500) g`;
      await db.$executeRaw`INSERT INTO "DestinationAllowance" ("id","accountId","country","hours","reason","status","createdAt")
        SELECT 'pd' || g, 'pa' || (g % 500 + 1), 'MX', 4, 'x', CASE WHEN g % 20 = 0 THEN 'requested' ELSE 'ended' END,
          now() - make_interval(secs => g) FROM generate_series(1, 20000) g`;
      await db.$executeRawUnsafe('ANALYZE');
    } else {
      const at = new Date().toISOString().replace('Z', '+00:00');
      await db.$executeRaw`WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 500)
        INSERT INTO "CustomerAccount" ("id","number","name","createdAt") SELECT 'pa' || x, 'ACC-P' || x, 'Plan ' || x, ${at} FROM g`;
      await db.$executeRaw`WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 20000)
        INSERT INTO "DestinationAllowance" ("id","accountId","country","hours","reason","status","createdAt")
        SELECT 'pd' || x, 'pa' || (x % 500 + 1), 'MX', 4, 'x', CASE WHEN x % 20 = 0 THEN 'requested' ELSE 'ended' END, ${at} FROM g`;
    }
    // Account pa21 holds the rows 20, 520, 1 020, …: 40, all waiting.
    const statement = Prisma.sql`SELECT ${waitingAllowancesJson(Prisma.sql`${'pa21'}`)} AS "countries"`;
    const rows = await db.$queryRaw<Record<string, string>[]>(
      Prisma.sql`${Prisma.raw(isPostgres() ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN')} ${statement}`,
    );
    const plan = rows.map((r) => r['QUERY PLAN'] ?? r.detail).join('\n');
    expect(plan).toMatch(/DestinationAllowance_accountId_status_idx/);
    expect(plan).not.toMatch(/Seq Scan on "DestinationAllowance"|SCAN d\b/);
    const [read] = await db.$queryRaw<{ countries: unknown }[]>(statement);
    const countries = typeof read!.countries === 'string' ? JSON.parse(read!.countries) : read!.countries;
    expect(countries).toEqual(Array.from({ length: 40 }, () => 'MX'));
  });

  it('a waiting allowance request’s card names the unblock requests waiting too, in English and Spanish', () => {
    const at = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '—');
    const requests = [
      { id: 'r1', kind: 'misdial' as const, createdAt: new Date('2026-12-07T09:30:00Z') },
      { id: 'r2', kind: 'firewall' as const, createdAt: new Date('2026-12-07T10:00:00Z') },
    ];
    const out = html(h(WaitingUnblockNote, { requests: requests.slice(0, 1), at }));
    expect(out).toContain('href="/staff/requests/r1"');
    expect(out.replace(/<[^>]+>/g, '')).toBe(
      'This account also has an unblock request waiting:2026-12-07 09:30: MisdialIf one is approved and the switch confirms a lift that leaves no block in force, this allowance request is closed without a decision: every country can be called again. Settle both on the same call.',
    );
    expect(text(h(WaitingUnblockNote, { requests, at }), 'es')).toMatch(
      /^Esta cuenta también tiene 2 solicitudes de desbloqueo en espera:2026-12-07 09:30: Marcación errónea2026-12-07 10:00: Firewall reforzadoSi se aprueba una/,
    );
    expect(html(h(WaitingUnblockNote, { requests: [], at }))).toBe('');
  });
});
