// The same "not on your accounts" answer as a block page's (app/blocks/[id]/not-found.tsx).
export { default } from '@/app/blocks/[id]/not-found';
