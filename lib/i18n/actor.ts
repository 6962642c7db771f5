import { displayEmail } from '@/lib/auth/email-address';
import type { Note } from '@/lib/i18n/note';

// Who acted, as the system records it (Block.placedBy / liftedBy, BlockEvent.actor, a lift's
// `actor`, a stored note's `actor` value): a person's email in its stored form (ASCII domain), or
// one of the parts of the system below, sometimes with why it acted after a colon
// (`tollgate:new_block`, lib/allowances/operations.ts endAllowancesWithBlock). No catalogue here.

/**
 * What a SIP password change recorded as its actor (BlockEvent.actor) and its alert mail's "who"
 * before 2026-12-05 when the login could not be found: English words, not a person. Rows and queued
 * mail may still hold it; readers treat it as no one (a timeline shows no actor, the mail says
 * "unknown" in the reader's language). Nothing writes it any more.
 */
export const LEGACY_UNKNOWN_ACTOR = 'unknown user';

/** Whether a recorded `actor` names someone or something to show ('' and LEGACY_UNKNOWN_ACTOR do not). */
export const namesAnActor = (actor: string | null | undefined): actor is string =>
  !!actor && actor !== LEGACY_UNKNOWN_ACTOR;

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
