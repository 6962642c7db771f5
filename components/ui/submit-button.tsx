'use client';
import { useEffect, useRef, type ButtonHTMLAttributes } from 'react';
import { useFormStatus } from 'react-dom';
import { buttonClass, type ButtonVariant } from '@/components/ui/button-class';

export type SubmitVariant = ButtonVariant;

/**
 * A form's submit button. While its form submits it is `aria-disabled` and ignores clicks (and the
 * implicit submission of Enter in a field, which is a click on this button), so a double click does not
 * send twice. It is never `disabled`: a disabled button loses focus to `<body>`, and a keyboard or
 * screen-reader user would start again from the top of the page after every answer. When the answer
 * marks a field `aria-invalid`, focus moves to the first such field of the form (WCAG 2.2 SC 3.3.1 and
 * 2.4.3), unless the user has already moved it out of the form; otherwise it stays where it was.
 * With a `name` and `value` (one of several submit buttons of a form), only the button whose value the
 * submission carries shows `pendingText` (React puts the submitter's name and value in the form data
 * `useFormStatus` returns); every button of the form is `aria-disabled` while it submits.
 */
export function SubmitButton({
  children,
  pendingText,
  variant = 'primary',
  onClick,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { pendingText?: string; variant?: SubmitVariant }) {
  const { pending, data } = useFormStatus();
  const pressed = pending && (rest.name === undefined || data?.get(rest.name) === String(rest.value ?? ''));
  const ref = useRef<HTMLButtonElement>(null);
  const wasPending = useRef(false);
  useEffect(() => {
    if (pending) {
      wasPending.current = true;
      return;
    }
    if (!wasPending.current) return;
    wasPending.current = false;
    const form = ref.current?.form;
    const active = document.activeElement;
    // Focus in the form (this button, or the field Enter was pressed in) or lost: the form's to move.
    if (!form || (active && active !== document.body && !form.contains(active))) return;
    form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [pending]);
  return (
    <button
      ref={ref}
      type="submit"
      aria-disabled={pending}
      className={buttonClass(variant, 'aria-disabled:opacity-60 disabled:opacity-60')}
      onClick={(e) => {
        if (pending) e.preventDefault();
        else onClick?.(e);
      }}
      {...rest}
    >
      {pressed && pendingText ? pendingText : children}
    </button>
  );
}
