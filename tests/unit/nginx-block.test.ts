import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_BODY_READ_CAP } from '@/lib/blocks/ingest';

// The nginx server block an operator copies is printed twice (docs/operations.md "Behind nginx",
// README "Client addresses behind a proxy") and run once (e2e/18-behind-tls.spec.ts). They drifted:
// README's `location /` set only Host, X-Forwarded-For and X-Forwarded-Proto, so behind it a client
// chose its own request id and forwarded host; and no copy raised nginx's 1 MiB body limit, whose own
// HTML 413 a switch must retry (docs/switch-api.md part 2), for events Tollgate reads up to 8 MiB.

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/** The first ```nginx fence after the line `heading` of a Markdown file, its lines dedented. */
function nginxFence(file: string, heading: string): string {
  const text = read(file);
  const at = text.indexOf(`\n${heading}\n`);
  expect(at, `${file} has no heading ${heading}`).toBeGreaterThan(-1);
  const open = /^( *)```nginx\n/m.exec(text.slice(at));
  expect(open, `${file} has no nginx block after ${heading}`).not.toBeNull();
  const start = at + open!.index + open![0].length;
  const end = text.indexOf(`\n${open![1]}\`\`\`\n`, start - 1);
  return text
    .slice(start, end + 1)
    .split('\n')
    .map((line) => line.slice(open![1].length))
    .join('\n');
}

/** nginx text without comments, blanks as one space: what nginx reads, for comparing two copies. */
const directives = (conf: string) => conf.replace(/#.*$/gm, '').replace(/\s+/g, ' ').trim();

const docBlock = nginxFence('docs/operations.md', '## Behind nginx');

describe('the nginx block of the docs', () => {
  it('is the same in README and docs/operations.md', () => {
    expect(nginxFence('README.md', '### Client addresses behind a proxy')).toBe(docBlock);
  });

  it('sets the forwarded headers for every location: at the server level, and no location sets its own', () => {
    const conf = directives(docBlock);
    for (const header of ['X-Forwarded-For', 'X-Forwarded-Host', 'X-Request-Id', 'X-Forwarded-Proto', 'Host'])
      expect(conf).toMatch(new RegExp(`^server \\{ (proxy_set_header [^;]+; )*proxy_set_header ${header} `));
    // nginx: a location with any proxy_set_header of its own inherits none of the server's.
    for (const location of conf.match(/location [^{]+\{[^}]*\}/g) ?? [])
      expect(location).not.toContain('proxy_set_header');
  });

  it('lets switch events through up to the size Tollgate reads itself, and no further', () => {
    const limit = /location = \/api\/switch\/events \{ client_max_body_size (\d+)m;/.exec(
      directives(docBlock),
    );
    expect(limit).not.toBeNull();
    expect(Number(limit![1]) * 1024 * 1024).toBe(EVENT_BODY_READ_CAP);
  });

  it('is the server block e2e/18-behind-tls.spec.ts runs, port aside', () => {
    const source = read('e2e/18-behind-tls.spec.ts');
    const template = /function nginxConf\([^)]*\) \{\n[\s\S]*?\n {2}return `([\s\S]*?)`;\n\}/.exec(source);
    expect(template).not.toBeNull();
    const e2e = directives(template![1]);
    const inner = directives(docBlock)
      .replace(/^server \{ /, '')
      .replace(/ \}$/, '')
      .replaceAll('127.0.0.1:3000', '127.0.0.1:${upstream}');
    // After the run's own listen and certificate lines, the doc's lines and nothing else.
    expect(e2e).toContain(`ssl_certificate_key \${DIR}/key.pem; ${inner} } }`);
  });
});
