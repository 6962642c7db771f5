// What a switch call can come back as. The split that matters to callers is "is it known that
// nothing changed?" (CONTRACTS §3): `rejected` and `not_found` are answers from the switch, so
// nothing was applied; `unavailable` and `invalid_response` are not answers, so the change may or
// may not have been applied and must never be reported as done. No `server-only`: pure types and
// text, usable wherever a result is rendered.

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
  return failure.kind === 'unavailable' || failure.kind === 'invalid_response';
}

/**
 * An honest sentence for the person who asked for `action` (e.g. "your new SIP password",
 * "lifting the block"). It never says "done", and it only says "nothing changed" when the switch
 * actually answered with a refusal.
 */
export function failureMessage(failure: SwitchFailure, action: string): string {
  switch (failure.kind) {
    case 'unavailable':
      return `The switch did not confirm ${action}, so we cannot treat it as done. It may still take effect; please check again in a minute before relying on it.`;
    case 'invalid_response':
      return `The switch gave an answer about ${action} that we could not read, so we cannot treat it as done. Please check again in a minute, and contact support if this keeps happening.`;
    case 'not_found':
      return `The switch does not know this account or SIP credential, so nothing was changed for ${action}. Please contact support.`;
    case 'rejected':
      return failure.status === 401 || failure.status === 403
        ? `The switch refused ${action} because the portal is not authorised to change it. Nothing was changed; please contact support.`
        : `The switch refused ${action}. Nothing was changed.`;
  }
}
