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

/**
 * The least size of a small control that is not a form's button (a header or navigation link, a
 * compact button, a select): 44 × 44 CSS px, the comfortable touch size, on a phone-sized screen or
 * with a coarse pointer; 32 px tall with a fine pointer from the `sm` breakpoint up. WCAG 2.2 SC 2.5.8
 * (Target Size, Minimum) asks for 24 × 24: a text-sm link alone is 20 px tall. A link with it needs
 * `inline-flex items-center` to keep its text in the middle.
 */
export const TARGET_SIZE = 'min-h-11 min-w-11 sm:pointer-fine:min-h-8';

/** A link in a row of page links (a pager's "Older entries", "Later calls"): TARGET_SIZE, blue, underlined. */
export const PAGE_LINK = `${TARGET_SIZE} inline-flex items-center text-blue-800 underline`;
