// Rebuilds a saved DOM tree (bench/markup.ts `domTree`: `{ tag, attrs, children }`, text as strings) as
// React elements. HTML attribute names become React's; inline styles and handlers are left out (the
// portal's pages have neither in their HTML).
const PROPS = {
  class: 'className',
  for: 'htmlFor',
  tabindex: 'tabIndex',
  autocomplete: 'autoComplete',
  readonly: 'readOnly',
  maxlength: 'maxLength',
  minlength: 'minLength',
  spellcheck: 'spellCheck',
  autocapitalize: 'autoCapitalize',
  enterkeyhint: 'enterKeyHint',
  inputmode: 'inputMode',
  datetime: 'dateTime',
  colspan: 'colSpan',
  rowspan: 'rowSpan',
  viewbox: 'viewBox',
  'stroke-width': 'strokeWidth',
  'stroke-linecap': 'strokeLinecap',
  'stroke-linejoin': 'strokeLinejoin',
  'fill-rule': 'fillRule',
  'clip-rule': 'clipRule',
  novalidate: 'noValidate',
  enctype: 'encType',
  'accept-charset': 'acceptCharset',
  value: 'defaultValue',
  checked: 'defaultChecked',
};
const BOOLEAN = new Set([
  'hidden',
  'disabled',
  'required',
  'multiple',
  'selected',
  'open',
  'checked',
  'readonly',
  'novalidate',
]);
const VOID = new Set(['input', 'br', 'hr', 'img', 'meta', 'link', 'col', 'source', 'wbr']);

function props(attrs, classes) {
  const p = {};
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'style' || name.startsWith('on') || (!classes && name === 'class')) continue;
    p[PROPS[name] ?? name] = BOOLEAN.has(name) ? true : value;
  }
  return p;
}

/** The element of `node` (a string is text), with its `class` attributes when `classes`. */
export function build(node, classes, key) {
  if (typeof node === 'string') return node;
  const Tag = node.tag;
  const p = props(node.attrs, classes);
  if (Tag === 'textarea') return <Tag key={key} {...p} defaultValue={node.children.join('')} />;
  if (VOID.has(Tag)) return <Tag key={key} {...p} />;
  return (
    <Tag key={key} {...p}>
      {node.children.map((c, i) => build(c, classes, i))}
    </Tag>
  );
}
