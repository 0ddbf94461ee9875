import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SAMPLE_MS = 250;

export interface ProcessUsage {
  /** CPU time (user + system) over wall time. */
  readonly cores: number;
  readonly rssMiBMean: number;
  readonly rssMiBPeak: number;
}

export const NO_USAGE: ProcessUsage = { cores: Number.NaN, rssMiBMean: Number.NaN, rssMiBPeak: Number.NaN };

/** Samples a process's CPU time and resident memory from /proc (Linux). */
export class ProcessSampler {
  private static readonly ticksPerSecond = clockTicks();
  private samples: { atMs: number; ticks: number; rssKiB: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number) {}

  start(): void {
    this.samples = [];
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): ProcessUsage {
    clearInterval(this.timer);
    this.sample();
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.atMs <= first.atMs) return NO_USAGE;
    const rss = this.samples.map((s) => s.rssKiB / 1024);
    return {
      cores: (last.ticks - first.ticks) / ProcessSampler.ticksPerSecond / ((last.atMs - first.atMs) / 1000),
      rssMiBMean: rss.reduce((a, b) => a + b, 0) / rss.length,
      rssMiBPeak: Math.max(...rss),
    };
  }

  private sample(): void {
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      // The command name may hold spaces; the fields after it start with field 3 (state),
      // so utime (field 14) and stime (field 15) are the 12th and 13th after the ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1]);
      if (Number.isFinite(ticks) && Number.isFinite(rssKiB)) this.samples.push({ atMs: performance.now(), ticks, rssKiB });
    } catch {
      // the process has exited: the samples so far stand
    }
  }
}

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** Several processes sampled over the same spans, each by a label (`deduper@dc1`, `kafka-dc1`). */
export class ProcessSamplers {
  private readonly samplers = new Map<string, ProcessSampler>();

  /** Starts sampling `pid` under `label` (replacing a process of that label, e.g. a restarted one). */
  add(label: string, pid: number): void {
    this.samplers.get(label)?.stop();
    const sampler = new ProcessSampler(pid);
    sampler.start();
    this.samplers.set(label, sampler);
  }

  /** Starts a new span for every process. */
  restart(): void {
    for (const sampler of this.samplers.values()) sampler.start();
  }

  /** Ends the span: each process's usage since it was added or the last restart. */
  stop(): Record<string, ProcessUsage> {
    return Object.fromEntries([...this.samplers].map(([label, sampler]) => [label, sampler.stop()]));
  }

  /** Stops sampling a process (one that is being stopped), keeping the others. */
  remove(label: string): void {
    this.samplers.get(label)?.stop();
    this.samplers.delete(label);
  }
}
