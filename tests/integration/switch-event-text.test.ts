import { beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/switch/events/route';
import { getDb } from '@/lib/server/db';
import { switchEventSchema } from '@/lib/switch/events-schema';
import { signEvent } from '@/lib/switch/signature';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { liftedEvent } from '@/tests/helpers/switch-events';

// Control characters in a signed event never make a 500 (PostgreSQL refuses NUL in text). In the
// free text that only names who acted (block.lifted's `actor`) they are cleaned and the event applied
// (docs/switch-api.md part 2); a raw NUL byte makes the body malformed JSON (400), kept for an
// operator with the NUL escaped.

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
  it('cleans control characters out of block.lifted’s actor instead of refusing the lift', () => {
    const actorOf = (actor: string) => {
      const parsed = switchEventSchema.parse(liftedEvent('ACC-1001', new Date(), actor));
      return parsed.type === 'block.lifted' ? parsed.data.actor : null;
    };
    expect(actorOf('switch\u0000ops')).toBe('switch ops');
    expect(actorOf('switch\u0007')).toBe('switch');
    expect(actorOf('ops\u001b[2J')).toBe('ops [2J');
    expect(actorOf('noc:\tjane\r\n')).toBe('noc: jane');
    expect(actorOf('noc\u0085jane')).toBe('noc jane');
    expect(actorOf('\u007f')).toBe('switch');
    expect(actorOf('nöc-agent 7')).toBe('nöc-agent 7');
  });
});

describe.each(dialects())('control characters in a switch event on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('a NUL in data.actor is cleaned: the lift applies, the body is stored as sent', async () => {
    const { account } = await makeAccount();
    const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 60_000) });
    const e = liftedEvent(account.number, new Date(), 'switch\u0000ops');
    const raw = JSON.stringify(e);
    const res = await post(raw);
    expect(res.status).toBe(200);
    expect(await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).toMatchObject({
      status: 'lifted',
      liftedBy: 'switch ops',
    });
    // JSON.stringify escaped the NUL: the stored body is the text as sent.
    expect((await getDb().switchEvent.findUniqueOrThrow({ where: { id: e.id } })).body).toBe(raw);
    expect(await rejected(e.id)).toEqual([]);
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
