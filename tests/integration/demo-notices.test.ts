import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '@/lib/demo/seed';
import { listMail, readMail } from '@/lib/mail/mailbox';
import { mailboxTransport } from '@/lib/mail/transport';
import { processMailOutbox } from '@/lib/mail/worker';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';

// Tester, 2026-12-05: a fresh `npm run demo` had an empty dev mailbox, so a first-time user could not
// follow a block notice's link (DESIGN.md "What done looks like") until they simulated fraud. The
// demo's seeded blocks now come with their notices, queued like a switch's block's and sent by the
// mail worker into the dev mailbox; a re-run (which keeps the data) queues none again.

const DANA = 'dana@acme.example';
const OMAR = 'omar@harbor.example';

describe.each(dialects())('the demo seed’s block notices on %s', (dialect) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-demo-mailbox-'));

  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const notices = () =>
    getDb().mailMessage.findMany({ where: { template: 'block_notice' }, orderBy: { to: 'asc' } });

  it('a fresh demo queues one notice per member of each blocked account; the worker puts them in the dev mailbox with their sign-in links', async () => {
    const db = getDb();
    expect(await seedDemo(db, new Date(), { notices: true })).toMatchObject({ notices: 2 });
    const blockOf = async (number: string) =>
      (await db.block.findFirstOrThrow({ where: { account: { number } } })).id;
    const queued = await notices();
    expect(queued.map((m) => [m.to, JSON.parse(m.payload).blockId])).toEqual([
      [DANA, await blockOf('ACC-1001')],
      [OMAR, await blockOf('ACC-2001')],
    ]);

    expect(await processMailOutbox({ transport: mailboxTransport(dir), max: 10 })).toBe(2);
    const mailbox = await listMail(200, dir);
    expect(mailbox.map((m) => [m.to, m.subject]).sort()).toEqual([
      [DANA, expect.stringMatching(/^International calling blocked on Acme Dental \(ACC-1001\)/)],
      [OMAR, expect.stringMatching(/^International calling blocked on Harbor Logistics \(ACC-2001\)/)],
    ]);
    const dana = (await readMail(mailbox.find((m) => m.to === DANA)!.id, dir))!;
    const link = /http:\/\/localhost:3000\/sign-in\/link\?\S+/.exec(dana.text)?.[0];
    expect(new URL(link!).searchParams.get('callbackUrl')).toBe(`/blocks/${await blockOf('ACC-1001')}`);
    // The link works: its single-use token is stored for Dana (lib/mail/link-token.ts).
    expect(await db.verificationToken.count({ where: { identifier: DANA } })).toBe(1);
  });

  it('a re-run of the demo keeps its data and queues no notice again', async () => {
    const before = (await notices()).map((m) => m.id);
    expect(await seedDemo(getDb(), new Date(), { notices: true })).toEqual({ created: 0, notices: 0 });
    expect((await notices()).map((m) => m.id)).toEqual(before);
    expect(await processMailOutbox({ transport: mailboxTransport(dir), max: 10 })).toBe(0);
    expect(await listMail(200, dir)).toHaveLength(2);
  });

  it('without the option (the test harnesses’ seed) the blocks come with no notice', async () => {
    await useFreshDb(dialect);
    expect(await seedDemo(getDb())).toMatchObject({ notices: 0 });
    expect(await getDb().block.count()).toBe(2);
    expect(await notices()).toEqual([]);
  });
});
