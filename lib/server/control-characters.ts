// Text that arrives from outside (a form field, a URL parameter, a cursor) with a control character
// in it. PostgreSQL refuses NUL in any text value ("invalid byte sequence for encoding UTF8: 0x00"),
// so such input must be refused or cleaned before it reaches a query, on both databases alike.

/** C0 control characters and DEL, except tab, line feed and carriage return (text areas hold those). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/** True when `value` is, or (in arrays and plain objects, at any depth) holds, a string with a control character. */
export function hasControlCharacter(value: unknown): boolean {
  if (typeof value === 'string') return CONTROL.test(value);
  if (Array.isArray(value)) return value.some(hasControlCharacter);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasControlCharacter);
  return false;
}

/** `text` with each control character (as above) replaced by a space: for search boxes, where dropping it is the expected answer. */
export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_ALL, ' ');
}
