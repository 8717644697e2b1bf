// CPU time of threads, from Linux's /proc: what the server and scaling benches report beside their
// rates, since on a machine that other jobs share the rate says how much CPU the run got as much as
// how fast the code is. Elsewhere than Linux the maps are empty and the CPU figures are left out.
import { readdirSync, readFileSync } from "node:fs";

/** user + system CPU seconds of each thread of a process, by thread id (the main thread's id is the pid). */
export function threadCpuSeconds(pid: number = process.pid): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime and stime (fields 14 and 15 of proc(5)), in clock ticks of 1/100 s (USER_HZ)
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / 100);
    }
  } catch {
    // not Linux, or the process is gone
  }
  return out;
}

/** CPU seconds each thread spent between two threadCpuSeconds() readings (threads born since start at 0). */
export function cpuSince(before: Map<number, number>, after: Map<number, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [tid, cpu] of after) out.set(tid, cpu - (before.get(tid) ?? 0));
  return out;
}
