// The mark of an answer that is news only until the switch answers. No server-only: the domain sets
// it (a decision that queued an operation for the switch, whose words say "on its way … this page
// shows when") and the browser's form reads it (components/ui/action-form.tsx).

/**
 * The `data` of a successful Outcome whose note says something is on its way to the switch. The form
 * that showed it drops those words once its page no longer waits for the switch (the page refreshes
 * itself while an operation is pending, components/auto-refresh.tsx, and then shows the switch's
 * confirmation or refusal itself), so "On its way" never stands beside "In force".
 */
export type AwaitsSwitch = { awaitsSwitch: true };

/** The one AwaitsSwitch value a decision returns as its data (lib/server/decide-once.ts `done`). */
export const AWAITS_SWITCH: AwaitsSwitch = { awaitsSwitch: true };

/** True when a form state's `data` (anything, from the wire) is AWAITS_SWITCH. */
export const awaitsSwitch = (data: unknown): data is AwaitsSwitch =>
  typeof data === 'object' && data !== null && (data as { awaitsSwitch?: unknown }).awaitsSwitch === true;
