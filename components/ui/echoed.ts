import type { ActionState } from '@/lib/server/safe-action';

/**
 * The text a form field had when its action refused it (the action's `echo` list brings it back in
 * `values`), for `defaultValue`: React resets a form after an action, so without it the typing is
 * lost. Undefined when the field was not echoed or is a checkbox group (an array).
 */
export function echoed(state: ActionState | undefined, key: string): string | undefined {
  const v = state?.values?.[key];
  return typeof v === 'string' ? v : undefined;
}
