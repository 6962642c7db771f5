import { handlers } from '@/lib/auth/config';
import { keepLinkDestination } from '@/lib/auth/link-errors';

export const GET = keepLinkDestination(handlers.GET);
export const { POST } = handlers;
