import { useTranslations } from 'next-intl';

/** Who acted, as the system records it: a person's email, or one of these parts of the system. */
const SYSTEM_ACTORS = ['switch', 'tollgate', 'policy', 'support', 'operator-cli'] as const;
type SystemActor = (typeof SYSTEM_ACTORS)[number];

/**
 * The actor of a timeline entry or a switch operation in the reader's language: a part of the system
 * (`switch`, `tollgate`, `policy`, …) by its catalogue name (`actors.*`), a person by their email as
 * stored. `t` is `useTranslations('actors')` / `getTranslations('actors')`.
 */
export function actorName(t: (key: SystemActor) => string, actor: string): string {
  return (SYSTEM_ACTORS as readonly string[]).includes(actor) ? t(actor as SystemActor) : actor;
}

/** {@link actorName} as a component. */
export function ActorName({ actor }: { actor: string }) {
  return actorName(useTranslations('actors'), actor);
}
