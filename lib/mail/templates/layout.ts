import { html, safeHref, SafeHtml } from './html';

// Every message is described once as a list of parts and rendered twice: HTML (one 600 px column,
// 16 px text, a large button: readable on a phone) and plain text. Styles are inline because mail
// clients drop <style> blocks.
//
// Mail programs on phones make links of what looks like a phone number, a date, an address or an
// email address (iOS Mail, the Gmail app): a stray tap on a fraud destination in a block notice
// ("+252 61 123 4567") would dial the fraudster's premium-rate number. The head turns that off
// (`format-detection`), and the one <style> rule styles any link Apple's data detectors still make
// as the text around it (Apple Mail honours <style> in the head; the rest of the styles stay inline).

export type Part =
  | { kind: 'p'; text: string; strong?: boolean }
  | { kind: 'h'; text: string }
  | { kind: 'button'; label: string; url: string }
  | { kind: 'steps'; items: string[] }
  | { kind: 'cards'; items: { title: string; lines: string[] }[] }
  | { kind: 'quote'; text: string }
  | { kind: 'small'; text: string };

export type Rendered = { subject: string; html: string; text: string };

/** `lang`: the message's language (BCP 47), for <html lang>; English when omitted. */
export type Shell = {
  provider: string;
  support: string;
  footer: string;
  linkFallback: string;
  lang?: string;
};

const FONT = `font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif`;

/** Links Apple's data detectors make anyway read as plain text: no colour, underline or font of their own. */
const NO_DETECTORS = new SafeHtml(
  '<style>a[x-apple-data-detectors]{color:inherit !important;text-decoration:none !important;' +
    'font-size:inherit !important;font-family:inherit !important;font-weight:inherit !important;' +
    'line-height:inherit !important}</style>',
);

function partHtml(p: Part, shell: Shell): SafeHtml {
  switch (p.kind) {
    case 'p':
      return html`<p style="margin:0 0 16px;${p.strong ? 'font-weight:bold;' : ''}">${p.text}</p>`;
    case 'h':
      return html`<h2 style="margin:24px 0 8px;font-size:18px;line-height:1.3;color:#0f172a">${p.text}</h2>`;
    case 'button':
      return html`<p style="margin:24px 0 8px"><a href="${safeHref(p.url)}" style="display:inline-block;background:#1e40af;color:#ffffff;text-decoration:none;font-weight:bold;padding:14px 24px;border-radius:6px;font-size:17px">${p.label}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#475569">${shell.linkFallback}<br><a href="${safeHref(p.url)}" style="color:#1e40af;word-break:break-all">${p.url}</a></p>`;
    case 'steps':
      return html`<ol style="margin:0 0 16px;padding-left:22px">${p.items.map((i) => html`<li style="margin:0 0 8px">${i}</li>`)}</ol>`;
    case 'cards':
      return html`${p.items.map(
        (c) =>
          html`<div style="margin:0 0 12px;padding:12px;border:1px solid #cbd5e1;border-radius:6px;background:#f8fafc"><p style="margin:0 0 4px;font-weight:bold">${c.title}</p>${c.lines.map((l) => html`<p style="margin:0;font-size:15px">${l}</p>`)}</div>`,
      )}`;
    case 'quote':
      return html`<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:4px solid #94a3b8;background:#f1f5f9;white-space:pre-wrap">${p.text}</blockquote>`;
    case 'small':
      return html`<p style="margin:0 0 16px;font-size:14px;color:#475569">${p.text}</p>`;
  }
}

function partText(p: Part): string {
  switch (p.kind) {
    case 'p':
    case 'small':
      return p.text;
    case 'h':
      return `${p.text}\n${'-'.repeat(Math.min(p.text.length, 60))}`;
    case 'button':
      return `${p.label}:\n${p.url}`;
    case 'steps':
      return p.items.map((s, i) => `${i + 1}. ${s}`).join('\n');
    case 'cards':
      return p.items.map((c) => [`* ${c.title}`, ...c.lines.map((l) => `  ${l}`)].join('\n')).join('\n');
    case 'quote':
      return p.text
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n');
  }
}

/** Subjects are one line: whatever a value contained, no header can be injected. */
const oneLine = (s: string) =>
  s
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim()
    .slice(0, 200);

export function renderMail(m: { subject: string; preheader: string; parts: Part[] }, shell: Shell): Rendered {
  const subject = oneLine(m.subject);
  const body = html`<!doctype html>
<html lang="${shell.lang ?? 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light"><meta name="format-detection" content="telephone=no, date=no, address=no, email=no">${NO_DETECTORS}<title>${subject}</title></head>
<body style="margin:0;padding:0;background:#f1f5f9">
<div style="display:none;max-height:0;overflow:hidden">${m.preheader}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f1f5f9"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px"><tr><td style="padding:24px;${FONT};font-size:16px;line-height:1.5;color:#0f172a">
<p style="margin:0 0 16px;font-size:14px;font-weight:bold;color:#1e3a8a">${shell.provider}</p>
${m.parts.map((p) => partHtml(p, shell))}
</td></tr></table>
<p style="max-width:600px;margin:16px auto 0;${FONT};font-size:13px;line-height:1.5;color:#475569">${shell.footer}<br>${shell.provider} · ${shell.support}</p>
</td></tr></table>
</body></html>`;
  const text = [
    shell.provider,
    '',
    ...m.parts.flatMap((p) => [partText(p), '']),
    '--',
    shell.footer,
    `${shell.provider} · ${shell.support}`,
  ].join('\n');
  return { subject, html: body.value, text };
}
