import fs from 'node:fs';
import path from 'node:path';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import ts from 'typescript';
import { createTranslator } from 'use-intl/core';
import { describe, expect, it } from 'vitest';
import { AuditDetailList, detailWords, type DetailWords } from '@/components/staff/audit-detail';
import { AUDIT_ACTIONS } from '@/lib/audit/names';
import type { Translate } from '@/lib/i18n/note';
import { detailFieldSpec, readAuditDetail, type DetailValue } from '@/lib/staff/audit-detail';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// The audit table's detail in words (lib/staff/audit-detail.ts). The writers are found in the source:
// every object that names an audit action and a `detail` (audit(), done(), refuse()'s audit, the
// operator CLI's rows, a helper called with the action), so a field added to a writer without a label
// here fails this test.

const root = path.resolve(import.meta.dirname, '../..');
const ACTIONS = new Set<string>(AUDIT_ACTIONS);

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true }).flatMap((d) => {
    const rel = path.relative(root, path.join(d.parentPath, d.name));
    return d.isFile() && /\.tsx?$/.test(d.name) && !rel.startsWith('lib/generated') ? [rel] : [];
  });
}

/** The audit actions an expression names: its string literals, or those of the `const` it names. */
function actionsIn(e: ts.Expression, file: ts.SourceFile): string[] {
  const found: string[] = [];
  const walk = (n: ts.Node) => {
    if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && ACTIONS.has(n.text))
      found.push(n.text);
    ts.forEachChild(n, walk);
  };
  const decl = ts.isIdentifier(e) ? declarationOf(e, file, ts.isVariableDeclaration) : undefined;
  walk(decl?.initializer ?? e);
  return found;
}

/**
 * The last declaration of `id`'s name before it in its file that `is` accepts: a variable (`const
 * detail = {…}`) or a parameter.
 */
function declarationOf<D extends ts.VariableDeclaration | ts.ParameterDeclaration>(
  id: ts.Identifier,
  file: ts.SourceFile,
  is: (n: ts.Node) => n is D,
): D | undefined {
  let best: D | undefined;
  const walk = (n: ts.Node) => {
    if (is(n) && n.name.getText(file) === id.text && n.pos < id.pos) best = n;
    ts.forEachChild(n, walk);
  };
  walk(file);
  return best;
}

/** The keys of a detail expression: an object literal (spreads included), a const naming one, or a typed parameter. */
function keysOf(e: ts.Node, file: ts.SourceFile): string[] {
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) return keysOf(e.expression, file);
  if (ts.isConditionalExpression(e)) return [...keysOf(e.whenTrue, file), ...keysOf(e.whenFalse, file)];
  if (ts.isIdentifier(e)) {
    const decl = declarationOf(e, file, ts.isVariableDeclaration);
    if (decl?.initializer) return keysOf(decl.initializer, file);
    // A parameter typed with a type of the same file (`issue: SyncIssueInput`).
    const param = declarationOf(e, file, ts.isParameter);
    const alias =
      param?.type && ts.isTypeReferenceNode(param.type) ? param.type.typeName.getText(file) : null;
    const type = file.statements.find(
      (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === alias,
    );
    return type && ts.isTypeLiteralNode(type.type) ? type.type.members.map((m) => m.name!.getText(file)) : [];
  }
  if (!ts.isObjectLiteralExpression(e)) return [];
  return e.properties.flatMap((p) =>
    ts.isSpreadAssignment(p) ? keysOf(p.expression, file) : p.name ? [p.name.getText(file)] : [],
  );
}

/** Every (action, detail key) a writer in lib/ or scripts/ stores. */
function writtenFields(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (actions: string[], keys: string[]) => {
    for (const a of actions) for (const k of keys) out.set(a, (out.get(a) ?? new Set()).add(k));
  };
  for (const rel of [...sources('lib'), ...sources('scripts')]) {
    if (rel.startsWith('lib/staff/audit-')) continue;
    const file = ts.createSourceFile(
      rel,
      fs.readFileSync(path.join(root, rel), 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (n: ts.Node) => {
      if (ts.isObjectLiteralExpression(n)) {
        const prop = (name: string) => n.properties.find((p) => p.name?.getText(file) === name);
        const action = prop('action');
        const detail = prop('detail');
        if (action && detail) {
          const actionExpr = ts.isShorthandPropertyAssignment(action)
            ? action.name
            : (action as ts.PropertyAssignment).initializer;
          const detailExpr = ts.isShorthandPropertyAssignment(detail)
            ? detail.name
            : (detail as ts.PropertyAssignment).initializer;
          add(actionsIn(actionExpr, file), keysOf(detailExpr, file));
        }
      }
      // A helper given the action and its detail: decided('allowance.approved', a, detail, 'sent').
      if (
        ts.isCallExpression(n) &&
        n.arguments[0] &&
        ts.isStringLiteral(n.arguments[0]) &&
        ACTIONS.has(n.arguments[0].text)
      )
        add(
          [n.arguments[0].text],
          n.arguments.slice(1).flatMap((a) => keysOf(a, file)),
        );
      ts.forEachChild(n, visit);
    };
    visit(file);
  }
  return out;
}

const written = writtenFields();

/** A value of the shape `as` expects, for a reading of every written field. */
function sampleFor(action: string, key: string): unknown {
  const as = detailFieldSpec(action, key)?.as;
  if (as === 'count' || as === 'hours') return 2;
  if (as === 'yesNo') return true;
  if (as === 'codes' || as === 'roles') return as === 'roles' ? ['agent', 'admin'] : ['blk1', 'blk2'];
  if (as === 'time') return '2026-12-01T09:14:03.000Z';
  if (as === 'country') return 'SO';
  if (as === 'email') return 'ana@xn--clnica-peasco-xib1e.es';
  if (as === 'switchError') return 'timeout: no answer within 5000 ms';
  if (as === 'zone') return 'Europe/Madrid';
  if (as === 'language') return 'es';
  if (as === 'role') return 'agent';
  return 'a_code';
}

describe('the writers of the audit log', () => {
  it('are found in the source, with the fields they store', () => {
    // The scan reads every kind of writer: audit(), done()'s audit, a helper, the CLI, a typed parameter.
    // (`alert` is written with `change_unknown` by the same call, left out of a refusal's row.)
    expect(written.get('sip_password.change_failed')).toEqual(
      new Set(['username', 'switch', 'code', 'outcome', 'alert']),
    );
    expect(written.get('request.approved')).toContain('attestedCallback');
    expect(written.get('allowance.approved')).toContain('attestedCallback');
    expect(written.get('block.place_refused')).toEqual(new Set(['actor', 'error']));
    expect(written.get('sign_in.link_requested')).toEqual(new Set(['email', 'by']));
    expect(written.get('reconcile.difference')).toEqual(
      new Set(['portalState', 'switchState', 'action', 'detail']),
    );
    expect(written.get('secrets.resealed')).toEqual(new Set(['resealed', 'unreadable']));
    expect(written.size).toBeGreaterThan(45);
  });

  it('store no field the audit table has no label for', () => {
    const unlabelled = [...written].flatMap(([action, keys]) =>
      [...keys].filter((k) => !detailFieldSpec(action, k)).map((k) => `${action}: ${k}`),
    );
    expect(unlabelled).toEqual([]);
  });

  it('store no field named like a secret (lib/audit/log.ts: never a password, token or secret)', () => {
    const keys = [...written.values()].flatMap((s) => [...s]);
    // `passwordReplaced` and `passwordCleared` are yes or no, `recoveryCodesRemoved` a count, `code`
    // the switch's error code.
    const secretLike = keys.filter((k) => /pass|secret|token|totp|otp|hash|ha1|cookie/i.test(k));
    expect(new Set(secretLike)).toEqual(new Set(['passwordReplaced', 'passwordCleared']));
  });
});

describe('readAuditDetail', () => {
  it('reads every field every writer stores with its label, in both catalogues, and its kind', () => {
    for (const [action, keys] of written) {
      const detail = Object.fromEntries([...keys].map((k) => [k, sampleFor(action, k)]));
      const read = readAuditDetail(action, JSON.stringify(detail));
      expect(read?.kind).toBe('fields');
      for (const field of read?.kind === 'fields' ? read.fields : []) {
        expect(field.label, `${action}: ${field.key}`).not.toBeNull();
        const label = `audit.field.${field.label}`;
        for (const c of [en, es]) expect(has(c.staff, label), `${label}`).toBe(true);
      }
    }
  });

  it('types values: times, addresses, booleans, counts, switch errors, terms, lists', () => {
    const read = readAuditDetail(
      'allowance.ended',
      JSON.stringify({
        country: 'SO',
        until: '2026-12-01T09:14:03.000Z',
        endReason: 'block_lifted',
        confirmedBy: 'switch',
        emailed: false,
      }),
    );
    expect(read).toEqual({
      kind: 'fields',
      fields: [
        { key: 'country', label: 'country', value: { kind: 'country', code: 'SO' } },
        { key: 'until', label: 'until', value: { kind: 'time', at: new Date('2026-12-01T09:14:03.000Z') } },
        {
          key: 'endReason',
          label: 'endReason',
          value: { kind: 'term', key: 'audit.term.cause.block_lifted', code: 'block_lifted' },
        },
        { key: 'confirmedBy', label: 'confirmedBy', value: { kind: 'actor', actor: 'switch' } },
        { key: 'emailed', label: 'emailed', value: { kind: 'yesNo', value: false } },
      ],
    });
    expect(values('request.approved', { alsoLifted: [], liftQueued: true, note: 'Spoke with Ana' })).toEqual([
      { kind: 'list', items: [] },
      { kind: 'yesNo', value: true },
      { kind: 'text', text: 'Spoke with Ana' },
    ]);
    expect(
      values('sip_password.change_failed', { switch: 'rejected', code: 'account_closed', outcome: 'failed' }),
    ).toEqual([
      { kind: 'switchError', stored: 'rejected' },
      { kind: 'code', text: 'account_closed' },
      { kind: 'term', key: 'audit.term.outcome.failed', code: 'failed' },
    ]);
  });

  it('reads a key by its action where it means something else', () => {
    expect(detailFieldSpec('profile.time_zone_changed', 'from')).toEqual({ label: 'before', as: 'zone' });
    expect(detailFieldSpec('staff_user.role_changed', 'to')).toEqual({ label: 'after', as: 'role' });
    expect(detailFieldSpec('request.decision_conflict', 'by')).toEqual({ label: 'decidedBy', as: 'actor' });
    expect(detailFieldSpec('sign_in.throttled', 'by')?.label).toBe('limit');
    expect(detailFieldSpec('mfa.failure', 'kind')?.label).toBe('codeKind');
    expect(detailFieldSpec('request.submitted', 'kind')?.label).toBe('requestKind');
  });

  it('keeps an unknown key and a value of an unexpected shape, as stored', () => {
    expect(
      readAuditDetail('block.lifted', JSON.stringify({ actor: 'sam@x.example', newField: 3, until: 'soon' })),
    ).toEqual({
      kind: 'fields',
      fields: [
        { key: 'actor', label: 'decidedBy', value: { kind: 'actor', actor: 'sam@x.example' } },
        { key: 'newField', label: null, value: { kind: 'count', n: 3 } },
        { key: 'until', label: 'until', value: { kind: 'text', text: 'soon' } },
      ],
    });
    expect(values('an.old_action', { nested: { a: 1 }, list: [1, 'b'] })).toEqual([
      { kind: 'json', text: '{"a":1}' },
      { kind: 'json', text: '[1,"b"]' },
    ]);
  });

  it('reads where create-user’s language came from as one field, and lists each key when they do not fit', () => {
    expect(
      readAuditDetail(
        'user.created',
        JSON.stringify({
          locale: 'en',
          localeSource: 'default',
          localeCountry: 'BR',
          countryLanguage: 'pt',
          localeChosen: false,
        }),
      ),
    ).toEqual({
      kind: 'fields',
      fields: [
        { key: 'locale', label: 'language', value: { kind: 'language', code: 'en' } },
        {
          key: 'localeSource',
          label: 'languageFrom',
          value: { kind: 'languageFrom', source: 'default', country: 'BR', language: 'pt' },
        },
      ],
    });
    // An older row's `localeChosen` alone: false is "not the operator", never a guess at which other.
    expect(values('user.created', { localeChosen: false })).toEqual([
      { kind: 'languageFrom', source: 'notOperator' },
    ]);
    // A country that is no code, or keys that disagree: nothing is hidden, each is listed as stored.
    expect(values('user.created', { localeSource: 'country', localeCountry: 'Chile' })).toEqual([
      { kind: 'term', key: 'audit.term.languageFrom.country', code: 'country' },
      { kind: 'text', text: 'Chile' },
    ]);
    expect(values('user.created', { localeSource: 'country', localeChosen: true })).toEqual([
      { kind: 'term', key: 'audit.term.languageFrom.country', code: 'country' },
      { kind: 'yesNo', value: true },
    ]);
  });

  it('withholds a value under an unknown key that names a secret, at any depth', () => {
    expect(
      values('sign_in.failure', { password: 'hunter2', totpSecret: 'JBSW', recoveryCodes: ['a'] }),
    ).toEqual([{ kind: 'withheld' }, { kind: 'withheld' }, { kind: 'withheld' }]);
    expect(values('x', { extra: { token: 'abc', ok: 1 } })).toEqual([
      { kind: 'json', text: '{"token":"…","ok":1}' },
    ]);
  });

  it('shows a detail that is not a JSON object as its text, and none as nothing', () => {
    expect(readAuditDetail('sign_out', 'signed out by hand')).toEqual({
      kind: 'text',
      text: 'signed out by hand',
    });
    expect(readAuditDetail('sign_out', '[1,2]')).toEqual({ kind: 'text', text: '[1,2]' });
    expect(readAuditDetail('sign_out', null)).toBeNull();
    expect(readAuditDetail('sign_out', '')).toBeNull();
  });

  it('escapes invisible formatting in text, keys and unparsed details', () => {
    const rlo = '\u202e';
    expect(values('request.denied', { denyReason: `no ${rlo}thanks` })).toEqual([
      { kind: 'text', text: 'no \\u202ethanks' },
    ]);
    const read = readAuditDetail('x', JSON.stringify({ [`k${rlo}`]: 'v' }));
    expect(read?.kind === 'fields' && read.fields[0]!.key).toBe('k\\u202e');
    expect(readAuditDetail('x', `not json ${rlo}`)).toEqual({ kind: 'text', text: 'not json \\u202e' });
  });
});

describe('the detail list', () => {
  const words = (locale: 'en' | 'es', tag: string): DetailWords => {
    const messages = locale === 'en' ? en : es;
    return detailWords({
      staff: createTranslator({
        locale: tag,
        messages,
        namespace: 'staff',
      }) as unknown as DetailWords['staff'],
      actors: createTranslator({ locale: tag, messages, namespace: 'actors' }),
      all: createTranslator({ locale: tag, messages }) as unknown as Translate,
      tag,
      timeZone: 'Europe/Madrid',
    });
  };
  const html = (action: string, detail: object, locale: 'en' | 'es' = 'es', tag = 'es-ES') =>
    renderToStaticMarkup(
      h(AuditDetailList, {
        detail: readAuditDetail(action, JSON.stringify(detail)),
        words: words(locale, tag),
      }),
    );

  it('reads as Spanish words: label, then value', () => {
    const out = html('block.lifted', { actor: 'sam@xn--bcher-kva.example', confirmedBy: 'switch' });
    expect(out.replace(/^<dl [^>]*>/, '<dl>')).toBe(
      '<dl><dt>Decidido por</dt><dd>sam@bücher.example</dd><dt>Confirmado por</dt><dd>el switch</dd></dl>',
    );
  });

  it('formats times in the reader zone, switch errors, countries, booleans and terms in Spanish', () => {
    const text = (s: string) => s.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|');
    expect(
      text(html('allowance.ended', { country: 'SO', until: '2026-12-01T09:14:03.000Z', emailed: false })),
    ).toBe('|País|Somalia (SO)|Hasta|1 dic 2026, 10:14 GMT+1|Correo en cola|no|');
    // Every end an allowance's row can name (lib/allowances/operations.ts ended, giveUpAllowanceOperation)
    // reads in words, not as the stored code.
    const ends: Record<string, [string, string]> = {
      expired: ['venció', 'it expired'],
      ended_by_staff: ['soporte lo terminó', 'support ended it'],
      ended_on_switch: ['se terminó en el switch', 'it was ended on the switch'],
      new_block: ['entró en vigor un nuevo bloqueo', 'a new block came into force'],
      block_lifted: ['se levantó el bloqueo', 'the block was lifted'],
      gave_up: [
        'el switch no respondió a tiempo, así que Tollgate dejó de enviarlo',
        'the switch gave no answer in time, so Tollgate stopped sending it',
      ],
    };
    for (const [endReason, [inSpanish, inEnglish]] of Object.entries(ends)) {
      expect(text(html('allowance.ended', { endReason }))).toBe(`|Motivo del fin|${inSpanish}|`);
      expect(text(html('allowance.ended', { endReason }, 'en', 'en-US'))).toBe(`|End reason|${inEnglish}|`);
    }
    expect(text(html('sip_password.change_unknown', { switch: 'unavailable', outcome: 'unknown' }))).toBe(
      '|Respuesta del switch|el switch no estaba disponible|Resultado|sin confirmar por el switch|',
    );
    expect(
      text(html('sip_password.change_unknown', { outcome: 'unknown', alert: 'overtaken' }, 'en', 'en-US')),
    ).toBe(
      '|Outcome|not confirmed by the switch|Alert to the members|not queued: a newer password the switch confirmed is in force|',
    );
    expect(text(html('staff_user.role_changed', { from: 'agent', to: 'admin' }))).toBe(
      '|Antes|agente de soporte|Después|administrador|',
    );
    // Who asked for a lift: support (lib/blocks/manual.ts) or the rotation policy (lib/blocks/policy.ts).
    // "Lift asked for by", not "Lifted by": the row is the request; a withheld one never lifted
    // (a tester read "Lifted by: the password policy" above "Lift withheld", 2026-12-07).
    expect(text(html('block.lift_requested', { by: 'staff', alsoLifted: [] }, 'en', 'en-US'))).toMatch(
      /^\|Lift asked for by\|support\|/,
    );
    expect(text(html('block.lift_requested', { by: 'policy', alsoLifted: [] }, 'en', 'en-US'))).toMatch(
      /^\|Lift asked for by\|the password policy, once every password was changed\|/,
    );
    expect(text(html('block.lift_requested', { by: 'policy', alsoLifted: [] }))).toMatch(
      /^\|Levantamiento pedido por\|la política de contraseñas, una vez cambiadas todas\|/,
    );
    expect(
      text(
        html(
          'block.lift_refused',
          { error: 'account_closed: HTTP 409 account_closed: closed' },
          'en',
          'en-US',
        ),
      ),
    ).toBe('|Switch error|the switch answered “account_closed”: closed|');
    // An unknown key is labelled by itself; a code with no words shows as stored.
    expect(text(html('x', { brandNew: 'v', outcome: 'weird' }))).toBe('|brandNew|v|Resultado|weird|');
  });
});

const has = (tree: object, key: string): boolean =>
  key
    .split('.')
    .reduce<unknown>(
      (t, k) => (t && typeof t === 'object' ? (t as Record<string, unknown>)[k] : undefined),
      tree,
    ) !== undefined;

function values(action: string, detail: object): DetailValue[] {
  const read = readAuditDetail(action, JSON.stringify(detail));
  return read?.kind === 'fields' ? read.fields.map((f) => f.value) : [];
}
