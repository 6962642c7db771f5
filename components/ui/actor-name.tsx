import { useTranslations } from 'next-intl';
import { displayEmail } from '@/lib/auth/email-address';

/** Who acted, as the system records it: a person's email, or one of these parts of the system. */
const SYSTEM_ACTORS = ['switch', 'tollgate', 'policy', 'support', 'operator-cli'] as const;
type SystemActor = (typeof SYSTEM_ACTORS)[number];

/**
 * The actor of a timeline entry or a switch operation in the reader's language: a part of the system
 * (`switch`, `tollgate`, `policy`, …, also with a reason after a colon: `tollgate:new_block`) by its
 * catalogue name (`actors.*`), a person by their email as they write it (displayEmail: a Unicode domain
 * is not shown as `xn--…`). `t` is `useTranslations('actors')` / `getTranslations('actors')`.
 */
export function actorName(t: (key: SystemActor) => string, actor: string): string {
  // "tollgate:new_block", "tollgate:block_lifted": a part of the system with why it acted
  // (lib/allowances/operations.ts endAllowancesWithBlock; the why is shown beside it as the end reason).
  const part = actor.includes(':') && !actor.includes('@') ? actor.slice(0, actor.indexOf(':')) : actor;
  return (SYSTEM_ACTORS as readonly string[]).includes(part) ? t(part as SystemActor) : displayEmail(actor);
}

/** {@link actorName} as a component. */
export function ActorName({ actor }: { actor: string }) {
  return actorName(useTranslations('actors'), actor);
}
