'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useRef, useState } from 'react';
import { resetSipAction } from '@/lib/credentials/actions';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { CopyButton } from '@/components/sip/copy-button';
import { StrengthMeter } from '@/components/sip/strength-meter';
import { useStrength } from '@/components/sip/use-strength';
import type { ActionState } from '@/lib/server/safe-action';
import { GENERATED_DEFAULT, GENERATED_MAX, GENERATED_MIN, generatePassword, lengthNote } from '@/lib/passwords/generate';
import { contextWords } from '@/lib/passwords/strength';

type Props = { credentialId: string; username: string; label: string; userInputs: string[]; minGuessesLog10: number; backHref: string };
type Result = ActionState<{ liftQueued: boolean }>;

export function ResetForm({ credentialId, username, label, userInputs, minGuessesLog10, backHref }: Props) {
  const [password, setPassword] = useState('');
  const [visible, setVisible] = useState(false);
  const [length, setLength] = useState(GENERATED_DEFAULT);
  const [simple, setSimple] = useState(false);
  // The one display of the new password comes from the browser's own memory, never from the server.
  const submitted = useRef('');
  const [shown, setShown] = useState<string | null>(null);
  const router = useRouter();
  const [state, action] = useActionState(async (prev: Result | undefined, form: FormData): Promise<Result> => {
    submitted.current = String(form.get('password') ?? '');
    const r = await resetSipAction(prev, form);
    if (r.ok) {
      setShown(submitted.current);
      setPassword('');
      // The switch ended the old password's registrations: show the page's device list as it is now.
      router.refresh();
    }
    submitted.current = '';
    return r;
  }, undefined);
  const assessment = useStrength(password, { userInputs, username, rule: { sipMinGuessesLog10: minGuessesLog10 } });
  // A generated password always passes: the rare draw zxcvbn finds a pattern in is drawn again.
  const generated = useRef<string | null>(null);
  const generate = () => {
    const p = generatePassword(length, simple, contextWords([...userInputs, username]));
    generated.current = p;
    setPassword(p);
    setVisible(true);
  };
  useEffect(() => {
    if (assessment && !assessment.acceptable && password === generated.current) generate();
  });
  const note = lengthNote(length);

  if (state?.ok && shown !== null) {
    return (
      <div className="flex flex-col gap-3 rounded-md border border-emerald-300 bg-emerald-50 p-4" role="status">
        <p className="text-lg font-semibold text-emerald-900">Password updated</p>
        <p>The switch confirmed the new password for {label} ({username}). It is shown only this once:</p>
        <div className="flex flex-wrap items-center gap-2">
          <code className="rounded bg-white px-2 py-1 font-mono text-lg break-all" data-testid="new-password">{shown}</code>
          <CopyButton text={shown} />
        </div>
        <p><strong>Now enter it on the device</strong> ({label}): until you do, it cannot register or make calls.</p>
        {state.data?.liftQueued ? <p>Every affected password is changed: international calling is being re-enabled on the switch.</p> : null}
        <Link href={backHref} onClick={() => setShown(null)} className="self-start rounded-md bg-blue-800 px-4 py-2 font-semibold text-white">Done</Link>
      </div>
    );
  }

  return (
    <form action={action} className="flex max-w-xl flex-col gap-4" noValidate>
      <input type="hidden" name="credentialId" defaultValue={credentialId} />
      <fieldset className="flex flex-col gap-3 rounded-md border border-slate-300 bg-white p-4">
        <legend className="px-1 font-semibold">Recommended: a generated password</legend>
        <div className="flex flex-wrap items-end gap-4">
          <div className="flex flex-col gap-1">
            <label htmlFor="gen-length" className="text-sm font-medium">Length</label>
            <input id="gen-length" type="number" min={GENERATED_MIN} max={GENERATED_MAX} value={length} onChange={(e) => setLength(Number(e.target.value))} aria-describedby={note ? 'gen-length-note' : undefined} className="w-24 rounded-md border border-slate-400 px-2 py-1" />
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={simple} onChange={(e) => setSimple(e.target.checked)} className="h-5 w-5" />
            Letters and digits only (for phones where you type it on the keypad)
          </label>
        </div>
        {note ? <p id="gen-length-note" className="text-sm text-amber-900" aria-live="polite">{note}</p> : null}
        <button type="button" onClick={generate} className="self-start rounded-md bg-blue-800 px-4 py-2 font-semibold text-white hover:bg-blue-900">
          Generate strong password
        </button>
      </fieldset>
      <div className="flex flex-col gap-1">
        <label htmlFor="password" className="font-medium">New SIP password</label>
        <p id="password-hint" className="text-sm text-slate-600">Or type your own: at least 12 characters, not containing your account number, company name, SIP username or email, and none of <span className="font-mono">: ; @ # % &amp; &quot; &apos; \ &lt; &gt;</span>, spaces or letters outside A–Z, which some phones cannot take.</p>
        <div className="flex gap-2">
          <input id="password" name="password" type={visible ? 'text' : 'password'} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" spellCheck={false} maxLength={128}
            aria-describedby={`password-hint${state?.fieldErrors?.password ? ' password-error' : ''}`} aria-invalid={state?.fieldErrors?.password ? true : undefined}
            className="min-w-0 flex-1 rounded-md border border-slate-400 px-3 py-2 font-mono" />
          <button type="button" onClick={() => setVisible(!visible)} aria-pressed={visible} className="rounded-md border border-slate-400 px-3 text-sm">{visible ? 'Hide' : 'Show'}</button>
        </div>
        {state?.fieldErrors?.password ? <p id="password-error" className="text-sm text-red-800">{state.fieldErrors.password.join(' ')}</p> : null}
      </div>
      <StrengthMeter assessment={assessment} empty={!password} attack="a captured SIP login could be cracked on one graphics card" />
      <FormMessage id="reset-message" message={state?.fieldErrors?.password ? undefined : state?.message} ok={state?.ok} />
      <div><SubmitButton pendingText="Waiting for the switch…">Set password</SubmitButton></div>
    </form>
  );
}
