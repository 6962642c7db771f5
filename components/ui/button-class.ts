/** How a button looks: the form's main action, a secondary one, or a destructive one. */
export type ButtonVariant = 'primary' | 'secondary' | 'danger';

/**
 * Each variant's colours, its border's among them. Every variant has a border, the filled ones a
 * transparent one: in forced colours (Windows high contrast) the browser drops the background and
 * paints every border in the user's text colour, so the border is the only box left around a button
 * (without it "Set password" or "Deny" read as bold text, like a heading). The same 1 px makes the
 * three variants the same size.
 */
const LOOK: Record<ButtonVariant, string> = {
  primary: 'border-transparent bg-blue-800 text-white hover:bg-blue-900',
  secondary: 'border-slate-500 bg-white text-slate-900 hover:bg-slate-100',
  danger: 'border-transparent bg-red-800 text-white hover:bg-red-900',
};

/**
 * The Tailwind classes of a button-looking element (`<button>`, a `<Link>` or SubmitButton), so that
 * every button of the portal looks the same, and keeps its outline in forced colours (LOOK); `extra`
 * adds layout classes such as `self-start`, or TARGET_SIZE and `text-sm` for a compact one outside a
 * form (its padding and border are this function's: an `extra` px-… or border-… would conflict).
 */
export function buttonClass(variant: ButtonVariant = 'primary', extra?: string): string {
  return [extra, 'rounded-md border px-4 py-2 font-semibold', LOOK[variant]].filter(Boolean).join(' ');
}

/**
 * The least size of a small control that is not a form's button (a header or navigation link, a
 * compact button, a select): 44 × 44 CSS px, the comfortable touch size, on a phone-sized screen or
 * with a coarse pointer; 32 px tall with a fine pointer from the `sm` breakpoint up. WCAG 2.2 SC 2.5.8
 * (Target Size, Minimum) asks for 24 × 24: a text-sm link alone is 20 px tall. A link with it needs
 * `inline-flex items-center` to keep its text in the middle.
 */
export const TARGET_SIZE = 'min-h-11 min-w-11 sm:pointer-fine:min-h-8';

/**
 * A link that stands alone rather than in a sentence (a pager's "Older entries", a page's "Back to
 * your accounts", a section's "Block history", "Audit log of this account"): TARGET_SIZE, blue,
 * underlined. A caller may add `text-sm`, or `self-start` in a flex column (else it spans the row).
 */
export const PAGE_LINK = `${TARGET_SIZE} inline-flex items-center text-blue-800 underline`;
