import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/switch/events/route';
import { applySwitchEvent, EventIdReused } from '@/lib/blocks/lifecycle';
import { sameEventBody } from '@/lib/blocks/ingest';
import { CLEARED_EVENT_BODY } from '@/lib/server/retention';
import { switchEventSchema } from '@/lib/switch/events-schema';
import { renderMetrics } from '@/lib/server/metrics';
import { getDb } from '@/lib/server/db';
import { signEvent } from '@/lib/switch/signature';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';
import { sample } from '@/tests/helpers/metrics';
import { placedEvent, type TestEvent } from '@/tests/helpers/switch-events';

// CONTRACTS §4: "the same id again → 200 duplicate:true and no second effect". A switch whose id
// counter starts again (a database restore) sends new events under old ids: each was answered as a
// duplicate and its block lost (a tester playing the switch engineer, session 56). A true retry is
// still a duplicate, however it is serialised; another body under the id is refused with 409.

const secret = process.env.SWITCH_WEBHOOK_SECRET!;
const post = (body: string) =>
  POST(
    new Request('http://localhost/api/switch/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'tollgate-signature': signEvent(secret, body) },
      body,
    }),
  );
const hash = (body: string) =>
  `sha256:${crypto.createHash('sha256').update(body).digest('hex').slice(0, 16)}`;

/** The event written again as another serialiser would: its keys in reverse order, indented. */
function reserialised(e: TestEvent): string {
  const reversed = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reversed)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .reverse()
              .map(([k, x]) => [k, reversed(x)]),
          )
        : v;
  return `\uFEFF${JSON.stringify(reversed(e), null, 3)}\n`;
}

describe.each(dialects())('an event id received again, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('the same body, as sent or serialised again, is a duplicate with no second effect', async () => {
    const { account, creds } = await makeAccount();
    const e = placedEvent(account.number, { from: [creds[0]!.username] });
    const raw = JSON.stringify(e);
    expect(await (await post(raw)).json()).toEqual({ received: true, duplicate: false });
    for (const again of [raw, reserialised(e)]) {
      const res = await post(again);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true, duplicate: true });
    }
    expect(await getDb().block.count({ where: { accountId: account.id } })).toBe(1);
    expect((await getDb().switchEvent.findUniqueOrThrow({ where: { id: e.id } })).body).toBe(raw);
  });

  it('a different body under the id is 409 event_id_reused: nothing applied, the first body kept, audited, counted', async () => {
    const { account, creds } = await makeAccount();
    const first = placedEvent(account.number, { from: [creds[0]!.username] });
    const firstRaw = JSON.stringify(first);
    expect((await post(firstRaw)).status).toBe(200);
    // The switch's counter restarted: a new block on another account, under the old id.
    const other = await makeAccount();
    const reused = {
      ...placedEvent(other.account.number, { from: [other.creds[0]!.username] }),
      id: first.id,
    };
    const reusedRaw = JSON.stringify(reused);
    const series = 'tollgate_switch_events_total{result="409"}';
    const before = sample((await renderMetrics()).body, series) ?? 0;

    const res = await post(reusedRaw);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: {
        code: 'event_id_reused',
        message: `event ${first.id} was already received with a different body; nothing was applied; send this event with a new id`,
      },
    });
    expect(sample((await renderMetrics()).body, series)).toBe(before + 1);
    expect(await getDb().block.count({ where: { accountId: other.account.id } })).toBe(0);
    expect(await getDb().mailMessage.count({ where: { to: { in: other.users.map((u) => u.email) } } })).toBe(
      0,
    );
    const otherAccount = await getDb().customerAccount.findUniqueOrThrow({ where: { id: other.account.id } });
    expect(otherAccount.switchChangedAt).toBeNull();
    expect((await getDb().switchEvent.findUniqueOrThrow({ where: { id: first.id } })).body).toBe(firstRaw);
    const row = await getDb().auditLog.findFirstOrThrow({
      where: { action: 'switch.event.id_reused', targetId: first.id },
    });
    expect(row.accountId).toBe(other.account.id);
    expect(JSON.parse(row.detail!)).toEqual({
      storedFingerprint: hash(firstRaw),
      receivedFingerprint: hash(reusedRaw),
    });
    expect(row.detail).not.toContain(other.account.number);

    // The same event under a new id is applied.
    expect(await (await post(JSON.stringify({ ...reused, id: `${first.id}_2` }))).json()).toEqual({
      received: true,
      duplicate: false,
    });
    expect(await getDb().block.count({ where: { accountId: other.account.id } })).toBe(1);
  });

  it('once retention cleared the stored body, nothing can be compared: a duplicate', async () => {
    const { account, creds } = await makeAccount();
    const first = placedEvent(account.number, { from: [creds[0]!.username] });
    expect((await post(JSON.stringify(first))).status).toBe(200);
    await getDb().switchEvent.update({ where: { id: first.id }, data: { body: CLEARED_EVENT_BODY } });
    const changed = { ...first, data: { ...first.data, reason: 'hotspot_source_ip' } };
    const res = await post(JSON.stringify(changed));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: true });
    expect(await getDb().block.count({ where: { accountId: account.id } })).toBe(1);
  });

  // Two requests with one id and different bodies at once: both find no row before applying, one
  // stores it, the other finds it done inside its transaction, which is rolled back (the lock's move
  // of the switch clock too) instead of answering a duplicate.
  it('a reused id found inside the transaction (a concurrent copy stored it) rolls everything back', async () => {
    const { account, creds } = await makeAccount();
    const first = placedEvent(account.number, { from: [creds[0]!.username] });
    expect((await post(JSON.stringify(first))).status).toBe(200);
    const later = { ...placedEvent(account.number, { at: new Date(Date.now() + 60_000) }), id: first.id };
    const raw = JSON.stringify(later);
    const inbox = { id: later.id, type: later.type, accountNumber: account.number, body: raw };
    const clock = async () =>
      (await getDb().customerAccount.findUniqueOrThrow({ where: { id: account.id } })).switchChangedAt;
    const before = await clock();
    const parsed = switchEventSchema.parse(later);
    await expect(
      applySwitchEvent(parsed, { inbox, sameBody: (stored) => sameEventBody(stored, raw) }),
    ).rejects.toBeInstanceOf(EventIdReused);
    expect(await clock()).toEqual(before);
    // Without a comparison (no ctx.sameBody) it is the duplicate it always was.
    await expect(applySwitchEvent(parsed, { inbox })).resolves.toEqual({ kind: 'duplicate' });
  });
});
