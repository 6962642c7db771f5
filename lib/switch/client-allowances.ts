import 'server-only';
import type { SwitchResult } from './result';
import {
  accountNumberSchema,
  countryCodeSchema,
  destinationAllowancesAnswerSchema,
  type DestinationAllowancesAnswer,
  issuePaths,
  type PutDestinationAllowancesBody,
  switchActor,
} from './schemas';
import { send, type TransportConfig } from './transport';

// The destination-allowance calls of CONTRACTS §3 (issue 16), kept beside client.ts so that the
// client's other calls stay as they are. Both are keyed mutations: the caller (the switch outbox,
// lib/allowances/outbox.ts) passes the operation's Idempotency-Key, and a re-send applies once.

export type AllowanceCalls = {
  /**
   * `PUT /v1/accounts/{n}/destination-allowances` with `{countries, until (ISO), reason, actor}`.
   * Resolves the account's allowances after the change (`200`), or a failure; a timeout or 5xx is
   * `unavailable` ("not known to be applied"), never a success.
   */
  putDestinationAllowances(
    accountNumber: string,
    body: PutDestinationAllowancesBody,
    idempotencyKey: string,
    opts?: { signal?: AbortSignal },
  ): Promise<SwitchResult<DestinationAllowancesAnswer>>;
  /** `DELETE /v1/accounts/{n}/destination-allowances/{country}` → `{ ok: true }` on 204. */
  deleteDestinationAllowance(
    accountNumber: string,
    country: string,
    idempotencyKey: string,
    opts?: { signal?: AbortSignal },
  ): Promise<SwitchResult<void>>;
};

const refused = (what: string): SwitchResult<never> => ({
  ok: false,
  kind: 'rejected',
  code: 'invalid_request',
  message: `invalid ${what}; nothing was sent to the switch`,
});
const badBody = (): SwitchResult<never> => ({
  ok: false,
  kind: 'invalid_response',
  code: 'bad_body',
  message: 'the switch answered with a body that does not match the contract',
});

export async function putDestinationAllowances(
  cfg: TransportConfig,
  accountNumber: string,
  body: PutDestinationAllowancesBody,
  idempotencyKey: string,
  opts?: { signal?: AbortSignal },
): Promise<SwitchResult<DestinationAllowancesAnswer>> {
  if (!accountNumberSchema.safeParse(accountNumber).success) return refused('account number');
  if (!body.countries.every((c) => countryCodeSchema.safeParse(c).success)) return refused('country');
  const wire = {
    countries: body.countries,
    until: body.until,
    reason: body.reason,
    actor: switchActor(body.actor),
  };
  const res = await send(cfg, {
    method: 'PUT',
    path: `/v1/accounts/${accountNumber}/destination-allowances`,
    body: wire,
    idempotencyKey,
    signal: opts?.signal,
    check: (json) => {
      const parsed = destinationAllowancesAnswerSchema.safeParse(json);
      if (!parsed.success) return issuePaths(parsed.error);
      return parsed.data.accountNumber === accountNumber ? null : 'accountNumber names another account';
    },
  });
  if (!res.ok) return res;
  const parsed = destinationAllowancesAnswerSchema.safeParse(res.value);
  // An answer about another account is as useless as a garbled one.
  return parsed.success && parsed.data.accountNumber === accountNumber
    ? { ok: true, value: parsed.data }
    : badBody();
}

export async function deleteDestinationAllowance(
  cfg: TransportConfig,
  accountNumber: string,
  country: string,
  idempotencyKey: string,
  opts?: { signal?: AbortSignal },
): Promise<SwitchResult<void>> {
  if (!accountNumberSchema.safeParse(accountNumber).success) return refused('account number');
  if (!countryCodeSchema.safeParse(country).success) return refused('country');
  const res = await send(cfg, {
    method: 'DELETE',
    path: `/v1/accounts/${accountNumber}/destination-allowances/${country}`,
    idempotencyKey,
    signal: opts?.signal,
  });
  return res.ok ? { ok: true, value: undefined } : res;
}
