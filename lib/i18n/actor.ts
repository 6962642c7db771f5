import { displayEmail } from '@/lib/auth/email-address';
import type { Note } from '@/lib/i18n/note';

// Who acted, as the system records it (Block.placedBy / liftedBy, BlockEvent.actor, a lift's
// `actor`, a stored note's `actor` value): a person's email in its stored form (ASCII domain), or
// one of the parts of the system below, sometimes with why it acted after a colon
// (`tollgate:new_block`, lib/allowances/operations.ts endAllowancesWithBlock). No catalogue here.

/** The parts of the system that act, each named in the catalogue under `actors.*`. */
export const SYSTEM_ACTORS = ['switch', 'tollgate', 'policy', 'support', 'operator-cli'] as const;
export type SystemActor = (typeof SYSTEM_ACTORS)[number];

/**
 * The part of the system `actor` is (`policy`, `tollgate:new_block` → `tollgate`), or null for a
 * person (an address: anything with an `@`) and for a code that names no part of the system.
 */
export function systemActor(actor: string): SystemActor | null {
  const part = actor.includes(':') && !actor.includes('@') ? actor.slice(0, actor.indexOf(':')) : actor;
  return (SYSTEM_ACTORS as readonly string[]).includes(part) ? (part as SystemActor) : null;
}

/**
 * `actor` as a note value a reader can read: a part of the system as its catalogue name (a Note
 * `{ key: 'actors.policy' }`, "la política de desbloqueo" in Spanish), a person as their address with
 * its domain in Unicode (displayEmail: `ana@clínica-peñasco.es`, never `xn--…`), anything else as
 * recorded.
 */
export function actorValue(actor: string): Note | string {
  const part = systemActor(actor);
  return part ? { key: `actors.${part}` } : displayEmail(actor);
}
