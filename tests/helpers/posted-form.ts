import { PassThrough } from 'node:stream';
import { createElement as h, type ReactElement, type ReactNode } from 'react';
import type { ReactFormState } from 'react-dom/client';
import { renderToPipeableStream } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { AppRouterContext } from 'next/dist/shared/lib/app-router-context.shared-runtime';
import type { FormAction } from '@/components/ui/action-form';
import type { ActionState } from '@/lib/server/safe-action';
import en from '@/messages/en.json';
import { ResetForm, type ResetAnswer } from '@/components/sip/reset-form';
import { CREDENTIALS_CLIENT_NAMESPACES, pickMessages } from '@/lib/i18n/client-messages';
import { translator } from '@/lib/i18n/translate';

// A form as a browser without JavaScript gets it: the server's render of the page, first as it opens,
// then as the answer to its post. React renders a form whose action is a server action (what Next
// hands a client component for an action its page imports: a function with `$$FORM_ACTION`, which
// gives the fields a plain POST carries) as a `method="POST"` form; any other function, such as a
// closure made around the action in the browser, as `action="javascript:throw …"`, which posts nothing.
// After a plain POST, Next renders the page again with the action's answer as React's `formState`, and
// `useActionState` starts from it: renderAnswered does the same.

/** React's `formState` (react-dom/server): the answer, the form's key, the action's id, its bound arguments. */
type FormState = [unknown, string, string, number];

/**
 * A server action as React's server renderer sees one, and the fields its form posts: `imported`, an
 * action a client component imports itself (in a test, a plain function: given the marks here), or a
 * stand-in that a render never calls.
 */
function serverAction<T>(imported?: FormAction<T>): { action: FormAction<T>; posted: () => FormData | null } {
  let last: FormData | null = null;
  const fields = () => {
    last = new FormData();
    return { name: '$ACTION_REF_1', method: 'POST', encType: 'multipart/form-data', data: last };
  };
  const action =
    imported ??
    (async (): Promise<ActionState<T>> => {
      throw new Error('a render does not call the action');
    });
  const signature = { $$FORM_ACTION: fields, $$IS_SIGNATURE_EQUAL: () => true };
  // useActionState binds the last answer to the action; a server reference stays one when bound.
  const bind = (...args: unknown[]) =>
    Object.assign(Function.prototype.bind.apply(action, args as [unknown, ...unknown[]]), signature);
  return { action: Object.assign(action, signature, { bind }) as FormAction<T>, posted: () => last };
}

/** The HTML of `node` as the server renders it, with `formState` when it answers a post. */
export function renderHtml(node: ReactNode, formState?: FormState): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = renderToPipeableStream(node, {
      formState: (formState ?? null) as ReactFormState | null,
      onShellError: reject,
      onError: reject,
      onAllReady() {
        const out = new PassThrough();
        let html = '';
        out.on('data', (chunk: Buffer) => (html += chunk.toString('utf8')));
        out.on('end', () => resolve(html));
        stream.pipe(out);
      },
    });
  });
}

/** A router for the components that call useRouter (next/navigation), which a render never uses. */
const router = {
  back() {},
  forward() {},
  refresh() {},
  hmrRefresh() {},
  push() {},
  replace() {},
  prefetch() {},
};

/** `node` inside what a page of the portal gives its client components: the router and the English words. */
export function inPage(node: ReactNode): ReactElement {
  return h(
    AppRouterContext.Provider,
    { value: router as never },
    h(NextIntlClientProvider, { locale: 'en', messages: en, timeZone: 'UTC', children: node }),
  );
}

/**
 * The page a browser without JavaScript gets for the form `form(action)`: as it opens (`answer`
 * undefined), or as the answer to its post (`answer`, the action's state). `imported`: the action the
 * form's component imports itself (the staff forms), rather than one its page passes (`action`).
 * Throws when the form does not post its action (React renders it with `action="javascript:throw …"`,
 * and nothing is sent).
 */
export async function renderAnswered<T>(
  form: (action: FormAction<T>) => ReactNode,
  answer?: ActionState<T>,
  imported?: FormAction<T>,
): Promise<string> {
  const { action, posted } = serverAction<T>(imported);
  const opened = await renderHtml(inPage(form(action)));
  const key = posted()?.get('$ACTION_KEY');
  if (typeof key !== 'string') throw new Error('this form does not post its action without JavaScript');
  if (answer === undefined) return opened;
  return renderHtml(inPage(form(action)), [answer, key, 'action', 0]);
}

const t = translator('en');

/** The idempotency key resetForm's render carries. */
export const RESET_KEY = '8d0f1c52-4b8e-4e39-9b7c-2a1d3e4f5a6b';

/**
 * The SIP password form as the reset page renders it (app/credentials/[id]/reset/page.tsx), in English,
 * for the credential `credentialId` (default `cred-1`, username acme-reception), with `action`.
 */
export const resetForm = (action: FormAction<ResetAnswer>, credentialId = 'cred-1') =>
  h(ResetForm, {
    action,
    credentialId,
    idempotencyKey: RESET_KEY,
    username: 'acme-reception',
    userInputs: ['ACC-1001', 'Acme Dental', 'acme-reception', 'dana@acme.example'],
    minGuessesLog10: 18,
    backHref: '/blocks/b1',
    hint: 'Or type your own: at least 12 characters.',
    confirmed: 'The switch confirmed the new password for Reception.',
    enterOnDevice: 'Now enter it on the device.',
    words: {
      updated: t('reset.updated'),
      lengthHint: t('password.generate.lengthHint', { min: 21, max: 64 }),
      copy: t('reset.copy'),
      copied: t('reset.copied'),
      liftQueued: t('reset.liftQueued'),
      done: t('reset.done'),
      generatedLegend: t('reset.generatedLegend'),
      length: t('reset.length'),
      simple: t('reset.simple'),
      generate: t('reset.generate'),
      field: t('reset.field'),
      show: t('reset.show'),
      hide: t('reset.hide'),
      submit: t('reset.submit'),
      pending: t('reset.pending'),
      lost: t('reset.lost'),
      noScript: t('reset.noScript'),
    },
    meterWords: {
      name: t('password.meter.name'),
      empty: t('password.meter.empty'),
      checking: t('password.meter.checking'),
    },
    locale: 'en',
    messages: pickMessages(en, CREDENTIALS_CLIENT_NAMESPACES),
  });
