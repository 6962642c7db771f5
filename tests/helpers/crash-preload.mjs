// Imported first by tests/helpers/crash-child.ts's process (node --import): 'server-only' resolves to
// an empty module, as vitest.config.ts aliases it. The react-server condition would do that too, but
// the approval imports next/navigation (through lib/auth/session.ts), which needs the client's React.
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'server-only') return { url: 'data:text/javascript,export {}', shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
