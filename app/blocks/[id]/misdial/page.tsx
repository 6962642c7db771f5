import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter } from 'next-intl/server';
import { MisdialForm } from '@/components/block/misdial-form';
import { requireUser } from '@/lib/auth/session';
import { getBlockForUser } from '@/lib/blocks/queries';
import { describeDialled } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { ZONED_SECONDS } from '@/lib/time/format';

export default async function MisdialPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/blocks/${encodeURIComponent(id)}/misdial`);
  const block = await getBlockForUser(user.id, id);
  if (!block) notFound();
  const format = await getFormatter();
  const country = accountCountry(block.account.country);
  const calls = block.calls.map((c) => {
    const d = describeDialled(c.to, country);
    return { id: c.id, label: `${format.dateTime(c.at, ZONED_SECONDS)} — ${d.display}${d.countryName ? ` (${d.countryName})` : ''} from ${c.sipUsername}` };
  });
  return (
    <div className="flex flex-col gap-4">
      <Link href={`/blocks/${block.id}`} className="text-sm text-blue-800 underline">Back to the block</Link>
      <h1 className="text-2xl font-bold">This was a misdial</h1>
      <p className="max-w-xl">If someone in your office simply mistyped a number, tell us which call it was and what they meant to dial. A support agent will call you back before lifting the block.</p>
      {block.status !== 'active' ? <p role="status">This block is no longer active.</p> : <MisdialForm blockId={block.id} calls={calls} country={country} />}
    </div>
  );
}
