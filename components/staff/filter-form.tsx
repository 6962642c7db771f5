'use client';
import { useEffect, useRef, type ReactNode } from 'react';
import { SubmitButton } from '@/components/ui/submit-button';

/**
 * `data` without its empty entries (a list left at "Any", a text field left blank), the others in the
 * order they came: a form's entry list as HTML builds it for a GET submission (HTML Living Standard,
 * "constructing the entry list"), so that the URL carries only what was chosen
 * (`?kind=misdial`, not `?kind=misdial&reason=&taken=`). A file entry is kept as it is.
 */
export function leaveOutEmpty(data: FormData): void {
  const entries = [...data.entries()];
  for (const key of new Set(entries.map(([k]) => k))) data.delete(key);
  for (const [key, value] of entries) if (value !== '') data.append(key, value);
}

/**
 * Listens on `form` for the `formdata` event (fired as the browser builds the entry list of a
 * submission, before it makes the URL of a GET form) and leaves out the empty entries (leaveOutEmpty).
 * Returns the function that stops listening.
 */
export function leaveOutEmptyOnSubmit(form: EventTarget): () => void {
  const listener = (e: Event) => leaveOutEmpty((e as FormDataEvent).formData);
  form.addEventListener('formdata', listener);
  return () => form.removeEventListener('formdata', listener);
}

/**
 * The staff lists' filter form (the queue, the audit log, the blocks in force): a labelled search
 * landmark (`label`), a plain GET form to `action` with the list's controls (`children`, in their tab
 * order) and its submit button (`submit`) last: a filtered view is a link an agent can bookmark and
 * share, reached and changed with the keyboard alone.
 *
 * A control left empty is not sent: the browser still submits the form itself (a full page load, as
 * without JavaScript: the page's answer and focus come as they did), and this component only takes the
 * empty entries out of what it sends (leaveOutEmptyOnSubmit). Not a server redirect to the cleaned
 * URL: that would cost every filter a second round trip and a page a redirect in its render, for the
 * sake of a URL. Without JavaScript the empty entries travel, and each list reads an empty value as
 * "any", the same view.
 */
export function FilterForm({
  label,
  action,
  submit,
  children,
}: {
  label: string;
  action: string;
  submit: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => (ref.current ? leaveOutEmptyOnSubmit(ref.current) : undefined), []);
  return (
    <form
      ref={ref}
      role="search"
      aria-label={label}
      action={action}
      method="get"
      // Back and Forward load the list of that URL, but the browser put back the controls as they
      // were left (the next choice, made before "Show"): the form said one filter while the list
      // showed another (a tester, 2026-12-07). Off, each load shows the URL's filter (defaultValue).
      autoComplete="off"
      className="flex flex-wrap items-end gap-3"
    >
      {children}
      <SubmitButton>{submit}</SubmitButton>
    </form>
  );
}
