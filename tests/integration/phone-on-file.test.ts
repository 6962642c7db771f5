import { beforeAll, describe, expect, it } from 'vitest';
import { phoneOnFileForUser } from '@/lib/accounts/phone-on-file';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';

// The misdial form's "Callback phone" started empty though the account had a number on file (a
// tester in Mexico City, 2026-12-07): it starts with that number now, as a person reads it.

describe.each(dialects())('the callback number on file a request form starts with, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('is the account’s number in international format, with its extension, read back as the same number', async () => {
    const { account, users } = await makeAccount();
    await getDb().customerAccount.update({
      where: { id: account.id },
      data: { country: 'MX', phone: '+525512345678' },
    });
    expect(await phoneOnFileForUser(users[0].id, account.id)).toBe('+52 55 1234 5678');
    await getDb().customerAccount.update({
      where: { id: account.id },
      data: { country: 'ES', phone: '+34912345678;ext=21' },
    });
    expect(await phoneOnFileForUser(users[0].id, account.id)).toBe('+34 912 34 56 78 ext. 21');
    // Sent unchanged, the request's callback check stores the number on file.
    expect(checkCallbackNumber('+34 912 34 56 78 ext. 21', 'ES')).toMatchObject({
      ok: true,
      stored: '+34912345678;ext=21',
    });
  });

  it('is null without one, and for an account that is not the user’s', async () => {
    const { account, users } = await makeAccount();
    expect(await phoneOnFileForUser(users[0].id, account.id)).toBeNull();
    const other = await makeAccount();
    await getDb().customerAccount.update({
      where: { id: other.account.id },
      data: { phone: '+12025550143' },
    });
    expect(await phoneOnFileForUser(users[0].id, other.account.id)).toBeNull();
    expect(await phoneOnFileForUser(other.users[0].id, other.account.id)).toBe('+1 202 555 0143');
  });
});
