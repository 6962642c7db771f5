'use client';
import type { ButtonHTMLAttributes } from 'react';
import { useFormStatus } from 'react-dom';
import { buttonClass, type ButtonVariant } from '@/components/ui/button-class';

export type SubmitVariant = ButtonVariant;

/** Disabled while its form submits, so a double click does not send twice. */
export function SubmitButton({
  children,
  pendingText,
  variant = 'primary',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { pendingText?: string; variant?: SubmitVariant }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      aria-disabled={pending}
      className={buttonClass(variant, 'disabled:opacity-60')}
      {...rest}
    >
      {pending && pendingText ? pendingText : children}
    </button>
  );
}
