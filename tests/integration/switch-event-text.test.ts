import { beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/switch/events/route';
import { getDb } from '@/lib/server/db';
import { switchEventSchema } from '@/lib/switch/events-schema';
import { signEvent } from '@/lib/switch/signature';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { liftedEvent } from '@/tests/helpers/switch-events';

// A signed event whose free text holds a control character is malformed (CONTRACTS §4: 400), never
// a 500: PostgreSQL refuses NUL in text. The rejected body is still kept for an operator, NUL escaped.

const secret = process.env.SWITCH_WEBHOOK_SECRET!;
const post = (body: string) =>
  POST(
    new Request('http://localhost/api/switch/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'tollgate-signature': signEvent(secret, body) },
      body,
    }),
  );
const rejected = (fragment: string) =>
  getDb().switchEvent.findMany({ where: { status: 'rejected', body: { contains: fragment } } });

describe('the switch event schema', () => {
  it('refuses a control character in block.lifted’s actor, and keeps tab-free plain text', () => {
    for (const actor of ['switch\u0000ops', 'switch\u0007', 'ops\u001b[2J', '\u007f'])
      expect(switchEventSchema.safeParse(liftedEvent('ACC-1001', new Date(), actor)).success).toBe(false);
    expect(switchEventSchema.safeParse(liftedEvent('ACC-1001', new Date(), 'nöc-agent 7')).success).toBe(
      true,
    );
  });
});

describe.each(dialects())('control characters in a switch event on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('a NUL in data.actor is a 400; the block stays and the body is kept as sent', async () => {
    const { account } = await makeAccount();
    const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 60_000) });
    const e = liftedEvent(account.number, new Date(), 'switch\u0000ops');
    const raw = JSON.stringify(e);
    const res = await post(raw);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'invalid_event' });
    expect(await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).toMatchObject({
      status: 'active',
      liftedBy: null,
    });
    // JSON.stringify escaped the NUL: the stored body is the text as sent.
    expect((await rejected(e.id)).map((r) => r.body)).toEqual([raw]);
  });

  it('a raw NUL byte in the body is a 400 (malformed JSON), kept with the NUL escaped', async () => {
    const { account } = await makeAccount();
    const e = liftedEvent(account.number);
    const raw = JSON.stringify(e).replace('"switch"', '"sw\u0000itch"');
    const res = await post(raw);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'malformed_json' });
    const kept = await rejected(e.id);
    expect(kept.map((r) => r.body)).toEqual([raw.replace('\u0000', '\\u0000')]);
    expect(kept[0].error).toBe('malformed JSON');
  });
});
