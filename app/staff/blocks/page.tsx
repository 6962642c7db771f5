import { getTranslations } from 'next-intl/server';
import {
  BlocksFilterWords,
  BlocksInForceFilters,
  BlocksInForceList,
} from '@/components/staff/blocks-in-force';
import { PAGE_LINK } from '@/components/ui/button-class';
import { Link } from '@/components/ui/link';
import { requireStaff } from '@/lib/auth/session';
import { pageTitle } from '@/lib/i18n/page-title';
import { blocksFilterParams, listBlocksInForce, readBlocksFilter } from '@/lib/staff/blocks-in-force';
import { readCursor, timeIdKey } from '@/lib/staff/cursor';

export const generateMetadata = () => pageTitle('staff.blocksInForce.title');

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const link = (p: Record<string, string | null | undefined>) => {
  const qs = new URLSearchParams(Object.entries(p).filter((e): e is [string, string] => !!e[1])).toString();
  return qs ? `/staff/blocks?${qs}` : '/staff/blocks';
};

// The support desk's blocks in force (docs/staff-console.md, "Blocks in force"): every block still in
// force, 25 a page, oldest placed first, filtered by `request`, `passwords` and `order`, keyset page
// links (`?after=`) that keep the filter. Staff only (requireStaff here, assertStaff in the read).
export default async function BlocksInForcePage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireStaff();
  const t = await getTranslations('staff.blocksInForce');
  const staff = await getTranslations('staff');
  const sp = await searchParams;
  const { filter, bad } = readBlocksFilter(sp);
  const cursor = readCursor(timeIdKey, first(sp.after));
  const page = await listBlocksInForce(user, filter, cursor.key);
  const kept = blocksFilterParams(filter);
  const filtered = Object.keys(kept).length > 0;
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">
        {t('heading', { count: page.total, capped: page.capped ? 'yes' : 'no' })}
      </h1>
      <p>
        <Link href="/staff" className={PAGE_LINK}>
          {t('backToQueue')}
        </Link>
      </p>
      <p>{t('intro')}</p>
      {cursor.ok ? null : <p role="status">{staff('badCursor')}</p>}
      {bad.length ? <p role="status">{t('badFilter')}</p> : null}
      <div className="flex flex-col gap-3">
        <BlocksInForceFilters filter={filter} />
        {filtered ? (
          <p>
            <Link href="/staff/blocks" className={PAGE_LINK}>
              {t('allBlocks')}
            </Link>
          </p>
        ) : null}
      </div>
      <BlocksFilterWords filter={filter} />
      <BlocksInForceList
        items={page.items}
        timeZone={user.timeZone}
        empty={cursor.key ? t('noMore') : filtered ? t('noMatch') : t('none')}
      />
      {page.next || cursor.key ? (
        <nav aria-label={t('pages')} className="flex gap-4">
          {cursor.key ? (
            <Link href={link(kept)} className={PAGE_LINK}>
              {t('first')}
            </Link>
          ) : null}
          {page.next ? (
            <Link href={link({ ...kept, after: page.next })} className={PAGE_LINK}>
              {t('later')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
