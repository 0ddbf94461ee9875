import { cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  readonly os: string;
  readonly cpus: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly loadAverageAtStart: number[];
}

/** Taken when a run starts, so the load average it records is the one before the run's own load. */
export function describeMachine(): Machine {
  return { os: `${type()} ${release()}`, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverageAtStart: loadavg() };
}

/** The machine as the results record it: with the load average at the end beside the one at the start. */
export function machineAtEnd(machine: Machine): Machine & { readonly loadAverageAtEnd: number[] } {
  return { ...machine, loadAverageAtEnd: loadavg() };
}
