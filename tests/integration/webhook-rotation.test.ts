import { beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/switch/events/route';
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
});
