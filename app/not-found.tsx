import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';
import { getTranslations } from 'next-intl/server';

export default async function NotFound() {
  const t = await getTranslations('errors');
  return (
    <div className="flex flex-col gap-3">
      <h1 className="text-2xl font-bold">{t('notFoundTitle')}</h1>
      <p>{t('notFound')}</p>
      <Link href="/" className={`${PAGE_LINK} self-start`}>
        {t('home')}
      </Link>
    </div>
  );
}
