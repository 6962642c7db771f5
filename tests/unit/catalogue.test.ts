import { describe, expect, it } from 'vitest';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import en from '@/messages/en.json';
import { translator } from '@/lib/i18n/translate';
import { AUDIT_ACTIONS, auditActionKey } from '@/lib/audit/names';
import es from '@/messages/es.json';

// Every catalogue says the same things: the same keys, the same ICU arguments (a missing {account}
// would print nothing; a missing plural would print "# llamadas" for one), and no untranslated
// English left behind. Names and codes that read the same in both languages are listed here, by key.
const SAME_IN_BOTH = new Set([
  'block.explain.ipIn', // "{ip} ({country})": only placeholders
  'app.name', // the product's name
  'app.meta.page', // "{page} · {app}": a page's <title>, only placeholders
  'app.meta.ofAccount', // "{page} · {number}": a page's title with its account, only placeholders
  'actors.tollgate', // the product's name, as the actor of a timeline entry
  'dashboard.unknown', // an em dash
  'account.title', // "{name} ({number})"
  'mail.account',
  'mail.credential',
  'staff.allowances.label', // "{country} ({code}), {hours} h": placeholders and the hour symbol
  'staff.switchWaiting.allowance', // "{what}: {country} ({code})": only placeholders
  'staff.audit.value.no', // "no" is the word in both languages
]);

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

/** "account:argument", "count:plural[one,other]", … for every argument anywhere in the message. */
function argumentsOf(elements: MessageFormatElement[], out = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.argument) out.add(`${el.value}:argument`);
    else if (el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time)
      out.add(`${el.value}:${TYPE[el.type]}`);
    else if (el.type === TYPE.plural || el.type === TYPE.select) {
      // Plural categories differ between languages by rule, so only a select's options must match.
      const options = el.type === TYPE.select ? `[${Object.keys(el.options).sort().join(',')}]` : '';
      out.add(`${el.value}:${TYPE[el.type]}${options}`);
      for (const o of Object.values(el.options)) argumentsOf(o.value, out);
    } else if (el.type === TYPE.tag) argumentsOf(el.children, out);
  }
  return out;
}

const enKeys = flatten(en as Tree);
const esKeys = flatten(es as Tree);

describe('the Spanish catalogue', () => {
  it('has every English key, and no key English lacks', () => {
    expect([...enKeys.keys()].filter((k) => !esKeys.has(k))).toEqual([]);
    expect([...esKeys.keys()].filter((k) => !enKeys.has(k))).toEqual([]);
  });

  it('uses the same ICU arguments in every message', () => {
    const differ: string[] = [];
    for (const [key, enValue] of enKeys) {
      const esValue = esKeys.get(key);
      if (esValue === undefined) continue;
      const a = [...argumentsOf(parse(enValue))].sort();
      const b = [...argumentsOf(parse(esValue))].sort();
      if (a.join('|') !== b.join('|')) differ.push(`${key}: en ${a.join(' ')} / es ${b.join(' ')}`);
    }
    expect(differ).toEqual([]);
  });

  it('leaves no English behind, apart from names and codes', () => {
    const same = [...enKeys].filter(([k, v]) => esKeys.get(k) === v && !SAME_IN_BOTH.has(k)).map(([k]) => k);
    expect(same).toEqual([]);
  });

  it('the allow-list names only keys that exist and are really the same', () => {
    for (const k of SAME_IN_BOTH) expect(esKeys.get(k), k).toBe(enKeys.get(k));
  });
});

describe('a date in a Spanish sentence', () => {
  // Every time is written as a whole date ("3 dic 2026, 1:43 GMT+11", lib/time/format.ts ZONED), and
  // Spanish puts the article before one: "terminó el 3 dic", "hasta el 3 dic", never "son las 3 dic"
  // (try-18: the allowance, its mails, the profile's clock, the staff queue and sync list).
  it('puts "el" before it, or starts with it, or follows a colon', () => {
    const DATES = /\{(?:at|until|placed|expires)\}|<when><\/when>/g;
    const bare = [...flatten(es)].flatMap(([key, text]) =>
      [...text.matchAll(DATES)].filter((m) => !/(^|\bel |: )$/i.test(text.slice(0, m.index))).map(() => key),
    );
    expect(bare).toEqual([]);
  });
});

describe('the audit log names every action for people', () => {
  it('has a name for each action in both catalogues, and none for an action that does not exist', () => {
    for (const action of AUDIT_ACTIONS) {
      const key = `staff.audit.${auditActionKey(action)}`;
      expect(enKeys.get(key), key).toBeTruthy();
      expect(esKeys.get(key), key).toBeTruthy();
    }
    const named = [...enKeys.keys()].filter((k) => k.startsWith('staff.audit.actions.'));
    expect(named).toHaveLength(AUDIT_ACTIONS.length);
    // `sign_out` and `sign_out.everywhere` are two names, not a name and a folder of names.
    expect(translator('es')(`staff.audit.${auditActionKey('sign_out')}` as never)).toBe('Cierre de sesión');
  });
});

describe('the block page asks for one password, or for several', () => {
  // "Change the SIP passwords of Lab SIP trunk (labs-trunk)… once all of them are changed" read wrong
  // for the commonest block, one credential (components/block/explanation.tsx passes the count).
  it.each([
    [
      'en',
      'Change the SIP password of X (x) now. International calling comes back automatically once it is changed.',
      'Change the SIP password of X (x) now.',
    ],
    [
      'es',
      'Cambie ahora la contraseña SIP de X (x). Las llamadas internacionales se restablecen automáticamente en cuanto se haya cambiado.',
      'Cambie ahora la contraseña SIP de X (x).',
    ],
  ] as const)('%s, one credential', (locale, rotate, rotateOnly) => {
    // The credentials are a list of names kept whole (<credentials></credentials>: explanation.tsx).
    const t = translator(locale).markup;
    expect(t('block.explain.rotate', { count: 1, credentials: () => 'X (x)' })).toBe(rotate);
    expect(t('block.explain.rotateOnly', { count: 1, credentials: () => 'X (x)' })).toBe(rotateOnly);
    expect(t('block.explain.rotate', { count: 2, credentials: () => 'X (x) y Y (y)' })).toMatch(
      /passwords|contraseñas/,
    );
  });
});

describe('the SIP password button and the misdial question say what is true (break 25)', () => {
  // The server checks the password's strength before it asks the switch, and a weak one never gets
  // there: "Waiting for the switch…" was false for every refusal. One action, so words true for both.
  it.each([
    ['en', /check/i],
    ['es', /comprob/i],
  ] as const)('%s: the reset button names the check, not the switch alone', (locale, check) => {
    const pending = translator(locale)('reset.pending');
    expect(pending).toMatch(check);
    expect(pending).not.toMatch(/switch/i);
  });
  // A misdial request may mark several calls (lib/requests/submit.ts callIds[]), as checkboxes.
  it.each([
    ['en', /calls/, /call\b/],
    ['es', /llamadas/, /llamada\b/],
  ] as const)('%s: the question is plural when several calls are offered', (locale, plural, one) => {
    const t = translator(locale);
    expect(t('unblock.misdial.legend', { count: 3 })).toMatch(plural);
    expect(t('unblock.misdial.intro', { count: 3 })).toMatch(plural);
    expect(t('unblock.misdial.legend', { count: 1 })).toMatch(one);
  });
});

describe('a button named for the person it acts on', () => {
  // WCAG 2.2 SC 2.5.3 (Label in Name): a voice-control user says the words on the button ("Cambiar
  // rol"), so its accessible name (ActionForm's submitName, which adds whose login) must contain
  // them. Spanish read "Cambiar rol" but was named "Cambiar el rol de …" (try-27).
  const PAIRS = [
    ['staff.users.changeRole', 'staff.users.changeRoleOf'],
    ['staff.users.enable', 'staff.users.enableWho'],
    ['staff.users.disable', 'staff.users.disableWho'],
    ['staff.users.resetFactor', 'staff.users.resetFactorWho'],
  ] as const;
  it.each([
    ['en', en],
    ['es', es],
  ])('%s: each name contains the words its button shows', (_, catalogue) => {
    const text = flatten(catalogue as Tree);
    const apart = PAIRS.filter(
      ([shown, named]) => !text.get(named)!.toLowerCase().includes(text.get(shown)!.toLowerCase()),
    );
    expect(apart).toEqual([]);
  });
});
