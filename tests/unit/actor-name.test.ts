import { createTranslator } from 'use-intl/core';
import { describe, expect, it } from 'vitest';
import { actorName } from '@/components/ui/actor-name';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// Staff timelines and switch operations name who acted. The system's own actors are words in the
// reader's language; a person is their email, as stored.
const names = (locale: 'en' | 'es', messages: typeof en) => {
  const t = createTranslator({ locale, messages, namespace: 'actors' });
  return (actor: string) => actorName(t, actor);
};

describe('actorName', () => {
  it('names the parts of the system in the reader’s language', () => {
    const inEs = names('es', es);
    const inEn = names('en', en);
    expect(inEs('switch')).toBe('el switch');
    expect(inEs('policy')).toBe('la política de desbloqueo');
    expect(inEs('support')).toBe('el equipo de soporte');
    expect(inEn('policy')).toBe('the unblock policy');
    for (const a of ['switch', 'policy', 'support', 'operator-cli']) expect(inEs(a)).not.toBe(inEn(a));
  });

  it('names Tollgate when it acted for a reason (an allowance ended with its block)', () => {
    // The staff account's "Changes for the switch" read "… by tollgate:new_block" (try-18).
    expect(names('es', es)('tollgate:new_block')).toBe('Tollgate');
    expect(names('en', en)('tollgate:block_lifted')).toBe('Tollgate');
    expect(names('en', en)('nobody:new_block')).toBe('nobody:new_block');
  });

  it('shows a person by their email, and an unknown actor as recorded', () => {
    expect(names('es', es)('agent@provider.example')).toBe('agent@provider.example');
    expect(names('es', es)('constructor')).toBe('constructor');
  });
});
