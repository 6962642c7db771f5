import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/server/env';
import { VALID_ENV } from '@/tests/helpers/config';

// RETENTION_DAYS (lib/server/retention.ts): how long finished rows of the working tables are kept.

describe('RETENTION_DAYS', () => {
  it('is 90 days when unset or blank, and takes whole days from 7 to 3650', () => {
    expect(parseEnv(VALID_ENV).RETENTION_DAYS).toBe(90);
    expect(parseEnv({ ...VALID_ENV, RETENTION_DAYS: '' }).RETENTION_DAYS).toBe(90);
    expect(parseEnv({ ...VALID_ENV, RETENTION_DAYS: '7' }).RETENTION_DAYS).toBe(7);
    expect(parseEnv({ ...VALID_ENV, RETENTION_DAYS: '3650' }).RETENTION_DAYS).toBe(3650);
  });

  it('refuses a period shorter than the switch’s and the mail outbox’s retries, and anything not a number of days', () => {
    // 6 days or less: a finished row could go while the switch may still send its event again (3 days)
    // or while the mail outbox still reads what it sent (3 days).
    for (const bad of ['0', '3', '6', '3651', ' ', 'abc', '-90', '90d', '1e2', '90.0'])
      expect(() => parseEnv({ ...VALID_ENV, RETENTION_DAYS: bad }), bad).toThrow(
        /RETENTION_DAYS: must be a whole number of days from 7 to 3650/,
      );
  });
});
