/** The form's live region: screen readers announce every new message (role=status, or alert for errors). */
export function FormMessage({ id, message, ok }: { id: string; message?: string; ok?: boolean }) {
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
        </p>
      ) : null}
    </div>
  );
}
