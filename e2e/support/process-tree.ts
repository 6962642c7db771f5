// Reads Linux's /proc to see a process tree the way an operator's `ps` would: used by the
// operations journey to prove that `npm run demo` leaves nothing behind (CONTRACTS §7).
import fs from 'node:fs';
import net from 'node:net';

export type Proc = { pid: number; ppid: number; state: string; cmd: string };

function read(pid: number): Proc | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(ppid), state, cmd };
  } catch {
    return null; // gone between listing and reading
  }
}

/** Every live process descending from `root` (root included), following parent pids. */
export function descendants(root: number): Proc[] {
  const all = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => read(Number(d)))
    .filter((p): p is Proc => p !== null);
  const out: Proc[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    const p = all.find((x) => x.pid === pid);
    if (p) out.push(p);
    for (const c of all) if (c.ppid === pid) queue.push(c.pid);
  }
  return out;
}

/** The pids among `pids` still running (a zombie, dead but not yet reaped, does not count). */
export function stillRunning(pids: number[]): Proc[] {
  return pids.map(read).filter((p): p is Proc => p !== null && p.state !== 'Z');
}

/**
 * What a process still running is doing, for a failure message: its state, the kernel function it
 * sleeps in (wchan), and each thread's name and state, e.g.
 * `4526 S ep_poll; threads: node S ep_poll, libuv-worker S futex_wait_queue, …; 3 sockets`.
 */
export function describeProcess(pid: number): string {
  const at = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch {
      return '?';
    }
  };
  const state = (dir: string) => {
    const stat = at(`${dir}/stat`);
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  };
  let threads: string[] = [];
  let sockets = 0;
  try {
    threads = fs
      .readdirSync(`/proc/${pid}/task`)
      .map(
        (t) =>
          `${at(`/proc/${pid}/task/${t}/comm`)} ${state(`/proc/${pid}/task/${t}`)} ${at(`/proc/${pid}/task/${t}/wchan`)}`,
      );
    sockets = fs
      .readdirSync(`/proc/${pid}/fd`)
      .filter((fd) => safeLink(`/proc/${pid}/fd/${fd}`).startsWith('socket:')).length;
  } catch {
    // gone while being read
  }
  return `${pid} ${state(`/proc/${pid}`)} ${at(`/proc/${pid}/wchan`)}; threads: ${threads.join(', ')}; ${sockets} sockets`;
}

function safeLink(file: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return '';
  }
}

/** True when nothing accepts TCP connections on `host:port`. */
export function portIsFree(port: number, host = 'localhost'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
