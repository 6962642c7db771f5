import 'server-only';
import { cache } from 'react';
import { allowancesForBlockPage } from '@/lib/allowances/queries';
import { getBlockForUser } from '@/lib/blocks/queries';

type PageBlock = NonNullable<Awaited<ReturnType<typeof getBlockForUser>>>;

/**
 * The allowances a block page lists (allowancesForBlockPage, told whether the account is blocked:
 * this block or another of its blocks open), read once per request: the page's allowance section
 * and the page's watched data (blockPageData) share it.
 */
export const blockPageAllowances = cache(
  (
    userId: string,
    block: { status: string; otherOpenBlockId: string | null; account: { id: string; number: string } },
  ) =>
    allowancesForBlockPage(userId, block.account.id, {
      blocked: block.status !== 'lifted' || block.otherOpenBlockId !== null,
      accountNumber: block.account.number,
    }),
);

/**
 * What the block page shows from the database: the block as getBlockForUser reads it and the
 * account's allowances. The page renders the fingerprint of it (versionOf, lib/server/version.ts),
 * and `/api/version/blocks/{id}` answers the same (blockPageDataFor). What the page reads from the
 * switch (the registered devices) is not in it: the page renders again for that every few minutes
 * (components/auto-refresh.tsx `renderEveryMs`).
 */
export async function blockPageData(userId: string, block: PageBlock) {
  return { block, allowances: await blockPageAllowances(userId, block) };
}

/** blockPageData of the user's block `blockId`, or null when it is not one of theirs (→ 404). */
export async function blockPageDataFor(userId: string, blockId: string) {
  const block = await getBlockForUser(userId, blockId);
  return block ? blockPageData(userId, block) : null;
}
