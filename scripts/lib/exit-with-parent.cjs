// Preloaded (NODE_OPTIONS=--require) into every Node process the supervisor of `npm run demo` and
// `npm start` starts (scripts/lib/supervisor.ts), and so into their own Node children (tsx's).
// CommonJS on purpose: `--require` runs it before tsx's loader or Next.js, in any process.
//
// Why: a detached child (its own process group, so that the supervisor can stop it as a whole)
// outlives a supervisor killed with SIGKILL, and a `next-server` whose stdout pipe had closed spun at
// 100 % CPU logging its own EPIPE (ENVIRONMENT.md). Linux's PR_SET_PDEATHSIG is not reachable from
// Node, so the parent's death is seen the portable way: the supervisor holds the only write end of
// a pipe that is this process's stdin, and the kernel closes it when the supervisor dies, however.
'use strict';

/**
 * The inode of stdin when it is a pipe or socket, else null. The first process (the supervisor's
 * child) records it in its environment; a descendant that inherited the same stdin (tsx's own child)
 * watches it too, and one with a stdin of its own (esbuild's short-lived helper, fed through stdin)
 * is left alone.
 */
function stdinPipe() {
  try {
    const st = require('node:fs').fstatSync(0);
    return st.isFIFO() || st.isSocket() ? String(st.ino) : null;
  } catch {
    return null;
  }
}

// Worker threads load preloads too, with a stdin of their own that ends at once: main thread only.
const mainThread = require('node:worker_threads').isMainThread;
const pipe = mainThread && process.env.TOLLGATE_EXIT_WITH_PARENT === '1' ? stdinPipe() : null;
if (pipe && !process.env.TOLLGATE_PARENT_PIPE) process.env.TOLLGATE_PARENT_PIPE = pipe;

if (pipe && pipe === process.env.TOLLGATE_PARENT_PIPE) {
  let stopping = false;
  /** Graceful first (the process's own SIGTERM handler closes servers), then a hard exit. */
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 5000).unref();
    process.kill(process.pid, 'SIGTERM');
  };

  // stdin is the supervisor's pipe: end-of-file means the supervisor is gone.
  const stdin = process.stdin;
  stdin.on('end', stop);
  stdin.on('close', stop);
  stdin.on('error', stop);
  stdin.on('data', () => {}); // nothing is ever written; reading is what lets EOF arrive
  if (typeof stdin.unref === 'function') stdin.unref(); // never keeps a finished process alive

  // A closed stdout or stderr (EPIPE, or EIO from a hung-up terminal): nobody reads what this
  // process says, and logging the failure would fail again. Leave at once, without logging.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => process.exit(1));
  }
}
