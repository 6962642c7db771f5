import { describe, expect, it } from 'vitest';
import { translator } from '@/lib/i18n/translate';
import es from '@/messages/es.json';

// The customer's pages and mails call an allowance a "permiso" ("Solicitar este permiso", "el
// permiso terminó"); the staff console said "Aprobar el destino", "Conceder el destino" and
// "Solicitudes de destino en espera", so the agent on the phone and the customer named one thing
// two ways. One word for it, as the customer reads it.

type Tree = { [k: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : flatten(v, `${prefix}${k}.`),
  );

describe('the staff console’s allowance words in Spanish', () => {
  const t = translator('es');

  it('name the allowance as the customer does', () => {
    expect(t('staff.allowances.approve')).toBe('Aprobar el permiso');
    expect(t('staff.allowances.deny')).toBe('Rechazar el permiso');
    expect(t('staff.allowances.grant')).toBe('Conceder el permiso');
    expect(t('staff.allowances.grantTitle')).toBe('Conceder un permiso');
    expect(t('staff.allowances.queueTitle', { capped: 'no', count: 3 })).toBe(
      'Solicitudes de permiso en espera (3)',
    );
    // The section's heading is the one the customer reads on the block page.
    expect(t('staff.allowances.title')).toBe(t('allowance.sectionTitle'));
  });

  it('never call an allowance a "destino"', () => {
    const staff = flatten((es as unknown as { staff: { allowances: Tree } }).staff.allowances);
    expect(staff.filter(([, text]) => /\bdestino\b/i.test(text)).map(([key]) => key)).toEqual([]);
  });
});
