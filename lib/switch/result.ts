// What a switch call can come back as. The split that matters to callers is "is it known that
// nothing changed?" (CONTRACTS §3): `rejected` and `not_found` are answers from the switch, so
// nothing was applied; `unavailable` and `invalid_response` are not answers, so the change may or
// may not have been applied and must never be reported as done. No `server-only`: pure types and
// text, usable wherever a result is rendered.

import type { Note } from '@/lib/i18n/note';

export type SwitchFailureKind = 'rejected' | 'unavailable' | 'not_found' | 'invalid_response';

export type SwitchFailure = {
  ok: false;
  kind: SwitchFailureKind;
  /** HTTP status, when the switch answered at all. */
  status?: number;
  /** The switch's `error.code`, or ours: `timeout`, `connection_error`, `aborted`, `bad_body`. */
  code?: string;
  /** For logs and staff; never contains a SIP password. Not meant for customers: see `failureMessage`. */
  message: string;
  /**
   * How long the switch asked Tollgate to wait before asking again (its `Retry-After` on a 429, a 503
   * or another "try later" answer), in ms. An outbox does not send the operation again sooner.
   */
  retryAfterMs?: number;
};

export type SwitchResult<T> = { ok: true; value: T } | SwitchFailure;

/** True when the switch itself said no: safe to tell the user that nothing changed. */
export function isKnownNotApplied(failure: SwitchFailure): boolean {
  return failure.kind === 'rejected' || failure.kind === 'not_found';
}

/**
 * Worth sending again later with the same Idempotency-Key: the switch gave no final answer. This
 * includes `invalid_response` — a garbled 200 may mean "applied" — so an outbox keeps the operation
 * pending (the key makes the re-send harmless) instead of reporting a refusal that never happened.
 * The transport itself does not repeat an `invalid_response` at once: a broken answer tends to be
 * broken again a few milliseconds later.
 */
export function isRetryable(failure: SwitchFailure): boolean {
  return failure.kind === 'unavailable' || failure.kind === 'invalid_response' || refusedTollgate(failure);
}

/**
 * The switch refused Tollgate itself, not the change: `401`/`403`, a wrong or rotated
 * `SWITCH_API_TOKEN` (docs/switch-api.md: "wrong token; nothing changed"). Known not applied, so a
 * person asking gets "not authorised, nothing changed"; an outbox keeps the change and sends it again
 * once the token is right (docs/operations.md, "`SWITCH_API_TOKEN`": during a rotation a call refused
 * with 401 stays in the outbox). Until the thirty-third session the outboxes took it as the switch's
 * final refusal: a lift reopened its request, a manual block was dropped, an allowance's DELETE was
 * given up while the allowance stayed in force.
 */
export function refusedTollgate(failure: SwitchFailure): boolean {
  return failure.kind === 'rejected' && (failure.status === 401 || failure.status === 403);
}

/**
 * An honest sentence (a Note: catalogue outcome.switch.*) for the person who asked for `action`
 * (a Note such as outcome.switch.action.sipPassword, or plain words). It never says "done", and it
 * only says "nothing changed" when the switch actually answered with a refusal.
 */
export function failureNote(failure: SwitchFailure, action: Note | string): Note {
  const values = { action };
  switch (failure.kind) {
    case 'unavailable':
      return { key: 'outcome.switch.unavailable', values };
    case 'invalid_response':
      return { key: 'outcome.switch.invalidResponse', values };
    case 'not_found':
      return { key: 'outcome.switch.notFound', values };
    case 'rejected':
      return {
        key: refusedTollgate(failure) ? 'outcome.switch.notAuthorised' : 'outcome.switch.refused',
        values,
      };
  }
}
