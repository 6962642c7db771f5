import { z } from 'zod';
import { accountNumberSchema, sipUsernameSchema } from '../accounts/identifiers';

// The wire format of CONTRACTS §3, shared by the client (which validates what the switch says)
// and the simulator (which validates what Tollgate sends). No `server-only` here: these are plain
// shapes with no secrets, and the simulator runs under tsx, which cannot load `server-only`.

// Account numbers and SIP usernames have one definition, in lib/accounts/identifiers.ts (relative
// import: the simulator loads this file without the '@/' alias).
export { accountNumberSchema, sipUsernameSchema };

export const internationalCallingSchema = z.enum(['allowed', 'blocked']);
export type InternationalCalling = z.infer<typeof internationalCallingSchema>;

const isoDateTime = z.iso.datetime({ offset: true });

/** Body of `GET /v1/accounts/{n}` and of a successful `PUT …/international-calling`. */
export const switchAccountSchema = z.object({
  accountNumber: accountNumberSchema,
  internationalCalling: internationalCallingSchema,
  blockedAt: isoDateTime.nullable(),
  reason: z.string().max(500).nullable(),
});
export type SwitchAccount = z.infer<typeof switchAccountSchema>;

export const sipRegistrationSchema = z.object({
  contact: z.string().min(1).max(500),
  sourceIp: z.union([z.ipv4(), z.ipv6()]),
  userAgent: z.string().max(500),
  expiresAt: isoDateTime,
});
export type SipRegistration = z.infer<typeof sipRegistrationSchema>;

export const registrationsBodySchema = z.object({ registrations: z.array(sipRegistrationSchema).max(1000) });

/** Every 4xx/5xx from the switch. */
export const switchErrorBodySchema = z.object({
  error: z.object({ code: z.string().min(1).max(100), message: z.string().max(1000) }),
});
export type SwitchErrorBody = z.infer<typeof switchErrorBodySchema>;

export const setInternationalCallingBodySchema = z.strictObject({
  state: internationalCallingSchema,
  reason: z.string().trim().min(1).max(500),
  actor: z.string().trim().min(1).max(200),
});
export type SetInternationalCallingBody = z.infer<typeof setInternationalCallingBodySchema>;

/** Length only: strength is Tollgate's policy (zxcvbn), not the switch's. */
export const setSipPasswordBodySchema = z.strictObject({ password: z.string().min(1).max(128) });

/** CONTRACTS §3 asks for a UUID. `z.guid()` accepts any UUID version, as a switch should. */
export const idempotencyKeySchema = z.guid();
