import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { actorArgs } from '@/components/block/timeline';
import { getBlockForUser } from '@/lib/blocks/queries';
import type { Locale } from '@/lib/i18n/locales';
import { translator } from '@/lib/i18n/translate';
import { CLOSED_BY_LIFT } from '@/lib/requests/closed';
import { withdrawRequest } from '@/lib/requests/submit';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';

// Found by a tester playing a small company's account with three members (office manager Mona, IT
// contractor Ivan in Spanish, owner Olga), 2026-12-06: the block page titled every member's requests
// "Your unblock requests", named nobody who sent one, and when Ivan withdrew Mona's pending request,
// her list and the timeline said only "Withdrawn". The page now says who sent each request and who
// withdrew one ("you", or the member's address), read in the statements it already ran (issue 14:
// the block page is the most performance-sensitive page; bench/pages.ts).

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

/** A blocked account of Mona, Ivan and Olga, and a pending misdial request Mona sent (with its timeline entry). */
async function brightside() {
  const tag = crypto.randomUUID().slice(0, 8);
  const emails = ['mona', 'ivan', 'olga'].map((n) => `${n}-${tag}@brightside.example`);
  const { account, users } = await makeAccount({ members: emails });
  const [mona, ivan, olga] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
  const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 3600_000) });
  const request = await makeRequest(block, mona.id);
  await getDb().blockEvent.create({
    data: { blockId: block.id, type: 'request_submitted', at: request.createdAt, actor: mona.email },
  });
  return { account, block, request, mona, ivan, olga };
}

/** A line of the block page's request list as `locale` reads it (the catalogue's words, block.request.*). */
const words = (locale: Locale, key: 'sent' | 'withdrawnBy', who: Parameters<typeof actorArgs>[0]) =>
  translator(locale).markup(`block.request.${key}`, { at: () => 'AT', ...actorArgs(who) });

describe.each(dialects())('a block page read by each member of a shared account, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('says who sent each request and who withdrew it: "you" to them, the address to every other member', async () => {
    const { block, request, mona, ivan, olga } = await brightside();
    // Ivan withdraws Mona's pending request (any member may: lib/requests/submit.ts withdrawRequest).
    expect(await withdrawRequest(asCustomer(ivan), request.id, meta)).toMatchObject({ ok: true });

    const seenBy = async (userId: string) => (await getBlockForUser(userId, block.id))!;
    const asMona = await seenBy(mona.id);
    expect(asMona.requests).toEqual([
      expect.objectContaining({
        id: request.id,
        status: 'withdrawn',
        submittedBy: { is: 'you' },
        withdrawnBy: { is: 'member', email: ivan.email },
      }),
    ]);
    const asIvan = await seenBy(ivan.id);
    expect(asIvan.requests).toEqual([
      expect.objectContaining({
        submittedBy: { is: 'member', email: mona.email },
        withdrawnBy: { is: 'you' },
      }),
    ]);
    const asOlga = await seenBy(olga.id);
    expect(asOlga.requests).toEqual([
      expect.objectContaining({
        submittedBy: { is: 'member', email: mona.email },
        withdrawnBy: { is: 'member', email: ivan.email },
      }),
    ]);

    // The timeline names the member of each step the same way.
    const steps = (view: typeof asMona) =>
      view.events.filter((e) => e.type.startsWith('request_')).map((e) => [e.type, e.by]);
    expect(steps(asMona)).toEqual([
      ['request_submitted', { is: 'you' }],
      ['request_withdrawn', { is: 'member', email: ivan.email }],
    ]);
    expect(steps(asIvan)).toEqual([
      ['request_submitted', { is: 'member', email: mona.email }],
      ['request_withdrawn', { is: 'you' }],
    ]);
    // No other entry names anyone: customers learn whether fraud monitoring or support placed a block.
    expect(asOlga.events.filter((e) => !e.type.startsWith('request_')).every((e) => e.by === null)).toBe(
      true,
    );

    // As each reads it, in English and in Spanish (Ivan reads Spanish).
    expect(words('en', 'sent', asMona.requests[0]!.submittedBy)).toBe('Sent AT by you');
    expect(words('en', 'sent', asOlga.requests[0]!.submittedBy)).toBe(`Sent AT by ${mona.email}`);
    expect(words('es', 'sent', asIvan.requests[0]!.submittedBy)).toBe(`Enviada el AT por ${mona.email}`);
    expect(words('en', 'withdrawnBy', asMona.requests[0]!.withdrawnBy!)).toBe(`Withdrawn by ${ivan.email}`);
    expect(words('es', 'withdrawnBy', asIvan.requests[0]!.withdrawnBy!)).toBe('Retirada por usted');
    expect(translator('en')('block.requestsTitle')).toBe('Unblock requests for this block');
    expect(translator('es')('timeline.byPerson', actorArgs({ is: 'member', email: ivan.email }))).toBe(
      `por ${ivan.email}`,
    );
  });

  it('never names the agent who decided a request, nor anyone for one a lift closed', async () => {
    const { block, mona, olga } = await brightside();
    const agent = await makeStaff();
    const db = getDb();
    await db.unblockRequest.updateMany({
      where: { blockId: block.id },
      data: {
        status: 'denied',
        openKey: null,
        decidedById: agent.id,
        decidedAt: new Date(),
        denyReason: 'No.',
      },
    });
    const closed = await makeRequest(block, olga.id, { createdAt: new Date(Date.now() + 1000) });
    await db.unblockRequest.update({
      where: { id: closed.id },
      data: { status: 'withdrawn', openKey: null, decidedAt: new Date(), decisionNote: CLOSED_BY_LIFT },
    });
    // A withdrawal stored with a staff login as its withdrawer (none is: only members withdraw).
    const odd = await makeRequest(block, olga.id, { createdAt: new Date(Date.now() + 2000) });
    await db.unblockRequest.update({
      where: { id: odd.id },
      data: { status: 'withdrawn', openKey: null, decidedAt: new Date(), decidedById: agent.id },
    });
    const view = (await getBlockForUser(mona.id, block.id))!;
    expect(view.requests.map((r) => [r.status, r.submittedBy, r.withdrawnBy])).toEqual([
      ['withdrawn', { is: 'member', email: olga.email }, { is: 'unknown' }],
      ['closed', { is: 'member', email: olga.email }, null],
      ['denied', { is: 'you' }, null],
    ]);
    expect(JSON.stringify(view)).not.toContain(agent.email);
  });
});

describe('the block page on SQLite asks the database no more than before', () => {
  beforeAll(() => useFreshDb('sqlite'));

  it('reads a block with requests of several members, one withdrawn, in the statements it always ran', async () => {
    const { block, request, ivan, olga } = await brightside();
    expect(await withdrawRequest(asCustomer(ivan), request.id, meta)).toMatchObject({ ok: true });
    await makeRequest(block, olga.id);
    await getBlockForUser(olga.id, block.id); // statements prepared, caches warm
    // better-sqlite3 runs every read the adapter sends as `statement.raw(true).all(values)`
    // (lib/server/db/serialized-sqlite.ts tuneConnection): each call is one statement run. (Spied
    // here: tests/helpers/setup.ts restores every spy after each test.)
    const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as {
      all: (...args: unknown[]) => unknown;
    };
    const runs = vi.spyOn(proto, 'all');
    const view = await getBlockForUser(olga.id, block.id);
    expect(view!.requests).toHaveLength(2);
    // The block with its account and the reader's address (1), the credentials (1), the trigger
    // calls' overview (1), the timeline (1), and the requests with who sent and withdrew them (1):
    // as many as before the page named anyone (issue 14; bench/pages.ts counts them per request).
    expect(runs.mock.calls.length).toBe(5);
  });
});
