'use client';
import { useActionState } from 'react';
import { CurrentPasswordField, Field } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { putBrowserTimeZone, TimeZoneField } from '@/components/ui/time-zone-field';
import type { SignInIntent } from '@/lib/auth/actions';
import type { ActionState } from '@/lib/server/safe-action';

type State = ActionState<{ intent: SignInIntent }>;
type Action = (prev: State | undefined, form: FormData) => Promise<State>;

/** The form's words (catalogue keys signIn.*), put in the reader's language by the server page. */
export type SignInWords = Record<
  'email' | 'password' | 'submit' | 'submitting' | 'or' | 'emailLink' | 'sendingLink',
  string
>;

/**
 * Password sign-in, and "Email me a sign-in link" as a second submit button of the same form, so
 * both use the one Email field; each has its own live region. Its words come as props (`words`):
 * with no message read in the browser, the sign-in page ships no next-intl provider, message
 * formatter or catalogue JSON (issue 14 goal 6, bench/README.md "lighthouse"); the actions' answers
 * are already words (lib/server/safe-action.ts).
 */
export function SignInForm({
  action,
  callbackUrl,
  words,
}: {
  action: Action;
  callbackUrl: string;
  words: SignInWords;
}) {
  const t = (key: keyof SignInWords) => words[key];
  // One action for both buttons (lib/auth/actions.ts signInFormAction): without JavaScript React
  // gives back only the form's own action's answer. Each answer goes by the button that asked.
  const [answer, formAction] = useActionState(action, undefined);
  const linkState = answer?.data?.intent === 'link' ? answer : undefined;
  const state = answer?.data?.intent === 'link' ? undefined : answer;
  // The browser's time zone goes with the password (read on submit), so the first page after
  // sign-in is in the reader's clock; the server keeps a zone the user chose in the profile, and
  // waits for the second factor when one is due. "Email me a sign-in link" sends it too, unused: the
  // link's Continue page carries the zone of the browser that opens it.
  return (
    <form
      action={formAction}
      onSubmit={putBrowserTimeZone}
      className="flex flex-col gap-4"
      noValidate
      aria-describedby="sign-in-message sign-in-link-message"
    >
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <TimeZoneField />
      <Field
        name="email"
        label={t('email')}
        type="email"
        autoComplete="username"
        required
        defaultValue={linkState?.values?.email ?? state?.values?.email}
        errors={linkState?.fieldErrors?.email ?? state?.fieldErrors?.email}
      />
      <CurrentPasswordField name="password" label={t('password')} errors={state?.fieldErrors?.password} />
      <FormMessage id="sign-in-message" message={state?.message} />
      <SubmitButton name="intent" value="password" pendingText={t('submitting')}>
        {t('submit')}
      </SubmitButton>
      <p className="text-center text-sm text-slate-600">{t('or')}</p>
      <SubmitButton
        variant="secondary"
        name="intent"
        value="link"
        pendingText={t('sendingLink')}
        formNoValidate
      >
        {t('emailLink')}
      </SubmitButton>
      <FormMessage id="sign-in-link-message" message={linkState?.message} ok={linkState?.ok} />
    </form>
  );
}
