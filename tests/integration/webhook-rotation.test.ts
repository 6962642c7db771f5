import { beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/switch/events/route';
import { EVENT_BODY_LIMIT } from '@/lib/blocks/ingest';
import { getDb } from '@/lib/server/db';
import { signEvent } from '@/lib/switch/signature';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';

// Rotating SWITCH_WEBHOOK_SECRET without losing events (docs/operations.md): the switch answers a 401
// by stopping, so while SWITCH_WEBHOOK_SECRET_PREVIOUS is set, events signed with it are accepted.
// Set before the first request reads the configuration (lib/server/env.ts reads it once).
const PREVIOUS = 'previous-webhook-secret-0123456789-012345';
process.env.SWITCH_WEBHOOK_SECRET_PREVIOUS = PREVIOUS;
let seq = 0;

function post(body: string, secret: string) {
  return POST(
    new Request('http://localhost/api/switch/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'tollgate-signature': signEvent(secret, body) },
      body,
    }),
  );
}

describe.each(dialects())('webhook secret rotation on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('accepts the current and the previous secret, and nothing else', async () => {
    const { account } = await makeAccount({ members: [`rot-${dialect}@t.example`] });
    const event = (n: number) =>
      JSON.stringify({
        id: `evt_rot_${dialect}_${Date.now()}_${seq++}_${n}`,
        type: 'block.lifted',
        occurredAt: new Date().toISOString(),
        data: { accountNumber: account.number, actor: 'switch' },
      });
    expect((await post(event(1), process.env.SWITCH_WEBHOOK_SECRET!)).status).toBe(200);
    const old = event(2);
    const first = await post(old, PREVIOUS);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    expect(await (await post(old, PREVIOUS)).json()).toEqual({ received: true, duplicate: true });
    expect((await post(event(3), 'some-other-secret-0123456789-0123456789')).status).toBe(401);
  });

  it('recognises a body too large to apply (413) signed with either secret, and flags its account', async () => {
    const { account } = await makeAccount();
    const body = (n: number) =>
      JSON.stringify({
        id: `evt_rot_big_${dialect}_${seq++}_${n}`,
        type: 'block.placed',
        occurredAt: new Date().toISOString(),
        data: { accountNumber: account.number, reason: 'manual', pad: 'x'.repeat(EVENT_BODY_LIMIT) },
      });
    const due = async () =>
      (await getDb().customerAccount.findUniqueOrThrow({ where: { id: account.id } })).reconcileDue;
    for (const secret of [process.env.SWITCH_WEBHOOK_SECRET!, PREVIOUS]) {
      await getDb().customerAccount.update({ where: { id: account.id }, data: { reconcileDue: false } });
      expect((await post(body(1), secret)).status).toBe(413);
      expect(await due()).toBe(true);
    }
    await getDb().customerAccount.update({ where: { id: account.id }, data: { reconcileDue: false } });
    expect((await post(body(2), 'some-other-secret-0123456789-0123456789')).status).toBe(413);
    expect(await due()).toBe(false);
  });
});
