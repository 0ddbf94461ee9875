import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { componentNames, DRIVER_NAMES, type DriverName, loadDriver, recordedDriver, type TopologyEndpoints } from '@meridian/infra';
import { errorMessage } from '@meridian/contracts';

/** The options every benchmark takes about its topology, as parseArgs declares them. */
export const TOPOLOGY_ARGS = {
  driver: { type: 'string' },
  workdir: { type: 'string' },
  'keep-workdir': { type: 'boolean', default: false },
} as const;

/** The lines the usage text of every benchmark gives for TOPOLOGY_ARGS. */
export const TOPOLOGY_USAGE = `  --driver D         local (default: JVMs on fixed loopback addresses) or containers, for the topology this run starts
  --workdir DIR      use the topology running in DIR instead of starting one
  --keep-workdir     keep the temporary workdir this run starts (default: deleted after down)`;

export interface TopologyOptions {
  /** The driver of the topology this run starts; undefined: local, or whatever runs in --workdir. */
  readonly driver: DriverName | undefined;
  readonly workdir: string | undefined;
  readonly keepWorkdir: boolean;
}

/** Checks the parsed --driver, --workdir and --keep-workdir, adding what is wrong to `problems`. */
export function topologyOptions(values: { driver?: string; workdir?: string; 'keep-workdir': boolean }, problems: string[]): TopologyOptions {
  const driver = values.driver === undefined ? undefined : DRIVER_NAMES.find((name) => name === values.driver);
  if (values.driver !== undefined && driver === undefined) problems.push(`--driver must be one of ${DRIVER_NAMES.join(', ')}, got ${JSON.stringify(values.driver)}`);
  if (values.workdir !== undefined && !existsSync(values.workdir)) problems.push(`--workdir ${values.workdir} does not exist`);
  if (values.workdir !== undefined && values['keep-workdir']) problems.push('--keep-workdir applies only to a workdir this run creates, not to --workdir');
  return { driver, workdir: values.workdir && resolve(values.workdir), keepWorkdir: values['keep-workdir'] };
}

/** What this run started, stopped in reverse order once, at the end or on SIGINT/SIGTERM. */
export class Cleanup {
  private readonly steps: { what: string; run: () => Promise<void> }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly progress: (line: string) => void) {}

  add(what: string, run: () => Promise<void>): void {
    this.steps.push({ what, run });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          this.progress(`cleanup: ${step.what} failed: ${errorMessage(error)}`);
        }
      }
    })();
    return this.running;
  }
}

/** Runs `run` with a Cleanup that is carried out at the end, on failure and on SIGINT/SIGTERM; resolves to the exit code. */
export async function runCleanly(progress: (line: string) => void, run: (cleanup: Cleanup) => Promise<void>): Promise<number> {
  const cleanup = new Cleanup(progress);
  // Kept registered (not `once`): a second signal while cleaning up must not end the process
  // before the topology is down, and tsx relays a terminal's Ctrl-C a second time.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: stopping what this run started`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await run(cleanup);
    return 0;
  } catch (error) {
    progress(`failed: ${errorMessage(error)}`);
    return 1;
  } finally {
    await cleanup.run();
  }
}

export interface Topology {
  readonly endpoints: TopologyEndpoints;
  /** True when this run brought it up (and so takes it down). */
  readonly started: boolean;
}

/**
 * The topology running in --workdir, which must have the `needed` components up, or else
 * one brought up with --driver (local by default), with `dc1Nodes` Cassandra nodes in dc1, in a fresh temporary workdir (prefixed
 * `meridian-<name>-`) and taken down, and the workdir removed unless --keep-workdir, by
 * `cleanup`.
 */
export async function openTopology(name: string, needed: readonly string[], options: TopologyOptions, cleanup: Cleanup, progress: (line: string) => void, dc1Nodes: 1 | 2 = 1): Promise<Topology> {
  if (options.workdir !== undefined) {
    const workdir = options.workdir;
    const driverName = await recordedDriver(workdir);
    if (!driverName) throw new Error(`nothing is recorded as running in ${workdir} (no topology.json); start one with \`npm run infra -- up --workdir ${workdir}\``);
    if (options.driver !== undefined && options.driver !== driverName) throw new Error(`the topology in ${workdir} runs on the ${driverName} driver, not ${options.driver}`);
    const status = await loadDriver(driverName).status(workdir);
    const down = needed.filter((c) => status.state[c] !== 'up');
    if (down.length > 0) throw new Error(`the topology in ${workdir} has ${down.join(' and ')} down`);
    progress(`using the ${driverName} topology running in ${workdir}`);
    return { endpoints: status, started: false };
  }
  const workdir = await mkdtemp(join(tmpdir(), `meridian-${name}-`));
  const driverName = options.driver ?? 'local';
  const driver = loadDriver(driverName);
  const log = (line: string) => progress(`infra: ${line}`);
  cleanup.add('removing the workdir', async () => {
    if (options.keepWorkdir) progress(`workdir kept: ${workdir}`);
    else await rm(workdir, { recursive: true, force: true });
  });
  cleanup.add('stopping the topology', () => driver.down(workdir, log));
  progress(`bringing up a ${driverName} topology in ${workdir}`);
  const endpoints = await driver.up({ workdir, dc1Nodes, startTimeoutMs: 300_000 }, log);
  return { endpoints, started: true };
}

/**
 * The pid of each JVM of a topology the local driver runs (`dc1-n1`, `kafka-dc1`, ...), found
 * by the `-Dmeridian.process=<name>@<workdir>` marker on its command line; empty for the
 * containers driver, whose JVMs run in containers.
 */
export function topologyProcessIds(endpoints: TopologyEndpoints): Map<string, number> {
  const pids = new Map<string, number>();
  if (endpoints.driver !== 'local') return pids;
  const markers = new Map(componentNames(endpoints).map((component) => [`-Dmeridian.process=${component}@${endpoints.workdir}\0`, component]));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let command: string;
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // gone, or not ours to read
    }
    for (const [marker, component] of markers) if (command.includes(marker)) pids.set(component, Number(entry));
  }
  return pids;
}
