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
