import { z } from 'zod';

// The one definition of the provider's identifiers. The switch names them (docs/switch-api.md,
// "Path parameters"), so Tollgate accepts exactly what the switch accepts: an account or SIP
// username the switch can report must be one an operator can create here, or its events would be
// refused as unknown. Plain shapes, no `server-only`: the switch simulator and the admin CLI use them.
// The reference switch (switch/kamailio/src/provision.ts) keeps its own copy on purpose (it is a
// stand-alone program); tests/unit/identifiers.test.ts checks that the two agree.

/** `ACC-` then 1–20 digits or capital letters, e.g. `ACC-1001` (docs/switch-api.md). */
export const ACCOUNT_NUMBER_RE = /^ACC-[0-9A-Z]{1,20}$/;

/**
 * 1–128 letters, digits and `. _ @ + -`, starting with a letter or digit (docs/switch-api.md). They
 * travel in URL paths (URL-encoded), and the first-character rule keeps out `.` and `..`.
 */
export const SIP_USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

export const accountNumberSchema = z.string().regex(ACCOUNT_NUMBER_RE, 'must look like ACC-1001');
export const sipUsernameSchema = z
  .string()
  .regex(SIP_USERNAME_RE, 'must be 1–128 of letters, digits, . _ @ + -');
