import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  readonly os: string;
  readonly cpus: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly loadAverageAtStart: number[];
  /**
   * The share of CPU time (0 to 1, all CPUs) spent on other work over the second before the
   * run started, from /proc/stat; null where there is none. On a virtual machine the load
   * average may count more than this machine's own work: this is the figure that says
   * whether the machine was quiet.
   */
  readonly cpuBusyAtStart: number | null;
}

/** Taken when a run starts, so the load it records is the one before the run's own load. */
export async function describeMachine(): Promise<Machine> {
  return {
    os: `${type()} ${release()}`,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg(),
    cpuBusyAtStart: await cpuBusyOver(1000),
  };
}

/** The machine as the results record it: with the load average at the end beside the one at the start. */
export function machineAtEnd(machine: Machine): Machine & { readonly loadAverageAtEnd: number[] } {
  return { ...machine, loadAverageAtEnd: loadavg() };
}

/** Busy share of all CPUs over `ms`, from the first line of /proc/stat (idle and iowait count as not busy). */
async function cpuBusyOver(ms: number): Promise<number | null> {
  const sample = (): { busy: number; total: number } | null => {
    try {
      const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
      const total = fields.reduce((sum, x) => sum + x, 0);
      const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
      return { busy: total - idle, total };
    } catch {
      return null;
    }
  };
  const before = sample();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = sample();
  if (!before || !after || after.total === before.total) return null;
  return (after.busy - before.busy) / (after.total - before.total);
}
