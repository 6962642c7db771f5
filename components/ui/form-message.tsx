/**
 * The form's live region: screen readers announce every new message (role=status, or alert for errors).
 * `signIn`: the words of a link after the message that opens the sign-in page in a new tab (the
 * session ended; this tab keeps what was typed, to send again once signed in).
 * `heard`: words for screen readers only, said after the message (or alone): a refusal at the field
 * the keyboard focus was already on, whose description is not read again (components/ui/answer-at-field.ts).
 * They are on the page already, under that field, so they are not shown a second time.
 */
export function FormMessage({
  id,
  message,
  ok,
  signIn,
  heard,
}: {
  id: string;
  message?: string;
  ok?: boolean;
  signIn?: string;
  heard?: string;
}) {
  return (
    <div id={id} aria-live="polite" aria-atomic="true" className="min-h-6">
      {message ? (
        <p
          className={
            ok
              ? 'rounded-md border border-emerald-300 bg-emerald-50 p-3 text-emerald-900'
              : 'rounded-md border border-red-300 bg-red-50 p-3 text-red-900'
          }
        >
          {message}
          {heard && heard !== message ? <span className="sr-only"> {heard}</span> : null}
          {signIn ? (
            <>
              {' '}
              <a href="/sign-in" target="_blank" rel="noopener" className="font-medium underline">
                {signIn}
              </a>
            </>
          ) : null}
        </p>
      ) : heard ? (
        <p className="sr-only">{heard}</p>
      ) : null}
    </div>
  );
}
