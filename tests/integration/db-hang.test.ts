import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as readyRoute } from '@/app/api/health/ready/route';
import { getDb } from '@/lib/server/db';
import { isDatabaseUnavailable } from '@/lib/server/db/errors';
import { migrate } from '@/lib/server/db/migrate';
import { readiness } from '@/lib/server/health';
import type { SwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { freeTcpPort } from '@/e2e/support/kamailio-portal';
import { decideLift, makeAccount, makeBlock } from '@/tests/helpers/factory';
import { pointDbAt } from '@/tests/helpers/db';

// A PostgreSQL that stops answering (docs/operations.md "When the database stops answering"). This
// file starts a throwaway cluster of its own and freezes it with SIGSTOP (the postmaster and every
// backend), as a stuck primary or a network that drops packets would: never the shared TEST_PG_URL.
// Before lib/server/db/pg-limits.ts, every call below waited for as long as the freeze lasted.
// Bounds are generous ("still waiting after 20 s" fails); nothing here times how fast anything is.

const STILL_WAITING_MS = 20_000;
// npm test exports PGBIN (scripts/pg-bin.sh); run alone, the same script finds the newest install.
const PG_BIN =
  process.env.PGBIN ?? spawnSync('bash', ['scripts/pg-bin.sh'], { encoding: 'utf8' }).stdout.trim();
const hasPg = Boolean(process.env.TEST_PG_URL) && fs.existsSync(path.join(PG_BIN, 'pg_ctl'));

/** `p`'s outcome, or a failure naming `what` when it is still waiting after STILL_WAITING_MS. */
async function answers<T>(
  what: string,
  p: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: still waiting after ${STILL_WAITING_MS} ms`)),
      STILL_WAITING_MS,
    );
  });
  try {
    return await Promise.race([
      p.then(
        (value) => ({ ok: true as const, value }),
        (error: Error) => ({ ok: false as const, error }),
      ),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!hasPg)('a PostgreSQL that stops answering', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-pg-hang-'));
  let url = '';
  let frozen = false;

  /** The postmaster (postmaster.pid's first line) and its children: every backend and helper. */
  const processes = () => {
    const main = fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0];
    const kids = execFileSync('pgrep', ['-P', main], { encoding: 'utf8' }).split('\n').filter(Boolean);
    return [main, ...kids].map(Number);
  };
  const freeze = () => {
    processes().forEach((p) => process.kill(p, 'SIGSTOP'));
    frozen = true;
  };
  const thaw = () => {
    processes().forEach((p) => process.kill(p, 'SIGCONT'));
    frozen = false;
  };

  beforeAll(async () => {
    const port = await freeTcpPort();
    url = execFileSync('bash', ['scripts/pg-cluster.sh', 'start', dir, String(port)], {
      encoding: 'utf8',
      timeout: 110_000,
    }).trim();
    await migrate(url);
    // A short statement limit keeps each wait of this file brief: the client gives up 5 s after it.
    process.env.POSTGRES_STATEMENT_TIMEOUT_MS = '1000';
    await pointDbAt(url);
  }, 120_000);

  afterAll(async () => {
    if (frozen) thaw();
    delete process.env.POSTGRES_STATEMENT_TIMEOUT_MS;
    await getDb().$disconnect();
    execFileSync('bash', ['scripts/pg-cluster.sh', 'stop', dir], { timeout: 55_000 });
  }, 60_000);

  it('readiness answers 503 naming the timeout, and finds the database again after SIGCONT without a restart', async () => {
    // No workers run in this file: readiness's database part is what is asked.
    expect((await readiness()).checks.database.status).toBe('ok');
    freeze();
    const r = await answers('readiness', readyRoute());
    expect(r.ok).toBe(true);
    const res = (r as { value: Response }).value;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'not_ready', database: { status: 'timeout' } });
    thaw();
    await expect
      .poll(async () => (await readiness()).checks.database.status, { timeout: STILL_WAITING_MS })
      .toBe('ok');
  });

  it('a switch-outbox tick returns; its operation stays pending and is sent once more with the same key', async () => {
    const db = getDb();
    const { account } = await makeAccount();
    const block = await makeBlock(account.id);
    expect((await decideLift([block])).ok).toBe(true);
    const keys: string[] = [];
    /** The switch: applies the lift, records the Idempotency-Key; `then` runs before it answers. */
    const theSwitch = (then: () => void) =>
      ({
        setInternationalCalling: async (accountNumber: string, body: { state: string }, key: string) => {
          keys.push(key);
          then();
          return {
            ok: true,
            value: {
              accountNumber,
              internationalCalling: body.state,
              blockedAt: null,
              reason: null,
              allowances: [],
            },
          };
        },
        getAccount: async () => ({ ok: false, kind: 'unavailable', message: 'not used' }),
      }) as unknown as SwitchClient;

    // Frozen before the tick: it cannot claim anything, and ends with an error instead of waiting.
    freeze();
    const before = await answers('tick while frozen', processSwitchOutbox({ client: theSwitch(() => {}) }));
    expect(before.ok).toBe(false);
    // Told as an outage (a page would say so and answer 503: lib/server/db/unavailable.ts), not a bug.
    expect(isDatabaseUnavailable((before as { error: Error }).error)).toBe(true);
    expect(keys).toEqual([]);
    thaw();

    // Frozen after the switch applied it, before the portal recorded that: the tick ends with an error.
    const during = await answers(
      'tick frozen after the switch answered',
      processSwitchOutbox({ client: theSwitch(freeze), leaseMs: 2_000 }),
    );
    expect(during.ok).toBe(false);
    expect(keys).toHaveLength(1);
    thaw();
    const op = await db.switchOperation.findFirstOrThrow({ where: { accountNumber: account.number } });
    expect(op).toMatchObject({ status: 'pending', attempts: 1 });

    // Once its lease has run out the operation is sent again with the same key (the switch applies a
    // repeated key once, CONTRACTS §3), and recorded.
    await new Promise((r) => setTimeout(r, 2_500));
    await expect
      .poll(() => processSwitchOutbox({ client: theSwitch(() => {}) }), { timeout: STILL_WAITING_MS })
      .toBe(1);
    expect(keys).toEqual([op.idempotencyKey, op.idempotencyKey]);
    expect(await db.switchOperation.findUniqueOrThrow({ where: { id: op.id } })).toMatchObject({
      status: 'done',
    });
    expect((await db.block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('lifted');
  });

  it('a transaction cut by the freeze is rolled back; its connection is never handed to the next caller', async () => {
    const db = getDb();
    const { account } = await makeAccount();
    const other = (await makeAccount()).account;
    const tx = db.$transaction(async (t) => {
      await t.customerAccount.update({
        where: { id: account.id },
        data: { name: 'written by a lost transaction' },
      });
      freeze();
      await t.customerAccount.count();
    });
    const cut = await answers('a transaction while frozen', tx);
    expect(cut.ok).toBe(false);
    expect(isDatabaseUnavailable((cut as { error: Error }).error)).toBe(true);
    thaw();
    // The server finishes what it had been sent once it runs again; the pool's next callers must not
    // find themselves inside that transaction and commit it with their own.
    for (let i = 0; i < 12; i++)
      await db.$transaction(async (t) => {
        await t.customerAccount.update({ where: { id: other.id }, data: { name: `after the freeze ${i}` } });
      });
    const direct = new pg.Client({ connectionString: url });
    await direct.connect();
    try {
      const { rows } = await direct.query('SELECT name FROM "CustomerAccount" WHERE id = $1', [account.id]);
      expect(rows[0].name).toBe(account.name);
    } finally {
      await direct.end();
    }
  });
});
