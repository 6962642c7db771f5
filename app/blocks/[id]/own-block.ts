import 'server-only';
import { notFound } from 'next/navigation';
import type { Metadata } from 'next';
import { currentUser, requireUser, secondFactorPending } from '@/lib/auth/session';
import { blockAccountNumberForUser, getBlockForUser } from '@/lib/blocks/queries';
import { pageTitle } from '@/lib/i18n/page-title';

/**
 * The block a customer's page is about: signs in first (back to `/blocks/{id}{step}` afterwards),
 * then reads it scoped to the caller's accounts; any other id is a 404 (notFound throws).
 * `step`: the sub-path of the page, '' for the block page itself, e.g. '/misdial'. `shown`: how many
 * of its latest trigger calls to read (lib/blocks/queries.ts getBlockForUser; CALLS_SHOWN by default).
 */
export async function ownBlock(params: Promise<{ id: string }>, step = '', shown?: number) {
  const { id } = await params;
  const user = await requireUser(`/blocks/${encodeURIComponent(id)}${step}`);
  const block = await getBlockForUser(user.id, id, shown);
  if (!block) notFound();
  return { user, block };
}

/**
 * The `<title>` of a page about the block `params` names: `key`'s words (a catalogue path) and, when
 * the block is on one of the signed-in user's accounts, that account's number ("International
 * calling block · ACC-1001 · Tollgate"). Anyone else gets `key`'s words alone; the page itself then
 * signs them in or answers 404.
 */
export async function blockPageTitle(params: Promise<{ id: string }>, key: string): Promise<Metadata> {
  const { id } = await params;
  const user = await currentUser();
  const number = user && !secondFactorPending(user) ? await blockAccountNumberForUser(user.id, id) : null;
  return pageTitle(key, undefined, number);
}
