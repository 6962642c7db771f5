'use server';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { fail, succeed } from '@/lib/server/outcome';
import { userAction } from '@/lib/server/safe-action';
import { hiddenValue } from '@/lib/server/form-issues';
import { simulateFraud } from '@/lib/demo/simulate-fraud';

const schema = z.object({
  accountNumber: hiddenValue(40),
  to: z.enum(['+252611234567', '+88213100456', '+2399912345']),
});

export const simulateFraudAction = userAction(schema, async (input, { user }) => {
  const r = await simulateFraud(user, input.accountNumber, input.to);
  if (r === 'not_found') notFound();
  if (r === 'unavailable') return fail('unavailable', 'app.demo.noSwitch');
  return succeed(undefined, { key: 'app.demo.blocking' });
});
