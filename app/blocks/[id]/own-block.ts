import 'server-only';
import { notFound } from 'next/navigation';
import { requireUser } from '@/lib/auth/session';
import { getBlockForUser } from '@/lib/blocks/queries';

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
