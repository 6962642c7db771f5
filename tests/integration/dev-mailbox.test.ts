import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';

// The dev mailbox exists only in the demo. Configuration is read once per process, so each case
// loads the modules afresh with its own TOLLGATE_DEMO.

async function load(demo: '0' | '1') {
  process.env.TOLLGATE_DEMO = demo;
  delete process.env.SMTP_URL;
  vi.resetModules();
  return {
    list: (await import('@/app/dev/mailbox/page')).default,
    message: (await import('@/app/dev/mailbox/[id]/page')).default,
    html: (await import('@/app/dev/mailbox/[id]/html/route')).GET,
    worker: await import('@/lib/mail/worker'),
    mailbox: await import('@/lib/mail/mailbox'),
  };
}

const isNotFound = (e: unknown) => String((e as { digest?: string })?.digest ?? '').endsWith(';404');
const htmlOf = (fn: Awaited<ReturnType<typeof load>>['html'], id: string) =>
  fn(new Request(`http://localhost/dev/mailbox/${id}/html`), { params: Promise.resolve({ id }) });

describe('dev mailbox', () => {
  beforeAll(async () => {
    await useFreshDb('sqlite');
  });
  beforeEach(() => {
    delete process.env.TOLLGATE_DEMO;
  });

  it('is a 404 outside the demo: both pages and the HTML view', async () => {
    const m = await load('0');
    await expect(m.list()).rejects.toSatisfy(isNotFound);
    await expect(m.message({ params: Promise.resolve({ id: 'anything' }) })).rejects.toSatisfy(isNotFound);
    expect((await htmlOf(m.html, 'anything')).status).toBe(404);
  });

  it('in the demo without SMTP_URL, the worker delivers into it and the HTML view serves the message for the sandboxed frame', async () => {
    const m = await load('1');
    const email = 'mailbox@t.example';
    const { account } = await makeAccount({ members: [email] });
    const { getDb } = await import('@/lib/server/db');
    const { queueMailToMembers } = await import('@/lib/mail/queue');
    const block = await makeBlock(account.id, { reason: 'manual', placedBy: 'staff' });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }),
    );

    expect(await m.worker.processMailOutbox()).toBe(1);
    const row = await getDb().mailMessage.findFirstOrThrow({ where: { to: email } });
    expect(row.status).toBe('done');
    const listed = await m.mailbox.listMail();
    expect(listed.map((x) => x.id)).toContain(row.id);
    const stored = (await m.mailbox.readMail(row.id))!;
    // The notice's link opens the "Continue" page (issue 12), which lands on the block page.
    expect(stored.text).toMatch(
      new RegExp(
        `http://localhost:3000/sign-in/link\\?token=[A-Za-z0-9_-]+&callbackUrl=${encodeURIComponent(`/blocks/${block.id}`)}`,
      ),
    );

    const res = await htmlOf(m.html, row.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<head><base target="_top">');
    expect((await htmlOf(m.html, '..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
  });
});
