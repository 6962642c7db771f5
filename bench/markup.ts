// Issue 14, goal 1's ceiling: how fast Next serves the dashboard's and the block page's own markup
// with nothing of the portal around it. Chromium opens both pages of this tree's production build
// signed in as the demo customer (the switch simulator answering, as in bench/pages.ts) and saves each
// page's DOM (`domTree`: every element with its attributes and text, scripts left out) to
// bench/markup/trees/. bench/markup, a fixture app with the bare page's settings (bench/bare: same
// Next, same server, scripts/serve.mjs), rebuilds that tree as plain React elements on every request
// of `/<page>`: no data, no translations, no session, no proxy, no client component. Measured like
// goal 1: autocannon, `BENCH_CONNECTIONS` (32) connections for `BENCH_PHASE_MS` (8000) per phase,
// each page between two phases of the bare page (bench/bare), its ratio to their mean. The phases
// A D A B A D' A B' A D" A B" A: D and B the dashboard's and the block page's markup, D' and B' the
// same without their `class` attributes (`?classes=0`: Tailwind's class strings, about a third of the
// HTML), D" and B" the same tree built in one client component from the tree as data (`?client=1`:
// the RSC payload carries data, not elements). The portal runs as the demo (bench/server.ts), so the
// saved dashboard holds the demo's "Simulate toll fraud" form, which a production dashboard has not.
// Read: a page whose markup alone serves below 0.6× of the bare page cannot meet goal 1 on this
// Next, whatever the portal's own work costs, short of showing less.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_PATH } from '../scripts/chromium';
import { envInt, round, runBench, type BenchResult, finishResult } from './harness/report';
import { buildBare, cannon, demoIds, signedInPage, startBare } from './pages';
import { BENCH_SECRET, startPortal, startSwitchSim } from './server';
import { sessionCookie } from './session';

const MARKUP_DIR = path.resolve('bench/markup');

/** One element of a saved page: its tag, its attributes as written, its children (text as strings). */
export type DomNode = { tag: string; attrs: Record<string, string>; children: (DomNode | string)[] };

/**
 * The page `url` as Chromium built it, signed in (`cookie`: `name=value`): the children of `<body>`,
 * each element as a DomNode. Scripts and templates (the inlined RSC payload, Next's) are left out: the
 * fixture's own render puts Next's back.
 */
async function domTree(url: string, cookie: string): Promise<{ nodes: DomNode[]; elements: number }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH });
  try {
    const page = await signedInPage(browser, url, cookie);
    await page.goto(url, { waitUntil: 'load' });
    return (await page.evaluate(DOM_TREE)) as { nodes: DomNode[]; elements: number };
  } finally {
    await browser.close();
  }
}

// Run in the page as text: tsx's transform would name the functions with a helper the page lacks.
const DOM_TREE = `(() => {
  let elements = 0;
  const skip = new Set(['script', 'template', 'next-route-announcer', 'noscript']);
  function walk(n) {
    if (n.nodeType === Node.TEXT_NODE) return n.textContent || null;
    if (!(n instanceof Element)) return null;
    const tag = n.tagName.toLowerCase();
    if (skip.has(tag)) return null;
    elements++;
    const attrs = {};
    for (const a of n.attributes) attrs[a.name] = a.value;
    return { tag, attrs, children: [...n.childNodes].map(walk).filter((c) => c !== null) };
  }
  const nodes = [...document.body.childNodes].map(walk).filter((c) => c !== null && typeof c === 'object');
  return { nodes, elements };
})()`;

const htmlBytes = async (url: string, headers: Record<string, string>) =>
  Buffer.byteLength(await (await fetch(url, { headers })).text());

export async function run(): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const connections = envInt('BENCH_CONNECTIONS', 32);
  const phaseMs = envInt('BENCH_PHASE_MS', 8000);
  const bareBuild = buildBare();
  const markupBuild = buildBare(MARKUP_DIR);
  const sim = await startSwitchSim();
  const portal = await startPortal({ env: sim.env });
  let trees: Record<'dashboard' | 'block', { elements: number; realHtml: number }>;
  try {
    const cookie = await sessionCookie(portal.databaseUrl, 'dana@acme.example', BENCH_SECRET);
    const pages = {
      dashboard: `${portal.url}/`,
      block: `${portal.url}/blocks/${demoIds(portal.databaseUrl).blockId}`,
    };
    fs.mkdirSync(path.join(MARKUP_DIR, 'trees'), { recursive: true });
    const saved = {} as typeof trees;
    for (const [name, url] of Object.entries(pages) as [keyof typeof pages, string][]) {
      const { nodes, elements } = await domTree(url, cookie);
      fs.writeFileSync(path.join(MARKUP_DIR, 'trees', `${name}.json`), JSON.stringify(nodes));
      saved[name] = { elements, realHtml: await htmlBytes(url, { cookie }) };
    }
    trees = saved;
  } finally {
    portal.stop();
    sim.stop();
  }

  const bare = await startBare();
  const markup = await startBare(MARKUP_DIR);
  try {
    const headers = { cookie: 'authjs.session-token=bench' };
    const urls = {
      dashboard: `${markup.url}/dashboard`,
      block: `${markup.url}/block`,
      dashboardNoClasses: `${markup.url}/dashboard?classes=0`,
      blockNoClasses: `${markup.url}/block?classes=0`,
      dashboardClient: `${markup.url}/dashboard?client=1`,
      blockClient: `${markup.url}/block?client=1`,
    };
    const html = Object.fromEntries(
      await Promise.all(
        Object.entries(urls).map(async ([k, u]) => [k, await htmlBytes(u, headers)] as const),
      ),
    ) as Record<keyof typeof urls, number>;
    const shown = (await (await fetch(urls.block, { headers })).text()).includes('friendly-scanner');
    for (const u of [bare.url, ...Object.values(urls)]) await cannon(u, headers, 2000, connections); // warm-up

    const bares = [await cannon(bare.url, headers, phaseMs, connections)];
    const measure = async (url: string) => {
      const p = await cannon(url, headers, phaseMs, connections);
      bares.push(await cannon(bare.url, headers, phaseMs, connections));
      const around = (bares[bares.length - 2].rps + bares[bares.length - 1].rps) / 2;
      return { ...p, around: round(around), ratio: round(p.rps / around, 2) };
    };
    const phases = {
      dashboard: await measure(urls.dashboard),
      block: await measure(urls.block),
      dashboardNoClasses: await measure(urls.dashboardNoClasses),
      blockNoClasses: await measure(urls.blockNoClasses),
      dashboardClient: await measure(urls.dashboardClient),
      blockClient: await measure(urls.blockClient),
    };
    const failed = [...bares, ...Object.values(phases)].filter((p) => p.errors + p.non2xx > 0);
    const line = (k: keyof typeof phases, real?: number) => {
      const p = phases[k];
      return (
        `${p.rps} req/s (p99 ${p.p99} ms), bare ${p.around} req/s → ${p.ratio}×; HTML ${html[k]} B` +
        (real ? ` (the portal's page ${real} B)` : '')
      );
    };
    return finishResult(
      startedAt,
      'markup',
      "Goal 1's ceiling: the pages' own markup in a bare Next app (issue 14)",
      {
        params: { connections, phaseMs, bareBuild, markupBuild },
        checks: [
          {
            name: "the saved block page holds the switch's registered devices",
            ok: shown,
            detail: shown
              ? 'friendly-scanner, as the simulator answers'
              : 'not in the saved markup: the switch reads failed',
          },
          {
            name: 'every request answered 200',
            ok: failed.length === 0,
            detail: failed.length
              ? `${failed.length} phases with failures`
              : `${[...bares, ...Object.values(phases)].reduce((n, p) => n + p.requests, 0)} requests, 0 errors`,
          },
        ],
        summary: {
          'bare page (baseline)': `${bares.map((b) => b.rps).join(', ')} req/s`,
          [`dashboard's markup (${trees.dashboard.elements} elements)`]: line(
            'dashboard',
            trees.dashboard.realHtml,
          ),
          [`block page's markup (${trees.block.elements} elements)`]: line('block', trees.block.realHtml),
          "dashboard's markup without classes": line('dashboardNoClasses'),
          "block page's markup without classes": line('blockNoClasses'),
          "dashboard's markup built in a client component": line('dashboardClient'),
          "block page's markup built in a client component": line('blockClient'),
        },
        data: { phases, bares, html, trees },
      },
    );
  } finally {
    await bare.stop();
    await markup.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runBench(run);
