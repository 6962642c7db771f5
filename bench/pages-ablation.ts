// Issue 14, goal 1: where a dashboard request's time goes, by ablation. The bench copies the current
// tree (committed or not) to a temporary directory, adds probes there only, builds that copy once and
// serves it beside the bare page (bench/bare), then measures each level in one run, every level
// between two bare phases (A L1 A L2 A …). The probes never reach the portal's own tree or build:
// - the root layout and the dashboard page answer an `x-ablate` request header (levels below);
// - the proxy's matcher skips requests that carry `x-ablate-noproxy` (Next's `missing` condition).
// - the root not-found boundary (rendered into every page's payload, as a server component) answers
//   `x-ablate: frame` with static text instead of calling getTranslations().
// Levels, each adding one part to the one before:
//   frame    minimal layout (html/body), a static page, a static not-found, proxy on
//            (frame-noproxy: the same, proxy off): what Next and the app's bundle cost alone
//   static   + the real not-found boundary: its getTranslations() runs next-intl's request config
//            (i18n/request.ts: currentUser(), so the cookie decrypt and the Session + User reads,
//            the locale, the catalogue), which every page pays even when it reads nothing itself
//   data     + the page's requireUser() (cached), getTranslations('dashboard') and
//            listAccountsForUser(), rendered as a plain list
//   page     the full dashboard page inside the minimal layout
//   layout   the full root layout (header, language form, metadata) around a static page
//   full     the real dashboard (full-noproxy: the same, proxy off)
// Figure per level: req/s, p50/p99, the ratio to the bare phases around it, and 1000 / req/s (the
// server's ms per request while it saturates its one thread; autocannon shares the machine).
import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envInt, finishResult, round, runBench, type BenchResult } from './harness/report';
import { buildBare, cannon, startBare } from './pages';
import { BENCH_SECRET, startPortal } from './server';
import { sessionCookie } from './session';

/** The probes written into the copy: path → content (or a function of the file's current content). */
const PROBES: Record<string, string | ((old: string) => string)> = {
  'proxy.ts': (old) =>
    old.replace(
      `{ source: '/((?!_next/static|_next/image|favicon.ico).*)' }`,
      `{ source: '/((?!_next/static|_next/image|favicon.ico).*)', missing: [{ type: 'header', key: 'x-ablate-noproxy' }] }`,
    ),
  'app/layout.tsx': (old) =>
    `import { headers as ablateHeaders } from 'next/headers';\n${old}`
      .replace(
        'export async function generateMetadata(): Promise<Metadata> {',
        `$&\n  if (await ablateMinimal()) return {};`,
      )
      .replace(
        /export default async function RootLayout\(\{ children \}: \{ children: React.ReactNode \}\) \{/,
        `$&\n  if (await ablateMinimal()) return <html lang="en"><body><main id="main">{children}</main></body></html>;`,
      )
      .concat(
        `\nasync function ablateMinimal() { const l = (await ablateHeaders()).get('x-ablate'); return l !== null && l !== 'layout'; }\n`,
      ),
  // Next renders the root not-found boundary into every page's payload (it is a server component):
  // its getTranslations() alone runs next-intl's request config (currentUser, locale, catalogue).
  'app/not-found.tsx': (old) =>
    `import { headers as ablateHeaders } from 'next/headers';
${old.replace('export default async function NotFound() {', `$&\n  if ((await ablateHeaders()).get('x-ablate') === 'frame') return <h1>Not found</h1>;`)}`,
  'app/page.tsx': (old) =>
    `import { headers as ablateHeaders } from 'next/headers';
${old.replace('export default async function Dashboard()', 'async function Dashboard()')}
export default async function AblatePage() {
  const level = (await ablateHeaders()).get('x-ablate');
  if (level === 'frame' || level === 'static' || level === 'layout') return <h1>Accounts</h1>;
  if (level === 'data') {
    const user = await requireUser('/');
    const t = await getTranslations('dashboard');
    const accounts = await listAccountsForUser(user.id);
    return (<><h1>{t('title')}</h1><ul>{accounts.map((a) => (<li key={a.id}>{a.name} {a.number} {a.activeBlock ? t('blocked') : t('allowed')} {a.credentials.length}</li>))}</ul></>);
  }
  return <Dashboard />;
}
`,
};

/** The current tree (working copy, untracked files included) copied to a temp dir, probes added, built. */
function buildCopy(): { dir: string; seconds: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-ablation-'));
  const files = execSync('git ls-files -z --cached --others --exclude-standard', { encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && fs.existsSync(f));
  for (const f of files) {
    fs.mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
    fs.copyFileSync(f, path.join(dir, f));
  }
  fs.cpSync('lib/generated', path.join(dir, 'lib/generated'), { recursive: true });
  // Hard links: Turbopack refuses a symlinked node_modules (bench/README.md, meter-browser).
  execSync(`cp -al node_modules ${JSON.stringify(path.join(dir, 'node_modules'))}`);
  for (const [file, probe] of Object.entries(PROBES)) {
    const target = path.join(dir, file);
    const next = typeof probe === 'string' ? probe : probe(fs.readFileSync(target, 'utf8'));
    // Each hook must have found its place: a probe that silently missed would measure the wrong thing.
    const hooks = { 'app/layout.tsx': 5, 'app/not-found.tsx': 2, 'app/page.tsx': 2 }[file] ?? 0;
    if (next === fs.readFileSync(target, 'utf8') || next.split(/ablate[MH]/).length - 1 < hooks)
      throw new Error(`a probe did not apply to ${file}: bench/pages-ablation.ts follows its code`);
    fs.writeFileSync(target, next);
  }
  const started = Date.now();
  const r = spawnSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], {
    // The copy's own Next: the worktree's would load a second React (prerender fails in useContext).
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`next build of the ablation copy failed (exit ${r.status})`);
  }
  return { dir, seconds: round((Date.now() - started) / 1000) };
}

const LEVELS: [string, Record<string, string>][] = [
  ['frame-noproxy', { 'x-ablate': 'frame', 'x-ablate-noproxy': '1' }],
  ['frame', { 'x-ablate': 'frame' }],
  ['static', { 'x-ablate': 'static' }],
  ['data', { 'x-ablate': 'data' }],
  ['page', { 'x-ablate': 'page' }],
  ['layout', { 'x-ablate': 'layout' }],
  ['full', {}],
  ['full-noproxy', { 'x-ablate-noproxy': '1' }],
];

export async function run(): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const connections = envInt('BENCH_CONNECTIONS', 32);
  const phaseMs = envInt('BENCH_PHASE_MS', 5000);
  const bareBuild = buildBare();
  const copy = buildCopy();
  const bare = await startBare();
  const portal = await startPortal({ appDir: copy.dir });
  try {
    const cookie = await sessionCookie(portal.databaseUrl, 'dana@acme.example', BENCH_SECRET);
    const url = `${portal.url}/`;
    const checks: BenchResult['checks'] = [];
    const bytes: Record<string, number> = {};
    for (const [name, h] of LEVELS) {
      const res = await fetch(url, { headers: { cookie, ...h } });
      const html = await res.text();
      bytes[name] = html.length;
      const marker =
        name === 'session'
          ? 'dana@acme.example'
          : name.startsWith('full')
            ? 'International calling blocked'
            : '<h1';
      checks.push({
        name: `level ${name} renders`,
        ok: res.ok && html.includes(marker),
        detail: `${res.status}, ${html.length} B`,
      });
      await cannon(url, { cookie, ...h }, 1500, connections); // warm-up
    }
    await cannon(bare.url, { cookie }, 1500, connections);
    const bares = [await cannon(bare.url, { cookie }, phaseMs, connections)];
    const rows: Record<string, unknown>[] = [];
    const summary: Record<string, string> = {};
    for (const [name, h] of LEVELS) {
      const p = await cannon(url, { cookie, ...h }, phaseMs, connections);
      bares.push(await cannon(bare.url, { cookie }, phaseMs, connections));
      const base = (bares[bares.length - 2].rps + bares[bares.length - 1].rps) / 2;
      const ratio = round(p.rps / base, 2);
      rows.push({
        level: name,
        ...p,
        base: round(base),
        ratio,
        msPerRequest: round(1000 / p.rps, 2),
        htmlBytes: bytes[name],
      });
      summary[name] =
        `${p.rps} req/s (p50 ${p.p50} ms, p99 ${p.p99} ms), ${round(1000 / p.rps, 1)} ms/req, bare ${round(base)} → ${ratio}×, HTML ${bytes[name]} B`;
      if (p.errors + p.non2xx > 0)
        checks.push({
          name: `level ${name} answered 200`,
          ok: false,
          detail: `${p.errors} errors, ${p.non2xx} non-2xx`,
        });
    }
    summary.bare = bares.map((b) => b.rps).join(', ') + ' req/s';
    return finishResult(
      startedAt,
      'pages-ablation',
      'Dashboard ablation against a bare Next page (issue 14, goal 1)',
      {
        params: { connections, phaseMs, bareBuild, copyBuildSeconds: copy.seconds },
        checks,
        summary,
        data: { rows, bares },
      },
    );
  } finally {
    await bare.stop();
    portal.stop();
    fs.rmSync(copy.dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runBench(run);
