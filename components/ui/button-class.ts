/** How a button looks: the form's main action, a secondary one, or a destructive one. */
export type ButtonVariant = 'primary' | 'secondary' | 'danger';

const LOOK: Record<ButtonVariant, string> = {
  primary: 'bg-blue-800 text-white hover:bg-blue-900',
  secondary: 'border border-slate-500 bg-white text-slate-900 hover:bg-slate-100',
  danger: 'bg-red-800 text-white hover:bg-red-900',
};

/**
 * The Tailwind classes of a button-looking element (`<button>`, a `<Link>` or SubmitButton), so that
 * every button of the portal looks the same; `extra` adds layout classes such as `self-start`.
 */
export function buttonClass(variant: ButtonVariant = 'primary', extra?: string): string {
  return [extra, 'rounded-md px-4 py-2 font-semibold', LOOK[variant]].filter(Boolean).join(' ');
}
