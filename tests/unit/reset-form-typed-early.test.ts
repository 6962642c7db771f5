import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { typedBeforeScript } from '@/components/sip/reset-form';
import { renderAnswered, resetForm } from '@/tests/helpers/posted-form';

// B9 (2026-12-07): on a phone with a slow connection, a password typed into "New SIP password" before
// the page's script had loaded was erased when React hydrated the controlled input, with no message.
// React keeps a hydrated input's value (react-dom initInput, `isHydrating`), but the controlled
// input's next render (useScripted turning true is one) set it to the state's ''. No DOM library is
// installed here (no jsdom), so the rule is tested on its own and its wiring read from the source.

describe('a password typed before the page’s script ran', () => {
  it('is what the field holds beyond the state: typed, pasted or filled by a password manager', () => {
    expect(typedBeforeScript({ value: 'muela-empaste-ortodoncia' }, '')).toBe('muela-empaste-ortodoncia');
    // Spaces are a password's own: taken as typed, never trimmed.
    expect(typedBeforeScript({ value: ' ' }, '')).toBe(' ');
    // Nothing typed, or the state has it already: nothing to adopt.
    expect(typedBeforeScript({ value: '' }, '')).toBeNull();
    expect(typedBeforeScript({ value: 'same' }, 'same')).toBeNull();
    expect(typedBeforeScript(null, '')).toBeNull();
  });

  it('is taken into the state from the field itself as the form mounts, and scored by the meter', () => {
    const source = readFileSync('components/sip/reset-form.tsx', 'utf8');
    const file = ts.createSourceFile(
      'reset-form.tsx',
      source,
      ts.ScriptTarget.Latest,
      true,
      ts.ScriptKind.TSX,
    );
    let fieldRef: string | null = null;
    const mountEffects: string[] = [];
    const visit = (node: ts.Node) => {
      // <input id="password" … ref={…} />: which ref the password field gives its element to.
      if (ts.isJsxSelfClosingElement(node) && node.tagName.getText(file) === 'input') {
        const attrs = node.attributes.properties.filter(ts.isJsxAttribute);
        const attr = (name: string) => attrs.find((a) => a.name.getText(file) === name)?.initializer;
        if (attr('id')?.getText(file) === '"password"') {
          const ref = attr('ref');
          fieldRef = ref && ts.isJsxExpression(ref) && ref.expression ? ref.expression.getText(file) : null;
        }
      }
      // useLayoutEffect(…, []) or useEffect(…, []): run once, as the form mounts (before the render
      // that would erase the field, for a layout effect).
      if (
        ts.isCallExpression(node) &&
        ['useLayoutEffect', 'useEffect'].includes(node.expression.getText(file)) &&
        node.arguments[1]?.getText(file) === '[]'
      )
        mountEffects.push(node.arguments[0]!.getText(file));
      ts.forEachChild(node, visit);
    };
    visit(file);
    expect(fieldRef).not.toBeNull();
    const adopting = mountEffects.filter((e) => e.includes(`typedBeforeScript(${fieldRef}.current`));
    expect(adopting).toHaveLength(1);
    // As a keystroke: into the state the meter scores (useStrength(password, …)), the server's old
    // errors hidden beside it (`edited`), the meter's worker started (`engaged`).
    expect(adopting[0]).toMatch(/setPassword\(typed\)/);
    expect(adopting[0]).toMatch(/setEdited\(true\)/);
    expect(adopting[0]).toMatch(/setEngaged\(true\)/);
    expect(source).toMatch(/useStrength\(\s*password,/);
  });

  it('is never echoed by the server: the field is rendered empty', async () => {
    const html = await renderAnswered(resetForm);
    expect(html).toMatch(/<input[^>]*id="password"[^>]*value=""/);
  });
});
