import { describe, expect, it, vi } from 'vitest';
import type { MailTransport, OutgoingMail } from '@/lib/mail/transport';

// The mail worker renders a message (reading the user's revocation mark, lib/mail/render.ts) and then,
// in a transaction of its own, makes its sign-in link valid. A revocation ("Sign out everywhere")
// that commits between the two must not be outlived by that link (review 9c): the worker reads the
// mark again under the user row's lock and renders the mail again. Here the revocation is run exactly
// there, through a wrapper around renderMessage.
const hook: { between: (() => Promise<void>) | null } = { between: null };
vi.mock('@/lib/mail/render', async (orig) => {
  const real = (await orig()) as typeof import('@/lib/mail/render');
  return {
    ...real,
    renderMessage: async (...a: Parameters<typeof real.renderMessage>) => {
      const r = await real.renderMessage(...a);
      const between = hook.between;
      hook.between = null;
      if (between) await between();
      return r;
    },
  };
});

const { getDb } = await import('@/lib/server/db');
const { queueMailToMembers } = await import('@/lib/mail/queue');
const { revokeSignInLinks } = await import('@/lib/auth/revoke');
const { processMailOutbox } = await import('@/lib/mail/worker');
const { dialects, useFreshDb } = await import('@/tests/helpers/db');
const { makeAccount, makeBlock, makeLockedUser } = await import('@/tests/helpers/factory');

type Sent = OutgoingMail;
const mailbox = (sent: Sent[]): MailTransport => ({
  kind: 'mailbox',
  send: async (m) => (sent.push(m), { messageId: `<${m.id}@test>`, response: '250 OK' }),
});

describe.each(dialects())(
  'a revocation between rendering a mail and recording its link, on %s',
  (dialect) => {
    it('a lock mail queued before it is not sent, its link is not made, and the fresh lock mail goes out', async () => {
      await useFreshDb(dialect);
      const email = `race-lock-${dialect}@t.example`;
      const db = getDb();
      const { lockMail: stale } = await makeLockedUser(email);
      await new Promise((r) => setTimeout(r, 5));
      hook.between = () => db.$transaction((tx) => revokeSignInLinks(tx, email)).then(() => undefined);
      const sent: Sent[] = [];
      await processMailOutbox({ transport: mailbox(sent), max: 1 });
      expect(sent.map((m) => m.id)).not.toContain(stale.id);
      expect(await db.verificationToken.count({ where: { identifier: `mfa-unlock:${email}` } })).toBe(0);
      // The lock mail the revocation queued is the one that goes out, with the one live unlock link.
      await processMailOutbox({ transport: mailbox(sent), max: 5 });
      expect(sent).toHaveLength(1);
      expect(await db.verificationToken.count({ where: { identifier: `mfa-unlock:${email}` } })).toBe(1);
    });

    it('a block notice queued before it is sent without its link, and no link row is made', async () => {
      await useFreshDb(dialect);
      const email = `race-notice-${dialect}@t.example`;
      const db = getDb();
      const { account } = await makeAccount({ members: [email] });
      const block = await makeBlock(account.id, { reason: 'manual', placedBy: 'staff' });
      await db.$transaction((tx) =>
        queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }),
      );
      await new Promise((r) => setTimeout(r, 5));
      hook.between = () => db.$transaction((tx) => revokeSignInLinks(tx, email)).then(() => undefined);
      const sent: Sent[] = [];
      await processMailOutbox({ transport: mailbox(sent), max: 1 });
      expect(sent).toHaveLength(1);
      expect(sent[0]!.text).not.toMatch(/token=/);
      expect(sent[0]!.text).toContain(`/blocks/${block.id}`);
      expect(await db.verificationToken.count({ where: { identifier: email } })).toBe(0);
    });
  },
);
