import { useTranslations } from 'next-intl';
import { displayEmail } from '@/lib/auth/email-address';
import { systemActor, type SystemActor } from '@/lib/i18n/actor';

/**
 * The actor of a timeline entry or a switch operation in the reader's language: a part of the system
 * (`switch`, `tollgate`, `policy`, …, also with a reason after a colon: `tollgate:new_block`; the one
 * list is lib/i18n/actor.ts SYSTEM_ACTORS) by its catalogue name (`actors.*`), a person by their email
 * as they write it (displayEmail: a Unicode domain is not shown as `xn--…`). `t` is
 * `useTranslations('actors')` / `getTranslations('actors')`.
 */
export function actorName(t: (key: SystemActor) => string, actor: string): string {
  const part = systemActor(actor);
  return part ? t(part) : displayEmail(actor);
}

/** {@link actorName} as a component. */
export function ActorName({ actor }: { actor: string }) {
  return actorName(useTranslations('actors'), actor);
}
