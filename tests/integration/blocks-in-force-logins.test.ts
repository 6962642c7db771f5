import { createElement as h } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { BlocksInForceList } from '@/components/staff/blocks-in-force';
import { listBlocksInForce } from '@/lib/staff/blocks-in-force';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';

// A blocked account with no customer login read "No member has signed in since the block" on the
// blocks in force (/staff/blocks), as if someone could have: nobody can see or act on that block in
// the portal, and the agent must call. The row now says so.

const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000);

describe.each(dialects())('blocks in force of an account with no customer login, on %s', (dialect) => {
  let agent: CurrentUser;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    await useFreshDb(dialect);
    agent = await makeStaff();
    // No member at all (an account the operator made, its logins not yet created).
    const nobody = await makeAccount({ members: [] });
    ids.nobody = (await makeBlock(nobody.account.id, { placedAt: at(0) })).id;
    // A member, who has not signed in since the block.
    const silent = await makeAccount();
    ids.silent = (await makeBlock(silent.account.id, { placedAt: at(1) })).id;
    // Two members, one signed in since the block.
    const seen = await makeAccount({ members: [`a-${T0}@test.example`, `b-${T0}@test.example`] });
    ids.seen = (await makeBlock(seen.account.id, { placedAt: at(2) })).id;
    await getDb().auditLog.create({
      data: { action: 'sign_in.success', actorId: seen.users[1]!.id, at: new Date() },
    });
    // A staff login that is a member (as on a demo account) is no customer login.
    const staffOnly = await makeAccount({ members: [] });
    const staffer = await getDb().user.findUniqueOrThrow({ where: { id: agent.id } });
    await getDb().membership.create({ data: { userId: staffer.id, accountId: staffOnly.account.id } });
    ids.staffOnly = (await makeBlock(staffOnly.account.id, { placedAt: at(3) })).id;
  });

  it('counts each account’s customer logins in the page’s one statement', async () => {
    const page = await listBlocksInForce(agent);
    const byId = new Map(page.items.map((b) => [b.id, b]));
    expect(byId.get(ids.nobody)).toMatchObject({ logins: 0, signedInAt: null });
    expect(byId.get(ids.silent)).toMatchObject({ logins: 1, signedInAt: null });
    expect(byId.get(ids.seen)!.logins).toBe(2);
    expect(byId.get(ids.seen)!.signedInAt).toBeInstanceOf(Date);
    expect(byId.get(ids.staffOnly)).toMatchObject({ logins: 0, signedInAt: null });
  });

  it('says “no customer login: call” for it, in English and Spanish; “not signed in” only where someone could', async () => {
    const page = await listBlocksInForce(agent);
    const row = (id: string, locale: 'en' | 'es') =>
      text(
        render(
          h(BlocksInForceList, {
            items: page.items.filter((b) => b.id === id),
            timeZone: 'UTC',
            empty: 'none',
          }),
          locale,
        ),
      );
    const nobody = row(ids.nobody, 'en');
    expect(nobody).toContain(
      'No unblock request · The account has no customer login: nobody can see or act on this block in the portal, so call the customer',
    );
    expect(nobody).not.toContain('No member has signed in');
    expect(row(ids.staffOnly, 'en')).toContain('The account has no customer login');
    expect(row(ids.silent, 'en')).toContain('No unblock request · No member has signed in since the block');
    expect(row(ids.seen, 'en')).toMatch(/No unblock request · A member signed in /);
    const es = row(ids.nobody, 'es');
    expect(es).toContain(
      'La cuenta no tiene ningún acceso de cliente al portal: nadie puede ver este bloqueo ni actuar sobre él en el portal, así que llame al cliente',
    );
    expect(es).not.toMatch(/switch/i);
  });
});
