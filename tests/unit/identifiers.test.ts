import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_NUMBER_RE,
  accountNumberAsTyped,
  accountNumberInField,
  accountNumberSchema,
  SIP_USERNAME_RE,
  sipUsernameSchema,
} from '@/lib/accounts/identifiers';
import { DEMO_ACCOUNTS } from '@/lib/demo/data';
import * as wire from '@/lib/switch/schemas';
import * as reference from '../../switch/kamailio/src/provision';

// Account numbers and SIP usernames have one definition (lib/accounts/identifiers.ts), the one the
// switch API states (docs/switch-api.md, "Path parameters"). The admin CLI used to accept a narrower
// set (ACC- and 3–12 digits; 3–63 lowercase characters) than the switch names, so an account or a
// credential the switch reports could not be created in Tollgate.

describe('identifiers', () => {
  it('the switch wire format uses the same schemas, not a copy', () => {
    expect(wire.accountNumberSchema).toBe(accountNumberSchema);
    expect(wire.sipUsernameSchema).toBe(sipUsernameSchema);
  });

  it('the stand-alone reference switch keeps the same patterns', () => {
    expect(reference.ACCOUNT_NUMBER_RE.source).toBe(ACCOUNT_NUMBER_RE.source);
    expect(reference.SIP_USERNAME_RE.source).toBe(SIP_USERNAME_RE.source);
  });

  it('accepts every demo account and credential (CONTRACTS demo data)', () => {
    for (const a of DEMO_ACCOUNTS) {
      expect(accountNumberSchema.safeParse(a.number).success, a.number).toBe(true);
      for (const c of a.credentials)
        expect(sipUsernameSchema.safeParse(c.username).success, c.username).toBe(true);
    }
  });

  it.each(['ACC-1001', 'ACC-7', 'ACC-A1B2', 'ACC-12345678901234567890'])('accepts account number %s', (n) => {
    expect(accountNumberSchema.safeParse(n).success).toBe(true);
  });

  it.each(['acc-1001', 'ACC-', 'ACC-10 01', 'ACC-abc', 'ACC-123456789012345678901', '1001', 'ACC-1001/..'])(
    'refuses account number %j',
    (n) => {
      expect(accountNumberSchema.safeParse(n).success).toBe(false);
    },
  );

  it.each(['acme-reception', 'front+desk', 'Desk.2', 'a', 'trunk_1@pbx', 'x'.repeat(128)])(
    'accepts SIP username %s',
    (u) => {
      expect(sipUsernameSchema.safeParse(u).success).toBe(true);
    },
  );

  it.each(['', '.', '..', '.hidden', '-x', 'a/b', 'a b', 'a%2F', 'x'.repeat(129)])(
    'refuses SIP username %j',
    (u) => {
      expect(sipUsernameSchema.safeParse(u).success).toBe(false);
    },
  );

  it('reads an account number as a person types it from a call, and nothing else', () => {
    for (const typed of [
      'acc 1001',
      'ACC1001',
      'Acc\u20131001',
      'a.c.c. 10 01',
      'ACC-1001',
      'ＡＣＣ－１００１',
      ' acc#1001 ',
    ])
      expect(accountNumberAsTyped(typed), typed).toBe('ACC-1001');
    for (const typed of [
      'accent',
      'Acc Ent',
      'acc',
      'ACC-',
      'acme dental',
      'dana@acme.example',
      `acc ${'1'.repeat(21)}`,
    ])
      expect(accountNumberAsTyped(typed), typed).toBeNull();
  });

  it('reads a number without its "ACC" where a field holds only an account number', () => {
    for (const typed of ['1001', ' 10 01 ', '#1001', '１００１', 'acc 1001', 'ACC-1001'])
      expect(accountNumberInField(typed), typed).toBe('ACC-1001');
    for (const typed of ['accent', 'dental', 'A1001', '', '1'.repeat(21)])
      expect(accountNumberInField(typed), typed).toBeNull();
  });
});
