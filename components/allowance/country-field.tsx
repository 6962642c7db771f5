import { Field } from '@/components/ui/field';

/**
 * The country of an allowance as a select ("Choose…" first, then "Name (CC)"); a refused form shows
 * the country the user had chosen (the echoed value: `Field` remounts a select when its default changes).
 */
export function CountryField({
  countries,
  choose,
  defaultValue,
  ...field
}: {
  name: string;
  id?: string;
  label: string;
  hint?: string;
  choose: string;
  countries: { code: string; name: string }[];
  defaultValue?: string;
  errors?: string[];
  required?: boolean;
}) {
  return (
    <Field as="select" defaultValue={defaultValue ?? ''} {...field}>
      <option value="">{choose}</option>
      {countries.map((c) => (
        <option key={c.code} value={c.code}>
          {c.name} ({c.code})
        </option>
      ))}
    </Field>
  );
}
