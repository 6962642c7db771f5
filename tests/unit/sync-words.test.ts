import { createTranslator } from 'use-intl/core';
import { describe, expect, it } from 'vitest';
import type { SyncIssueInput } from '@/lib/blocks/lifecycle';
import type { Translate } from '@/lib/i18n/note';
import { storedText, storeNote } from '@/lib/i18n/stored';
import { foundSentence, switchSaid } from '@/lib/staff/sync-words';
import { readAuditDetail } from '@/lib/staff/audit-detail';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// A tester on the support desk in a fraud wave (2026-12-06): an allowance the switch refused with a 422
// read "portal said blocked, switch said no answer" under "Out of sync with the switch" (the SyncIssue
// was stored `switchState: 'unknown'`), and the entry gave the same instruction twice, once in what
// Tollgate did and once in the note. And the audit log said "Lift sent to the switch: yes" of a lift
// that was only queued (and withdrawn before its first attempt). An entry now says what the switch
// said (lib/staff/sync-words.ts), then the note (what happened), then the one instruction; the audit
// labels say "queued" of what Tollgate only queued.

const CATALOGUES = { en, es } as const;
type Locale = keyof typeof CATALOGUES;

/**
 * An out-of-sync entry's words for a reader of `locale`, in the order components/staff/sync-issues.tsx
 * shows them: what each side said (its time as WHEN), the note, then what Tollgate did and what to do.
 */
function entry(
  issue: SyncIssueInput | (Omit<SyncIssueInput, 'switchState'> & { switchState: string }),
  locale: Locale,
) {
  const messages = CATALOGUES[locale];
  const t = createTranslator({ locale, messages, namespace: 'staff.sync' });
  const all = createTranslator({ locale, messages, timeZone: 'UTC' }) as unknown as Translate;
  const state = (s: string) => (t.has(`state.${s}` as never) ? t(`state.${s}` as never) : s);
  const f = foundSentence(issue);
  const found = t.markup(f.key, {
    portal: 'portal' in f ? state(f.portal) : '',
    switchState: 'switchState' in f ? state(f.switchState) : '',
    when: () => 'WHEN',
    b: (c) => c,
  });
  const action = t(`action.${issue.action}` as never);
  return {
    found,
    detail: storedText(all, issue.detail) ?? '',
    action,
    all: `${found} ${storedText(all, issue.detail)} ${action}`,
  };
}

const count = (text: string, words: string) => text.split(words).length - 1;
const refusal = 'simulated_failure: HTTP 422 simulated_failure: simulated failure';
const grantRefused = (switchState: string) => ({
  portalState: 'blocked' as const,
  switchState,
  action: 'allowance_refused' as const,
  detail: storeNote('history.syncAllowancePutRefused', {
    country: 'MX',
    actor: 'sam@tollgate.example',
    error: refusal,
  }),
});

describe('what the switch said, in an out-of-sync entry', () => {
  it('picks the sentence by what the switch said, reading refused grants stored before as refused', () => {
    const s = (portalState: string, switchState: string, action: string) =>
      foundSentence({ portalState, switchState, action });
    expect(s('blocked', 'refused', 'allowance_refused')).toEqual({ key: 'foundRefused', portal: 'blocked' });
    // Stored before 2026-12-07: the switch had answered, "no answer" was false.
    expect(s('blocked', 'unknown', 'allowance_refused')).toEqual({ key: 'foundRefused', portal: 'blocked' });
    expect(switchSaid({ switchState: 'unknown', action: 'allowance_refused' })).toBe('refused');
    // A change the switch never answered, or answered without saying what it has.
    expect(s('blocked', 'unknown', 'allowance_gave_up')).toEqual({ key: 'foundUnknown', portal: 'blocked' });
    expect(s('allowed', 'unknown', 'allowance_end_refused')).toEqual({
      key: 'foundUnknown',
      portal: 'allowed',
    });
    expect(s('lift_requested', 'refused', 'lift_refused')).toEqual({ key: 'foundLiftRefused' });
    expect(s('lift_requested', 'blocked', 'lift_refused')).toEqual({
      key: 'foundLift',
      switchState: 'blocked',
    });
    expect(s('blocked', 'allowed', 'reapplied_on_switch')).toEqual({
      key: 'found',
      portal: 'blocked',
      switchState: 'allowed',
    });
    expect(s('allowed', 'not_found', 'not_on_switch')).toMatchObject({
      key: 'found',
      switchState: 'not_found',
    });
    // A state a newer writer stores is passed on as stored (shown as its code).
    expect(s('blocked', 'sideways', 'reapplied_on_switch')).toMatchObject({
      key: 'found',
      switchState: 'sideways',
    });
  });

  it('a grant the switch refused with a 422: "refused", never "no answer", in both languages, also as stored before', () => {
    for (const stored of ['refused', 'unknown']) {
      const en = entry(grantRefused(stored), 'en');
      expect(en.found).toBe(
        'Found WHEN · portal said blocked; the switch refused the change Tollgate asked for.',
      );
      expect(en.detail).toContain('(it answered “simulated_failure”)');
      expect(en.all).not.toMatch(/no answer/);
      const es = entry(grantRefused(stored), 'es');
      expect(es.found).toBe(
        'Detectado el WHEN · según el portal, las llamadas internacionales estaban bloqueadas; el switch rechazó el cambio que Tollgate le pidió.',
      );
      expect(es.all).not.toMatch(/sin respuesta/);
    }
  });

  it('a lift the switch refused says so; one whose 200 still showed blocked says blocked', () => {
    const lift = (switchState: 'refused' | 'blocked') => ({
      portalState: 'lift_requested' as const,
      switchState,
      action: 'lift_refused' as const,
      detail: storeNote('history.syncLiftRefused', { actor: 'policy', error: refusal }),
    });
    expect(entry(lift('refused'), 'en').found).toBe(
      'Found WHEN · the portal asked the switch to lift the block; the switch refused it.',
    );
    expect(entry(lift('refused'), 'es').found).toBe(
      'Detectado el WHEN · el portal pidió al switch levantar el bloqueo; el switch lo rechazó.',
    );
    expect(entry(lift('blocked'), 'en').found).toBe(
      'Found WHEN · the portal asked the switch to lift the block; the switch said blocked.',
    );
  });

  it('a change the switch never answered reads "not known", not "no answer" of a switch that did answer', () => {
    const gaveUp = {
      portalState: 'blocked' as const,
      switchState: 'unknown' as const,
      action: 'allowance_gave_up' as const,
      detail: storeNote('history.syncAllowancePutGaveUp', {
        country: 'MX',
        actor: 'sam@tollgate.example',
        hours: 1,
        error: 'timeout: no answer within 5000 ms',
      }),
    };
    expect(entry(gaveUp, 'en').found).toBe(
      'Found WHEN · portal said blocked; what the switch has is not known.',
    );
    expect(entry(gaveUp, 'es').found).toBe(
      'Detectado el WHEN · según el portal, las llamadas internacionales estaban bloqueadas; no se sabe qué tiene el switch.',
    );
  });

  it('gives one instruction, once: in what Tollgate did, never again in the note', () => {
    const values = { country: 'MX', actor: 'sam@tollgate.example', error: refusal };
    const cases: { issue: SyncIssueInput; en: string; es: string }[] = [
      {
        issue: grantRefused('refused') as SyncIssueInput,
        en: "Check the switch's answer",
        es: 'Compruebe la respuesta del switch',
      },
      {
        issue: {
          portalState: 'blocked',
          switchState: 'blocked',
          action: 'allowance_end_refused',
          detail: storeNote('history.syncAllowanceEndRefused', { ...values, until: Date.UTC(2026, 11, 7) }),
        },
        en: 'Have the switch engineers remove it',
        es: 'Pida a los ingenieros del switch',
      },
      {
        issue: {
          portalState: 'blocked',
          switchState: 'unknown',
          action: 'allowance_end_refused',
          detail: storeNote('history.syncAllowanceEndRefusedUnknown', values),
        },
        en: 'switch engineers',
        es: 'ingenieros del switch',
      },
      ...(['history.syncAllowancePutGaveUp', 'history.syncAllowanceDeleteGaveUp'] as const).map((key) => ({
        issue: {
          portalState: 'blocked' as const,
          switchState: 'unknown' as const,
          action: 'allowance_gave_up' as const,
          detail: storeNote(key, { ...values, hours: 1 }),
        },
        en: 'Check with the switch',
        es: 'Compruebe con el switch',
      })),
    ];
    for (const c of cases) {
      for (const locale of ['en', 'es'] as const) {
        const words = entry(c.issue, locale);
        expect(count(words.all, c[locale]), `${c.issue.action} ${locale}: ${words.all}`).toBe(1);
        expect(count(words.action, c[locale])).toBe(1);
      }
    }
  });

  it('the notes of the entries say what happened; none tells staff what to do', () => {
    // Imperatives that begin a sentence: the instruction belongs to `staff.sync.action.*` alone.
    const orders = {
      en: /(^|\. )(Check|Have|Grant|Call|Mark|Ask)\b/,
      es: /(^|\. )(Compruebe|Compruébelo|Pida|Vuelva|Llame|Marque)\b/,
    };
    for (const locale of ['en', 'es'] as const) {
      const notes = Object.entries(CATALOGUES[locale].history).filter(([k]) => k.startsWith('sync'));
      expect(notes.length).toBeGreaterThan(8);
      const ordering = notes.filter(([, text]) => orders[locale].test(text)).map(([k]) => k);
      expect(ordering, locale).toEqual([]);
    }
  });
});

describe('the audit log says what Tollgate queued as queued', () => {
  it('no label of a field that records a queued change claims it was sent, emailed or lifted', () => {
    // Where each is written: liftQueued (lib/requests/decide.ts, an approval queued a lift), deleteQueued
    // (lib/allowances/operations.ts, an allowance DELETE queued), alsoLifted (the other blocks a lift
    // asked for covers, lib/requests/decide.ts and lib/blocks/manual.ts), emailed (allowance mails
    // queued, lib/allowances/operations.ts), noticeReleased (held notices made due, lib/mail/queue.ts).
    const queued = ['liftQueued', 'deleteQueued', 'alsoLifted', 'emailed', 'noticeReleased'] as const;
    const claims = { en: /\b(sent|emailed|lifted|done)\b/i, es: /\b(enviad[oa]s?|levantad[oa]s?)\b/i };
    for (const locale of ['en', 'es'] as const) {
      const field = CATALOGUES[locale].staff.audit.field as Record<string, string>;
      for (const key of queued) expect(field[key], `${locale} ${key}`).not.toMatch(claims[locale]);
    }
    expect(en.staff.audit.field.liftQueued).toBe('Lift queued for the switch');
    expect(es.staff.audit.field.liftQueued).toBe('Levantamiento en cola para el switch');
  });

  it('a difference whose switch refused the change, or did not say, reads so in both catalogues', () => {
    const read = readAuditDetail(
      'reconcile.difference',
      JSON.stringify({ portalState: 'blocked', switchState: 'refused', action: 'allowance_refused' }),
    );
    expect(read).toMatchObject({
      kind: 'fields',
      fields: [
        { key: 'portalState' },
        { key: 'switchState', value: { kind: 'term', key: 'audit.term.state.refused' } },
        { key: 'action' },
      ],
    });
    expect(en.staff.audit.term.state.refused).toBe('a refusal of the change');
    expect(es.staff.audit.term.state.refused).toBe('un rechazo del cambio');
    expect(en.staff.audit.term.state.unknown).not.toMatch(/answer/);
  });
});
