import { useTranslations } from 'next-intl';
import { ActionForm } from '@/components/ui/action-form';
import { Link } from '@/components/ui/link';
import { buttonClass } from '@/components/ui/button-class';
import { takeNextAction } from '@/lib/requests/actions';
import { newIdempotencyKey } from '@/lib/server/idempotency';

/**
 * The queue's filter `href` (a link to /staff/requests/next) carries, as the hidden fields of "Take
 * next request": `kind` and `reason`, each only when the link has it (the page built it with
 * queueFilterParams, so each is one of the queue's options; the action refuses anything else).
 */
export function takeNextFields(href: string): Record<string, string> {
  const params = new URLSearchParams(href.split('?')[1] ?? '');
  return Object.fromEntries(
    (['kind', 'reason'] as const).flatMap((k) => {
      const v = params.get(k);
      return v ? [[k, v]] : [];
    }),
  );
}

/**
 * "Next request" and "Take next request" (docs/staff-console.md, "Taking a request"), on the queue,
 * on a decided request's page and on an account's staff page. `href`: the link to /staff/requests/next
 * with the queue's filter, built by the page from lib/requests/queue-filter.ts. The link opens the
 * oldest waiting request nobody has taken and takes nothing (a reload, a shared link or a prefetch must
 * not claim). The button beside it posts (takeNextAction, also without JavaScript) the same filter
 * and, in one step on the server, takes that request for the agent and opens it; two agents pressing
 * it together get two different requests. Each render of the button's form carries its own
 * idempotency key (made here, on the server): a second send of the same render (a double-click
 * without JavaScript, a resend after a lost answer) takes nothing more and opens the request the first
 * send took. When none is free, its answer (`staff.desk.noneFree`) stays
 * on this page, in the form's live region. Each has its hint, which it names as its description.
 * Holds a form: its parent must be a block container (a flex `div`), never a `p`, in which HTML
 * cannot hold a form (the browser would end the paragraph before it, and React's hydration fails).
 */
export function NextRequestLink({ href }: { href: string }) {
  const desk = useTranslations('staff.desk');
  return (
    <div className="flex flex-wrap items-start gap-x-6 gap-y-3">
      <div className="flex max-w-xs flex-col items-start gap-1">
        <Link href={href} className={buttonClass('secondary')} aria-describedby="next-hint">
          {desk('next')}
        </Link>
        <span id="next-hint" className="text-sm text-slate-700">
          {desk('nextHint')}
        </span>
      </div>
      <div className="flex max-w-xs flex-col items-start gap-1">
        <ActionForm
          action={takeNextAction}
          hiddenFields={takeNextFields(href)}
          idempotencyKey={newIdempotencyKey()}
          messageId="take-next-message"
          submit={desk('takeNext')}
          pendingText={desk('takingNext')}
          submitDescribedBy="take-next-hint"
          buttonFirst
          className="flex flex-col items-start gap-1"
        />
        <span id="take-next-hint" className="text-sm text-slate-700">
          {desk('takeNextHint')}
        </span>
      </div>
    </div>
  );
}
