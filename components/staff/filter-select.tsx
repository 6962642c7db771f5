import { Field } from '@/components/ui/field';

/**
 * One list of a staff filter form (FilterForm): a labelled select named `name` (`id` for its label,
 * defaults to `name`), offering `options` ([value, words] pairs, in order) and showing `value` (the
 * filter read from the URL; none shows the option whose value is `''`). The option meaning "any" (or
 * a list's default) has the value `''`, which FilterForm leaves out of the URL.
 */
export function FilterSelect({
  name,
  id,
  label,
  value,
  options,
}: {
  name: string;
  id?: string;
  label: string;
  value: string | undefined;
  options: readonly (readonly [value: string, words: string])[];
}) {
  return (
    <Field as="select" name={name} id={id} label={label} defaultValue={value ?? ''}>
      {options.map(([v, words]) => (
        <option key={v} value={v}>
          {words}
        </option>
      ))}
    </Field>
  );
}
