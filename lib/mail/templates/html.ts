// A tiny auto-escaping HTML builder for email bodies. Every interpolated value is escaped unless it
// is already SafeHtml (built by this tag), so a company name, a SIP username, a deny reason or an
// IP the switch sent can never become markup. No `server-only`: pure string work, unit-tested.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

type Value = SafeHtml | string | number | null | undefined | false | Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  return v instanceof SafeHtml ? v.value : esc(v);
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  return new SafeHtml(
    strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''),
  );
}

/** Only http(s) links; anything else (javascript:, data:) becomes '#'. */
export const safeHref = (url: string) => (/^https?:\/\//i.test(url) ? url : '#');
