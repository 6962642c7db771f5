'use server';
import { z } from 'zod';
import { userAction } from '@/lib/actions/safe-action';
import { adoptBrowserTimeZone } from '@/lib/users/time-zone';

const schema = z.object({ tz: z.string().min(1).max(64) });

/** Called once per browser session by components/time-zone-capture.tsx with the browser's zone. */
export const adoptBrowserTimeZoneAction = userAction(schema, async (input, { user }) => ({ ok: await adoptBrowserTimeZone(user.id, input.tz) }), { allowUnverified: true });
