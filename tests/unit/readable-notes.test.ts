import { createTranslator } from 'use-intl/core';
import { describe, expect, it } from 'vitest';
import { actorName } from '@/components/ui/actor-name';
import { actorValue, namesAnActor, SYSTEM_ACTORS } from '@/lib/i18n/actor';
import { noteText, type Translate } from '@/lib/i18n/note';
import { storedText, storeNote, switchReason } from '@/lib/i18n/stored';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// A stored history note holds values as the system knows them: an actor code (`policy`), a login's
// address with its domain in ASCII (`xn--…`), once a block's id. A customer's timeline and an
// agent's "Out of sync" list showed them as stored: "El switch rechazó el levantamiento decidido por
// policy", "Aviso de bloqueo enviado por correo a ana@xn--clnica-peasco-xib1e.es", "after block
// cmabc… was placed". Rows already stored that way must read well too: the values are made
// readable when read.

const IDN = 'ana@xn--clnica-peasco-xib1e.es';
const UNICODE = 'ana@clínica-peñasco.es';

const reader = (locale: 'en' | 'es', timeZone = 'UTC') =>
  createTranslator({ locale, timeZone, messages: locale === 'es' ? es : en }) as unknown as Translate;
const spanish = reader('es');
const english = reader('en');

describe('a stored note in words', () => {
  it('names a part of the system in the reader’s language, not by its code', () => {
    const refused = storeNote('history.syncLiftRefused', { actor: 'policy', error: 'rejected: HTTP 400' });
    const es1 = storedText(spanish, refused)!;
    expect(es1).toContain('decidido por la política de desbloqueo (');
    expect(es1).not.toMatch(/\bpolicy\b/);
    expect(storedText(english, refused)).toContain('decided by the unblock policy (');
    // With why it acted after a colon, as lib/allowances/operations.ts records Tollgate.
    const late = storeNote('history.syncLateLift', { actor: 'tollgate:new_block', block: 'cmabc123' });
    expect(storedText(spanish, late)).toMatch(/^Un levantamiento solicitado por Tollgate llegó/);
  });

  it('shows a person’s address with its domain as they write it', () => {
    expect(storedText(spanish, storeNote('history.noticeEmailed', { to: IDN }))).toBe(
      `Aviso de bloqueo enviado por correo a ${UNICODE}`,
    );
    expect(storedText(english, storeNote('history.noticeEmailedNoCalls', { to: IDN }))).toContain(UNICODE);
    expect(storedText(spanish, storeNote('history.syncLiftRefused', { actor: IDN, error: 'x' }))).toContain(
      `decidido por ${UNICODE} (`,
    );
    // The English sentence stored before notes existed reads the same way.
    expect(storedText(spanish, `Block notice emailed to ${IDN}`)).toBe(
      `Aviso de bloqueo enviado por correo a ${UNICODE}`,
    );
  });

  it('never shows a block’s id: old rows say "a newer block", new ones when it was placed and why', () => {
    const id = 'cmabc0123456789xyz';
    const old = [
      storeNote('history.syncLateLift', { actor: 'sam@tollgate.example', block: id }),
      storeNote('history.syncLiftedMeanwhile', { actor: 'sam@tollgate.example', block: id }),
      `A lift requested by sam@tollgate.example reached the switch after block ${id} was placed; that block is being placed again on the switch.`,
    ];
    for (const raw of old)
      for (const t of [english, spanish]) {
        const words = storedText(t, raw)!;
        expect(words, raw).not.toContain(id);
        expect(words, raw).not.toMatch(/\{|\}/);
      }
    expect(storedText(english, old[2])).toBe(
      'A lift requested by sam@tollgate.example reached the switch after a newer block was placed; that block is being placed again on the switch.',
    );

    // 2026-11-25 20:30 UTC: still the 25th in Madrid, already the 26th in Auckland.
    const placedAt = Date.UTC(2026, 10, 25, 20, 30);
    const dated = storeNote('history.syncLateLiftDated', {
      actor: 'policy',
      reason: switchReason('high_risk_destination'),
      placedAt,
    });
    expect(storedText(reader('es', 'Europe/Madrid'), dated)).toBe(
      'Un levantamiento solicitado por la política de desbloqueo llegó al switch después de aplicarse un bloqueo más reciente el 25 nov 2026 (Destino de alto riesgo); ese bloqueo se está aplicando de nuevo en el switch.',
    );
    expect(storedText(reader('en', 'Pacific/Auckland'), dated)).toContain(
      'after a newer block was placed on Nov 26, 2026 (High-risk destination);',
    );
    const manual = storeNote('history.syncLiftedMeanwhileDated', { actor: 'operator-cli', placedAt });
    expect(storedText(reader('es', 'Europe/Madrid'), manual)).toMatch(
      /^El bloqueo manual que un operador \(línea de comandos\) aplicó el 25 nov 2026 llegó al switch/,
    );
  });
});

describe('actorValue', () => {
  it('names every part of the system as the staff pages’ actorName does', () => {
    for (const locale of ['en', 'es'] as const) {
      const messages = locale === 'es' ? es : en;
      const t = createTranslator({ locale, messages }) as unknown as Translate;
      const named = createTranslator({ locale, messages, namespace: 'actors' });
      for (const actor of [...SYSTEM_ACTORS, 'tollgate:block_lifted', IDN, 'constructor']) {
        const v = actorValue(actor);
        expect(typeof v === 'string' ? v : noteText(t, v), actor).toBe(actorName(named, actor));
      }
    }
  });
});

// Review (session 40): rows written before 2026-12-05 hold the English words "unknown user" as the
// actor of a SIP password change; the timeline showed them to a Spanish agent as if they named someone.
describe('a recorded actor that names no one', () => {
  it('is not shown: empty, or the old English placeholder', () => {
    expect(namesAnActor('')).toBe(false);
    expect(namesAnActor(null)).toBe(false);
    expect(namesAnActor('unknown user')).toBe(false);
    expect(namesAnActor('policy')).toBe(true);
    expect(namesAnActor('ana@xn--clnica-peasco-xib1e.es')).toBe(true);
  });
});
