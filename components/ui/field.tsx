import type {
  InputHTMLAttributes,
  ReactNode,
  Ref,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from 'react';

/**
 * What every labelled control takes: `id` defaults to `name`; hint and error get `${id}-hint` / `${id}-error`.
 * A hint may hold markup (a number in it kept on one line: components/block/misdial-form.tsx).
 */
type Labelled = { name: string; label: string; errors?: string[]; hint?: ReactNode; id?: string };
type InputProps = Labelled &
  InputHTMLAttributes<HTMLInputElement> & { as?: 'input'; ref?: Ref<HTMLInputElement> };
type TextareaProps = Labelled & TextareaHTMLAttributes<HTMLTextAreaElement> & { as: 'textarea' };
type SelectProps = Labelled & SelectHTMLAttributes<HTMLSelectElement> & { as: 'select'; children: ReactNode };

/**
 * The most characters (UTF-16 code units, as `maxlength` counts) a text area takes: the longest text
 * any action's schema accepts (lib/requests/submit.ts `whatHappened`, the staff notes: 2000).
 */
export const TEXT_MAX_LENGTH = 2000;
/** The same for a one-line input: the longest any schema accepts (a portal password: 1024). */
export const INPUT_MAX_LENGTH = 1024;

const control =
  'max-w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base focus:outline-2 focus:outline-offset-1 focus:outline-blue-700 aria-invalid:border-red-600';

/**
 * What a phone's keyboard must leave as typed in an input: a secret (`type="password"`), an email
 * address (`type="email"`) or a code (`inputMode="numeric"`, `autoComplete="one-time-code"`, the
 * second factor's and the mailed codes, a recovery code typed in the same field). For those, iOS
 * and Android would otherwise capitalise the first letter and "correct" the word, and the spell
 * checker underline it: `autocapitalize="none"` (HTML, "autocapitalization"), `autocorrect="off"`
 * (Safari's attribute) and `spellcheck="false"`. Undefined for any other input; a caller's own
 * props win over these.
 */
export function typedAsIs(
  input: Pick<InputHTMLAttributes<HTMLInputElement>, 'type' | 'inputMode' | 'autoComplete'>,
): Pick<InputHTMLAttributes<HTMLInputElement>, 'autoCapitalize' | 'autoCorrect' | 'spellCheck'> | undefined {
  const verbatim =
    input.type === 'password' ||
    input.type === 'email' ||
    input.inputMode === 'numeric' ||
    input.autoComplete === 'one-time-code';
  return verbatim ? { autoCapitalize: 'none', autoCorrect: 'off', spellCheck: false } : undefined;
}

/**
 * The `aria-describedby` of a control: its hint and its error (when each is shown), space-separated;
 * undefined when neither is, so the attribute is left off.
 */
export function describedBy(id: string, hint?: ReactNode, errors?: string[]): string | undefined {
  return (
    [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(' ') || undefined
  );
}

/** A field's error text under it, `${id}-error`, for a control's aria-describedby; nothing without errors. */
export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  return errors?.length ? (
    <p id={`${id}-error`} className="text-sm text-red-800">
      {errors.join(' ')}
    </p>
  ) : null;
}

/**
 * The one labelled control of the forms: an input (default), `as="textarea"` (4 rows) or
 * `as="select"` (options as children), with its hint and errors tied to it by aria-describedby
 * and aria-invalid set while it has errors. `className` adds to the control's own (a width);
 * other props (an input's `ref` too) go to the control itself; a password, email or code input is
 * left as typed by a phone's keyboard (typedAsIs). A select is remounted when its
 * `defaultValue` changes.
 * A text area takes at most TEXT_MAX_LENGTH characters and an input INPUT_MAX_LENGTH (a `maxLength`
 * prop asks for fewer): a longer paste is cut by the browser, where past the server actions' 64 KB
 * body limit (next.config.js) Next answered 500 and the page lost the form (break-15).
 */
export function Field(props: InputProps | TextareaProps | SelectProps) {
  const { name, label, errors, hint, id = name, as, className, ...rest } = props;
  const wired = {
    id,
    name,
    'aria-invalid': errors?.length ? true : undefined,
    'aria-describedby': describedBy(id, hint, errors),
    className: className ? `${control} ${className}` : control,
  };
  // Never wider than the form: a select is as wide as its longest option, and the audit log's action
  // list (about 600 px) made a phone's whole page scroll sideways (break-25).
  return (
    <div className="flex max-w-full flex-col gap-1">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
      {as === 'textarea' ? (
        <textarea
          rows={4}
          maxLength={TEXT_MAX_LENGTH}
          {...wired}
          {...(rest as TextareaHTMLAttributes<HTMLTextAreaElement>)}
        />
      ) : as === 'select' ? (
        // Keyed by its default: React resets a form after its action, and a select keeps the default
        // it was mounted with (React updates an input's when the prop changes, never a select's), so
        // a list whose default the server or the echo changed showed the old value again (review 13).
        <select
          key={String((rest as SelectHTMLAttributes<HTMLSelectElement>).defaultValue ?? '')}
          {...wired}
          {...(rest as SelectHTMLAttributes<HTMLSelectElement>)}
        />
      ) : (
        <input
          maxLength={INPUT_MAX_LENGTH}
          {...typedAsIs(rest as InputHTMLAttributes<HTMLInputElement>)}
          {...wired}
          {...(rest as InputHTMLAttributes<HTMLInputElement>)}
        />
      )}
      <FieldError id={id} errors={errors} />
    </div>
  );
}

/**
 * The field for a password the user already has (signing in, confirming a change): required, masked,
 * `autocomplete="current-password"` so a password manager fills it; never given a value to echo.
 */
export function CurrentPasswordField({
  name,
  label,
  errors,
}: {
  name: string;
  label: string;
  errors?: string[];
}) {
  return (
    <Field
      name={name}
      label={label}
      type="password"
      autoComplete="current-password"
      required
      errors={errors}
    />
  );
}

/**
 * A checkbox with its label beside it and its error under it (`${id}-error`, id defaults to name),
 * tied by aria-describedby and aria-invalid. Other props (defaultChecked, value…) go to the input.
 * The box keeps its 20 px when a long label wraps (`shrink-0`: a flex item shrinks by default, and
 * the box came out 14–19 px beside a wrapped label), as every checkbox of the portal does.
 */
export function Checkbox({
  name,
  label,
  errors,
  id = name,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'id'> & {
  name: string;
  label: ReactNode;
  errors?: string[];
  id?: string;
}) {
  return (
    <div>
      <label className="flex items-start gap-2">
        <input
          type="checkbox"
          name={name}
          className="mt-1 h-5 w-5 shrink-0"
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={describedBy(id, undefined, errors)}
          {...input}
        />
        <span>{label}</span>
      </label>
      <FieldError id={id} errors={errors} />
    </div>
  );
}
