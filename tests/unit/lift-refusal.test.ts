import { describe, expect, it } from 'vitest';
import { liftRefusal } from '@/lib/blocks/refusals';
import { noteText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';

// A lift refused because other blocks are in force names them for the agent: their times were
// written "2026-11-25 09:14 UTC" whatever the agent's clock and language (read-18).
describe('liftRefusal', () => {
  const res = {
    ok: false as const,
    kind: 'other_blocks' as const,
    blocks: [
      {
        id: 'b2',
        reason: 'hotspot_source_ip' as const,
        placedAt: new Date('2026-11-25T09:14:00Z'),
        calls: 3,
      },
    ],
  };
  it('names each other block’s time on the agent’s clock, in the agent’s language', () => {
    const madrid = liftRefusal(res, { timeZone: 'Europe/Madrid', locale: 'es' });
    expect(noteText(translate('es'), madrid)).toContain('puesto el 25 nov 2026, 10:14 GMT+1, 3 llamadas');
    const newYork = liftRefusal(res, { timeZone: 'America/New_York', locale: 'en' });
    expect(noteText(translate('en'), newYork)).toContain('placed Nov 25, 2026, 4:14 AM GMT-5, 3 calls');
    expect(noteText(translate('en'), newYork)).not.toContain('UTC');
  });
  it('in the format of the agent’s pages: a Mexican agent’s browser region, not Spain’s', () => {
    // Review (session 35): staff have no accounts, so the refusal fell back to Spain's 24-hour clock
    // beside the page's "p.m.".
    const reader = { timeZone: 'America/Mexico_City', locale: 'es' };
    const page = noteText(translate('es'), liftRefusal(res, { ...reader, formatTag: 'es-MX' }));
    expect(page).toMatch(/puesto el 25 nov 2026, 3:14\sa\.\s?m\./);
    expect(noteText(translate('es'), liftRefusal(res, reader))).toContain(
      'puesto el 25 nov 2026, 3:14 GMT-6',
    );
  });
});
