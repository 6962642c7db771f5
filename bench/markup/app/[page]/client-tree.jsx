'use client';
import { build } from '../tree';

/**
 * The same saved tree built in a client component (`?client=1`): the RSC payload carries the tree as
 * data (the props), not as elements, and the HTML is rendered from it once. How far rendering the
 * markup differently could move the ceiling.
 */
export function ClientTree({ nodes, classes }) {
  return nodes.map((n, i) => build(n, classes, i));
}
