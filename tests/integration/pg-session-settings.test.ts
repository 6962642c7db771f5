import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { LOCK_TIMEOUT_MS, pgPoolOptions } from '@/lib/server/db/pg-limits';
import { dialects, useFreshDb } from '@/tests/helpers/db';

// The settings of the portal's PostgreSQL sessions (lib/server/db/pg-limits.ts pgPoolOptions), read
// back from the server through the portal's own client: a setting the pool asks for and the server
// does not apply would only show as a slow page or an unbounded wait.

describe.each(dialects().filter((d) => d === 'postgresql'))('the portal’s sessions on %s', (dialect) => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
  });

  const show = async (name: 'jit' | 'lock_timeout') =>
    (await getDb().$queryRawUnsafe<Record<string, string>[]>(`SHOW ${name}`))[0]![name];

  it('run without JIT compilation, which a plain session of the same server has', async () => {
    // JIT compiled the staff home's rotated-blocks list for 27.8 of its 28.4 ms (bench/staff.ts
    // queueLiftPolicy on PostgreSQL): the estimate passed jit_above_cost, the work was 0.4 ms.
    expect(await show('jit')).toBe('off');
    const plain = new pg.Client({ connectionString: url });
    await plain.connect();
    try {
      expect((await plain.query<{ jit: string }>('SHOW jit')).rows[0]!.jit).toBe('on');
    } finally {
      await plain.end();
    }
  });

  it('keep the limits they start with, in a transaction too', async () => {
    expect(await show('lock_timeout')).toBe(`${LOCK_TIMEOUT_MS / 1000}s`);
    const inTx = await getDb().$transaction(
      async (tx) => (await tx.$queryRawUnsafe<{ jit: string }[]>('SHOW jit'))[0]!.jit,
    );
    expect(inTx).toBe('off');
  });

  it('are set by a statement, not a start-up option, which PgBouncer refuses unless told to drop it', () => {
    // docs/operations.md, "A direct connection, or PgBouncer in session pooling": an operator's
    // ignore_startup_parameters lists the three limits; a new start-up option cut every connection.
    expect(pgPoolOptions(url)).not.toHaveProperty('options');
  });
});
