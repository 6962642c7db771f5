import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifySendError, MAILBOX_UNSTORED } from '@/lib/mail/delivery-policy';
import { listMail, MailboxWriteError, storeMail, type StoredMail } from '@/lib/mail/mailbox';
import { queueMailToMembers } from '@/lib/mail/queue';
import { mailboxTransport } from '@/lib/mail/transport';
import { processMailOutbox } from '@/lib/mail/worker';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { holdRunOut, noHold } from '@/tests/helpers/mail-suite';

// A fault tester replaced the demo's `data/mailbox` with a plain file: the mkdir failed (EEXIST), the
// worker read the file error as "maybe delivered", and two seconds later a `block_lifted` (at most
// once) was failed "uncertain: … not re-sent" though nothing had been written anywhere. A mailbox
// write that stored nothing (the folder, the temporary file or the rename failed: the message file
// never existed) is now certain, like a refused connection: the mail stays pending and goes, once,
// when the mailbox can be written again.

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'tollgate-mailbox-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const message = (id: string): StoredMail => ({
  id,
  messageId: `<${id}.tollgate@localhost>`,
  from: 'no-reply@localhost',
  to: 'someone@t.example',
  subject: 'subject',
  date: new Date().toISOString(),
  storedAt: new Date().toISOString(),
  html: '<p>hello</p>',
  text: 'hello',
});

describe('storeMail failures', () => {
  it('a folder that cannot be made, a write that fails and a rename that fails store nothing, and say so', async () => {
    const file = path.join(root, 'plain-file');
    await fs.writeFile(file, 'not a folder');
    const id = 'm1';

    const mkdir = await storeMail(message(id), file).catch((e: unknown) => e);
    expect(mkdir).toBeInstanceOf(MailboxWriteError);
    expect(mkdir).toMatchObject({ code: MAILBOX_UNSTORED, cause: { code: 'EEXIST' } });

    // The temporary file cannot be written: a folder stands where it goes.
    const dir = path.join(root, 'write-fails');
    await fs.mkdir(path.join(dir, `${id}.json.${process.pid}.tmp`), { recursive: true });
    const write = await storeMail(message(id), dir).catch((e: unknown) => e);
    expect(write).toMatchObject({ code: MAILBOX_UNSTORED, cause: { code: 'EISDIR' } });

    // The rename cannot replace what stands at the message's name (a folder that is not empty).
    const renameDir = path.join(root, 'rename-fails');
    await fs.mkdir(path.join(renameDir, `${id}.json`, 'inside'), { recursive: true });
    const rename = await storeMail(message(id), renameDir).catch((e: unknown) => e);
    expect(rename).toBeInstanceOf(MailboxWriteError);
    expect(rename).toMatchObject({ code: MAILBOX_UNSTORED });
    // Nothing left behind: no message, no temporary file.
    expect((await fs.readdir(renameDir)).sort()).toEqual([`${id}.json`]);
    expect(await listMail(10, renameDir)).toEqual([]);

    for (const e of [mkdir, write, rename]) {
      const f = classifySendError(e);
      expect(f.kind).toBe('temporary');
      expect(f.message).toMatch(/^EMAILBOX_UNSTORED: the dev mailbox stored nothing/);
    }
  });

  it('any other error of a send stays uncertain', () => {
    expect(classifySendError(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })).kind).toBe(
      'uncertain',
    );
  });
});

describe.each(dialects())('the dev mailbox cannot be written, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  beforeEach(noHold);

  /** Every pending row due now, and the outbox's hold over: the next run tries them. */
  async function timePasses() {
    await getDb().mailMessage.updateMany({
      where: { status: 'pending' },
      data: { nextAttemptAt: new Date(Date.now() - 1000) },
    });
    holdRunOut();
  }

  it('an at-most-once "calling is back" stays pending, and goes once the mailbox is mended, exactly once', async () => {
    const dir = path.join(root, `mailbox-${dialect}`);
    await fs.writeFile(dir, 'data/mailbox replaced by a plain file');
    const transport = mailboxTransport(dir);
    const email = `mailbox-fail-${dialect}@t.example`;
    const { account } = await makeAccount({ members: [email] });
    const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 60_000) });
    await getDb().block.update({ where: { id: block.id }, data: { status: 'lifted', liftedAt: new Date() } });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'block_lifted', { blockId: block.id }),
    );
    const row = () => getDb().mailMessage.findFirstOrThrow({ where: { to: email } });

    // Two attempts while the path is a plain file: nothing stored, nothing given up.
    for (const attempt of [1, 2]) {
      expect(await processMailOutbox({ transport })).toBe(0);
      expect(await row()).toMatchObject({
        status: 'pending',
        attempts: attempt,
        sendStartedAt: null,
        sentAt: null,
        lastError: expect.stringMatching(/^EMAILBOX_UNSTORED: .*EEXIST/),
      });
      await timePasses();
    }

    await fs.rm(dir);
    expect(await processMailOutbox({ transport })).toBe(1);
    const sent = await row();
    expect(sent).toMatchObject({ status: 'done', attempts: 3, lastError: null });
    await timePasses();
    expect(await processMailOutbox({ transport })).toBe(0);
    const stored = await listMail(10, dir);
    expect(stored.map((m) => [m.id, m.to])).toEqual([[sent.id, email]]);
    expect(stored[0].subject).toMatch(/calling/i);
    expect(await fs.readdir(dir)).toEqual([`${sent.id}.json`]);
  });
});
