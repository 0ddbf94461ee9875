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
