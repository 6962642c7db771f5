import crypto from 'node:crypto';

/**
 * An address no other test has: `{local}-{32 hex digits}@{domain}` (default domain t.example). The
 * random part is one word: a dashed UUID's four-character groups ("4410") are context words to the
 * password rules (lib/passwords/words.ts), so a fixed test password with "4410" in it was refused as
 * containing the login's address (tests/integration/password-change-limit.test.ts, about once in 4 096
 * runs; it failed the CI of stop 57).
 */
export const uniqueEmail = (local: string, domain = 't.example') =>
  `${local}-${crypto.randomUUID().replaceAll('-', '')}@${domain}`;
