import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// A link that stands alone on its line (a page's "Back to the queue", a 404's "Home", the agent's
// callback number to tap, a list entry that is only a link) takes PAGE_LINK (components/ui/
// button-class.ts: 44 px on a phone, docs/architecture.md); one in running text stays inline. The 404
// pages, the sign-in link page, the staff home's "Back to the queue", the callback number and a few
// lists' links were 20–28 px tall on a phone. This reads the pages' and components' JSX: a link
// (<Link> or <a>) whose class is a plain `text-blue-800 underline` is reported when nothing inline
// shares its line (no text, no inline element beside it: only block elements, paragraphs, lists,
// headings, sections, other components). The pages themselves are checked in a browser by
// e2e/15-keyboard-and-touch.spec.ts.

const ROOTS = ['app', 'components'];
/** Development tools, not served to customers or staff in production. */
const SKIPPED = [/^app\/dev\//];
const BLOCK = new Set([
  'p',
  'div',
  'ul',
  'ol',
  'li',
  'dl',
  'section',
  'article',
  'header',
  'footer',
  'nav',
  'form',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
]);

function tsxFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsxFiles(p) : p.endsWith('.tsx') ? [p] : [];
  });
}

const tagOf = (n: ts.Node): string | null =>
  ts.isJsxElement(n)
    ? n.openingElement.tagName.getText()
    : ts.isJsxSelfClosingElement(n)
      ? n.tagName.getText()
      : null;

/** True when `n`, a child of some JSX, puts nothing inline on a line: whitespace, a block element, null. */
function blockOnly(n: ts.Node): boolean {
  if (ts.isJsxText(n)) return n.containsOnlyTriviaWhiteSpaces || n.getText().trim() === '';
  if (ts.isJsxFragment(n)) return n.children.every(blockOnly);
  const tag = tagOf(n);
  if (tag !== null) return BLOCK.has(tag) || (/^[A-Z]/.test(tag) && !INLINE_COMPONENTS.has(tag));
  if (ts.isJsxExpression(n)) return n.expression === undefined || blockOnly(n.expression);
  if (ts.isParenthesizedExpression(n)) return blockOnly(n.expression);
  if (ts.isConditionalExpression(n)) return blockOnly(n.whenTrue) && blockOnly(n.whenFalse);
  if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)
    return blockOnly(n.right);
  if (n.kind === ts.SyntaxKind.NullKeyword) return true;
  // Text (a translation, a string, a number) or anything this cannot tell: inline.
  return false;
}
/** Components that render inline content (text in a sentence). */
const INLINE_COMPONENTS = new Set(['Link', 'When', 'StoredText', 'Fragment']);

/** The plain className string of a JSX opening element, or null. */
function classNameOf(attrs: ts.JsxAttributes): string | null {
  for (const a of attrs.properties) {
    if (!ts.isJsxAttribute(a) || a.name.getText() !== 'className' || !a.initializer) continue;
    if (ts.isStringLiteral(a.initializer)) return a.initializer.text;
    const e = ts.isJsxExpression(a.initializer) ? a.initializer.expression : undefined;
    if (e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e))) return e.text;
    return null; // an expression: PAGE_LINK, buttonClass(…), a template with them
  }
  return null;
}

/**
 * `file:line` of each link in `file` (its TSX `text`, read from disk by default) that stands alone on
 * its line with a plain inline link's class.
 */
function standalonePlainLinks(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const visit = (n: ts.Node) => {
    const tag = tagOf(n);
    if ((tag === 'Link' || tag === 'a') && ts.isJsxElement(n)) {
      const cls = classNameOf(n.openingElement.attributes);
      // The JSX child that holds it: itself, or the `{…}` it is a branch of (`{ok ? <a …> : <p>…</p>}`).
      let holder: ts.Node = n;
      while (
        ts.isParenthesizedExpression(holder.parent) ||
        ts.isConditionalExpression(holder.parent) ||
        (ts.isBinaryExpression(holder.parent) && holder.parent.right === holder) ||
        ts.isJsxExpression(holder.parent)
      )
        holder = holder.parent;
      const parent = holder.parent;
      if (cls !== null && /\btext-blue-800\b/.test(cls) && /\bunderline\b/.test(cls)) {
        const siblings =
          ts.isJsxElement(parent) || ts.isJsxFragment(parent)
            ? parent.children.filter((c) => c !== holder)
            : null;
        if (siblings !== null && siblings.every(blockOnly)) {
          const { line } = source.getLineAndCharacterOfPosition(n.getStart());
          found.push(`${file}:${line + 1}`);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return found;
}

describe('links that stand alone on their line', () => {
  it('take PAGE_LINK, so that they are 44 px touch targets on a phone', () => {
    const files = ROOTS.flatMap(tsxFiles)
      .map((f) => f.split(path.sep).join('/'))
      .filter((f) => !SKIPPED.some((re) => re.test(f)));
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((f) => standalonePlainLinks(f))).toEqual([]);
  });

  it('tells a link alone on its line from one in a sentence', () => {
    const probe = [
      'export const a = (<div className="flex flex-col"><h1>T</h1>',
      '  <Link href="/" className="text-blue-800 underline">Home</Link></div>);',
      'export const b = (<p>Read it <Link href="/" className="text-blue-800 underline">here</Link>.</p>);',
      'export const c = (<p><Link href="/" className={PAGE_LINK}>Back</Link></p>);',
      'export const d = (<li><Link href="/" className="font-medium text-blue-800 underline">X</Link>',
      '  <span> · asked</span></li>);',
      'export const e = (<>{x ? <p>y</p> : null}<a href="tel:1" className="text-blue-800 underline">1</a></>);',
      'export const f = (<div><h2>T</h2>{ok ? (',
      '  <a href="tel:1" className="self-start text-blue-800 underline">1</a>) : <p>1</p>}</div>);',
      'export const g = (<p>Call {ok ? <a href="tel:1" className="text-blue-800 underline">1</a> : null}</p>);',
    ].join('\n');
    expect(standalonePlainLinks('probe.tsx', probe)).toEqual(['probe.tsx:2', 'probe.tsx:7', 'probe.tsx:9']);
  });
});
