import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { AuditFilters } from '@/components/staff/audit-filters';
import { BlocksInForceFilters } from '@/components/staff/blocks-in-force';
import { leaveOutEmpty, leaveOutEmptyOnSubmit } from '@/components/staff/filter-form';
import { QueueFilters } from '@/components/staff/queue-filters';
import { render } from '@/tests/helpers/intl-markup';

// The staff lists' filter forms sent every list left at "Any" (`/staff/blocks?request=&passwords=&order=`).
// One form (components/staff/filter-form.tsx) now serves the queue, the audit log and the blocks in
// force, and leaves the empty entries out of what the browser sends; their names stay as the e2e
// journeys (05, 15, 20, 23, 26) and the keyboard know them.

/** The query a GET form makes of `data` (URLSearchParams of its entries, as HTML does). */
const query = (data: FormData) => new URLSearchParams(data as unknown as Record<string, string>).toString();

const form = (entries: [string, string][]) => {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return data;
};

describe('the entries a staff filter form sends', () => {
  it('leaves out the empty ones and keeps the others in their order, repeated names too', () => {
    const data = form([
      ['request', ''],
      ['passwords', 'none'],
      ['order', ''],
      ['account', 'ACC-1001'],
      ['kind', ''],
      ['kind', 'misdial'],
    ]);
    leaveOutEmpty(data);
    expect(query(data)).toBe('passwords=none&account=ACC-1001&kind=misdial');
    const blank = form([
      ['request', ''],
      ['passwords', ''],
      ['order', ''],
    ]);
    leaveOutEmpty(blank);
    expect(query(blank)).toBe('');
    // A space typed in a field is not empty: the server reads it (and says so), as before.
    const typed = form([['actor', ' ']]);
    leaveOutEmpty(typed);
    expect(query(typed)).toBe('actor=+');
  });

  it('does it as the browser builds the entry list (the formdata event), until told to stop', () => {
    const target = new EventTarget();
    const stop = leaveOutEmptyOnSubmit(target);
    const fire = (data: FormData) =>
      target.dispatchEvent(Object.assign(new Event('formdata'), { formData: data }));
    const sent = form([
      ['kind', ''],
      ['reason', 'manual'],
      ['taken', ''],
    ]);
    fire(sent);
    expect(query(sent)).toBe('reason=manual');
    stop();
    const after = form([['kind', '']]);
    fire(after);
    expect(query(after)).toBe('kind=');
  });
});

/** The `<form …>` tag, then each control's name (and a select's option values), then the button, in order. */
function controls(html: string) {
  const tag = html.match(/^<form [^>]*>/)![0];
  const parts = [...html.matchAll(/<(input|select|button)\b([^>]*)>|<option value="([^"]*)"/g)].map((m) =>
    m[3] !== undefined ? `option:${m[3]}` : `${m[1]}:${/name="([^"]*)"/.exec(m[2]!)?.[1] ?? ''}`,
  );
  return { tag, parts };
}

describe('the three staff filter forms', () => {
  it('the queue: its search landmark, lists, “Any” sent as nothing, and “Show” last', () => {
    const html = render(h(QueueFilters, { filter: { reason: 'manual' }, account: 'ACC-1001' }));
    const { tag, parts } = controls(html);
    expect(tag).toBe(
      '<form role="search" aria-label="Filter the queue" autoComplete="off" class="flex flex-wrap items-end gap-3" action="/staff" method="get">',
    );
    expect(parts).toEqual([
      'input:account',
      'select:kind',
      'option:',
      'option:misdial',
      'option:firewall',
      'option:allowance',
      'select:reason',
      'option:',
      'option:high_risk_destination',
      'option:hotspot_source_ip',
      'option:suspicious_pattern',
      'option:manual',
      'select:taken',
      'option:',
      'option:no',
      'option:mine',
      'option:yes',
      'button:',
    ]);
    for (const [id, label] of [
      ['queue-kind', 'Kind of request'],
      ['queue-reason', 'Block reason'],
      ['queue-taken', 'Taken by an agent'],
    ])
      expect(html).toContain(`<label for="${id}" class="font-medium">${label}</label>`);
    expect(html).toContain('<option value="manual" selected="">');
    expect(html).toMatch(/<button type="submit"[^>]*>Show<\/button><\/form>$/);
    // An account's queue has no allowance kind.
    expect(render(h(QueueFilters, { filter: {}, allowances: false }))).not.toContain('value="allowance"');
  });

  it('the audit log: fields and the action list by the names the journeys use, “Filter” last', () => {
    const html = render(h(AuditFilters, { f: { action: 'request.approved' }, timeZone: 'Europe/Madrid' }));
    const { tag, parts } = controls(html);
    expect(tag).toBe(
      '<form role="search" aria-label="Filter the audit log" autoComplete="off" class="flex flex-wrap items-end gap-3" action="/staff/audit" method="get">',
    );
    expect(parts.filter((p) => !p.startsWith('option:'))).toEqual([
      'input:account',
      'input:actor',
      'select:action',
      'input:from',
      'input:to',
      'button:',
    ]);
    expect(parts[3]).toBe('option:');
    expect(html).toContain('<label for="account" class="font-medium">Account number</label>');
    expect(html).toContain('<label for="actor" class="font-medium">Actor email</label>');
    expect(html).toContain('<label for="action" class="font-medium">Action</label>');
    expect(html).toMatch(
      /<option value="request\.approved" selected="">[^<]+ \(request\.approved\)<\/option>/,
    );
    expect(html).toMatch(/<button type="submit"[^>]*>Filter<\/button><\/form>$/);
  });

  it('the blocks in force: “Any” and the default order (oldest first) are sent as nothing', () => {
    const html = render(h(BlocksInForceFilters, { filter: {} }));
    const { tag, parts } = controls(html);
    expect(tag).toBe(
      '<form role="search" aria-label="Filter the blocks in force" autoComplete="off" class="flex flex-wrap items-end gap-3" action="/staff/blocks" method="get">',
    );
    expect(parts).toEqual([
      'select:request',
      'option:',
      'option:none',
      'option:open',
      'select:passwords',
      'option:',
      'option:none',
      'option:partly',
      'option:all',
      'option:nothing',
      'select:order',
      'option:',
      'option:newest',
      'button:',
    ]);
    expect(html).toContain('<option value="" selected="">Oldest first</option>');
    const newest = render(h(BlocksInForceFilters, { filter: { order: 'newest', request: 'none' } }));
    expect(newest).toContain('<option value="newest" selected="">Newest first</option>');
    expect(newest).toContain('<option value="none" selected="">No request</option>');
  });
});
