'use client';
import { useRouter } from 'next/navigation';
import { useActionState, useEffect, type ReactNode } from 'react';
import { simulateFraudAction } from '@/lib/demo/actions';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';

/** Demo only: make the simulated switch place a fresh fraud block on this account; `text` comes from the catalogue (app.demo). */
export function DemoFraudControl({
  accountNumber,
  text,
}: {
  accountNumber: string;
  text: { intro: ReactNode; asking: string; simulate: string };
}) {
  const [state, action] = useActionState(simulateFraudAction, undefined);
  const router = useRouter();
  useEffect(() => {
    if (!state?.ok) return;
    const id = setInterval(() => router.refresh(), 1500);
    const stop = setTimeout(() => clearInterval(id), 15_000);
    return () => {
      clearInterval(id);
      clearTimeout(stop);
    };
  }, [state, router]);
  return (
    <form
      action={action}
      className="mt-3 flex flex-col gap-2 rounded-md border border-dashed border-slate-400 p-3 text-sm"
    >
      <input type="hidden" name="accountNumber" value={accountNumber} />
      <input type="hidden" name="to" value="+252611234567" />
      <p>{text.intro}</p>
      <FormMessage id={`demo-fraud-${accountNumber}`} message={state?.message} ok={state?.ok} />
      <div>
        <SubmitButton variant="secondary" pendingText={text.asking}>
          {text.simulate}
        </SubmitButton>
      </div>
    </form>
  );
}
