'use client';
import { echoed } from '@/components/ui/echoed';
import type { ActionState } from '@/lib/server/safe-action';
import { Checkbox } from '@/components/ui/field';

/**
 * "Also remove the portal password" on the form that enables a login again (a customer login on its
 * account page, a staff login on /staff/users): ticked at first, since a login is most often disabled
 * because someone else may have its password; after a refusal, as it was sent (an unticked box is not
 * sent). `id` unique per login and form; `label` and `hint` translated by the caller.
 */
export function ClearPasswordField({
  id,
  state,
  label,
  hint,
}: {
  id: string;
  state: ActionState | undefined;
  label: string;
  hint: string;
}) {
  return (
    <>
      <Checkbox
        id={`${id}-clear`}
        name="clearPassword"
        value="on"
        defaultChecked={state?.values && !state.ok ? echoed(state, 'clearPassword') === 'on' : true}
        label={label}
        errors={state?.fieldErrors?.clearPassword}
        aria-describedby={`${id}-clear-hint`}
      />
      <p id={`${id}-clear-hint`} className="text-sm text-slate-700">
        {hint}
      </p>
    </>
  );
}
