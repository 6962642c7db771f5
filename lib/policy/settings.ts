import 'server-only';
import { z } from 'zod';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { db, type Tx } from '@/lib/server/db';
import { log } from '@/lib/server/log';

// The policy settings admins keep on /staff/policy (DESIGN.md: an admin manages "staff accounts and
// policy settings"). One setting so far: which block reasons need a person before international calling
// comes back once every SIP password a block named was changed (DESIGN.md "Re-enabling after a password
// reset"; lib/blocks/policy.ts liftIfRotated applies it). Stored in PolicySetting (migration 0027) and
// read in the transaction of each decision, never cached: a change holds for the next decision on
// every instance, and no instance keeps an old copy. This module only reads (the lifecycle and the
// pages import it); an admin's change is lib/policy/change.ts.

/** The reasons an admin may set: every block reason but `manual`, which always needs a person. */
export const SETTABLE_REASONS = [
  'high_risk_destination',
  'hotspot_source_ip',
  'suspicious_pattern',
] as const satisfies readonly BlockReason[];
export type SettableReason = (typeof SETTABLE_REASONS)[number];

/** Reasons that need a person whatever the setting: support's own block (`manual`) is theirs to lift. */
export const ALWAYS_NEEDS_PERSON: readonly BlockReason[] = ['manual'];

/** The PolicySetting row of "which reasons need a person". */
export const LIFT_POLICY_KEY = 'lift.needsPerson';

/**
 * The lift policy as stored: `needsPerson`, every reason whose rotated block waits for a person
 * (`manual` always among them); `version`, how many times an admin changed it (0: never, the
 * default: only `manual`); when and by whom (a User id) it was last changed, null while it never was.
 */
export type LiftPolicy = {
  needsPerson: ReadonlySet<BlockReason>;
  version: number;
  updatedAt: Date | null;
  updatedById: string | null;
};

const storedValue = z.array(z.string());

/**
 * The lift policy, read with `client` (pass the deciding transaction: lib/blocks/policy.ts reads it
 * inside the transaction that decides a lift). No row: the default, only `manual` needs a person.
 * A stored value that cannot be read (not a JSON array of strings: nothing this code writes) fails
 * safe: every reason needs a person, so nothing is lifted without one, and an error is logged
 * (`policy setting unreadable`). A name that is not a settable reason (a newer release's) is ignored.
 */
export async function readLiftPolicy(client: Tx | typeof db = db): Promise<LiftPolicy> {
  const row = await client.policySetting.findUnique({ where: { key: LIFT_POLICY_KEY } });
  if (!row)
    return { needsPerson: new Set(ALWAYS_NEEDS_PERSON), version: 0, updatedAt: null, updatedById: null };
  let names: string[];
  try {
    names = storedValue.parse(JSON.parse(row.value));
  } catch {
    log().error(
      { key: row.key, version: row.version },
      'policy setting unreadable: every reason needs a person',
    );
    names = [...SETTABLE_REASONS];
  }
  const settable = new Set<string>(SETTABLE_REASONS);
  return {
    needsPerson: new Set<BlockReason>([
      ...ALWAYS_NEEDS_PERSON,
      ...(names.filter((n) => settable.has(n)) as SettableReason[]),
    ]),
    version: row.version,
    updatedAt: row.updatedAt,
    updatedById: row.updatedById,
  };
}

/**
 * Whether account `accountId`'s blocks wait for a person once their passwords are changed, under the
 * policy as it is now (one read, no cache): true when any of its blocks in force has a reason that
 * needs one, `manual` included, since liftIfRotated (lib/blocks/policy.ts) lifts nothing on an account
 * with such a block. For pages and mails that must not promise an automatic return
 * (components/block/explanation.tsx, the block notice); the decision itself reads the policy in its
 * transaction. Before the re-review of session 42 only the block's own reason was asked, and a
 * high-risk block's page promised calling back beside a hotspot block that kept it blocked.
 */
export async function accountNeedsPerson(accountId: string): Promise<boolean> {
  const [policy, open] = await Promise.all([
    readLiftPolicy(),
    db.block.findMany({ where: { accountId, status: 'active' }, select: { reason: true } }),
  ]);
  return open.some((b) => policy.needsPerson.has(b.reason));
}
