import type { CountryCode } from 'libphonenumber-js';
import { destinationsByCalls } from '@/lib/blocks/destinations';
import { namedDestinations } from '@/lib/phone/format';

/**
 * What a sentence about calls to `numbers` (one call each, in the order given) names, as the block
 * page's explanation and the block notice work it out: the destinations of lib/blocks/destinations.ts
 * destinationsByCalls (most calls first, ties in the order given), named by lib/phone/format.ts
 * namedDestinations in `locale`, and how many distinct numbers could not be read. The production
 * path, so that a test of how a number is read tests what the pages say.
 */
export function destinationsOf(
  numbers: readonly string[],
  country: CountryCode,
  locale: string,
): { names: string[]; unreadable: number } {
  const d = destinationsByCalls(
    [...new Set(numbers)].map((number) => ({ number, calls: numbers.filter((n) => n === number).length })),
    country,
  );
  return { names: namedDestinations(d.numbers, country, locale).names, unreadable: d.unreadable };
}
