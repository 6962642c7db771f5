'use client';
import type { ButtonHTMLAttributes } from 'react';
import { useFormStatus } from 'react-dom';

export type SubmitVariant = 'primary' | 'secondary' | 'danger';

/** Disabled while its form submits, so a double click does not send twice. */
export function SubmitButton({
  children,
  pendingText,
  variant = 'primary',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { pendingText?: string; variant?: SubmitVariant }) {
  const { pending } = useFormStatus();
  const styles = {
    primary: 'bg-blue-800 text-white hover:bg-blue-900',
    secondary: 'border border-slate-500 bg-white text-slate-900 hover:bg-slate-100',
    danger: 'bg-red-800 text-white hover:bg-red-900',
  }[variant];
  return (
    <button
      type="submit"
      disabled={pending}
      aria-disabled={pending}
      className={`rounded-md px-4 py-2 font-semibold disabled:opacity-60 ${styles}`}
      {...rest}
    >
      {pending && pendingText ? pendingText : children}
    </button>
  );
}
