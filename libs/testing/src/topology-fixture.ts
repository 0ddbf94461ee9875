import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type DriverName, loadDriver, type ProgressLog, type TopologyDriver, type TopologyEndpoints } from '@meridian/infra';
import { FAILURES_GLOBAL } from './failure-environment';
import { errorMessage } from '@meridian/contracts';

/** Lines of each Meridian service's log printed when a suite failed. */
const SERVICE_LOG_TAIL_LINES = 15;

export interface TopologyFixture {
  readonly endpoints: TopologyEndpoints;
  /** Stops one component (`kafka-dc1`, `dc2-n1`, ... as status names them), keeping its data. */
  stopComponent(name: string): Promise<void>;
  /** Starts a stopped component again, at the same endpoint, and waits until it answers (default 120 s). */
  startComponent(name: string, timeoutMs?: number): Promise<void>;
  /** Cuts a running component off the network, and heals it (the containers driver only). */
  disconnect(name: string): Promise<void>;
  reconnect(name: string): Promise<void>;
  /**
   * Stops everything and deletes the workdir (kept when MERIDIAN_KEEP_WORKDIR=1). When a test
   * or hook of the file failed (see FailureCountingEnvironment), the logs of the services
   * (`<workdir>/services`), of Kafka and of Cassandra are first copied to a folder of their
   * own, which is printed with the tail of each service's log.
   */
  stop(): Promise<void>;
}

/** Brings up a fresh topology in a temporary workdir, logging progress with a prefix. */
export async function startTopology(driverName: DriverName, options: { dc1Nodes: 1 | 2; startTimeoutMs?: number }): Promise<TopologyFixture> {
  const workdir = await mkdtemp(join(tmpdir(), `meridian-${driverName}-`));
  const driver = loadDriver(driverName);
  const log = (line: string) => {
    process.stderr.write(`[${driverName}] ${line}\n`);
  };
  try {
    const endpoints = await driver.up({ workdir, dc1Nodes: options.dc1Nodes, startTimeoutMs: options.startTimeoutMs ?? 300_000 }, log);
    return {
      endpoints,
      stopComponent: (name) => driver.stop(workdir, name, log),
      startComponent: (name, timeoutMs) => driver.start(workdir, name, log, timeoutMs),
      disconnect: (name) => driver.disconnect(workdir, name, log),
      reconnect: (name) => driver.reconnect(workdir, name, log),
      async stop() {
        if (testsFailed()) await keepLogs(driver, workdir, log);
        await driver.down(workdir, log);
        if (process.env['MERIDIAN_KEEP_WORKDIR'] !== '1') await rm(workdir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await driver.down(workdir, log).catch(() => undefined);
    throw error;
  }
}

/** Whether a test or hook of the running test file failed so far. */
export function testsFailed(): boolean {
  const counted = (globalThis as Record<string, unknown>)[FAILURES_GLOBAL];
  return typeof counted === 'number' && counted > 0;
}

/**
 * Copies the topology's logs to `<tmpdir>/meridian-e2e-logs/<workdir's name>` (or under
 * MERIDIAN_E2E_LOGS), then prints where, and the last lines of each service's log.
 */
async function keepLogs(driver: TopologyDriver, workdir: string, log: ProgressLog): Promise<void> {
  const into = join(process.env['MERIDIAN_E2E_LOGS'] ?? join(tmpdir(), 'meridian-e2e-logs'), basename(workdir));
  const services = join(workdir, 'services');
  const serviceLogs = (await readdir(services).catch(() => [])).filter((name) => name.endsWith('.log')).sort();
  try {
    await cp(services, join(into, 'services'), { recursive: true }).catch(() => undefined);
    await driver.saveLogs(workdir, into);
  } catch (error) {
    log(`could not keep every log of this topology: ${errorMessage(error)}`);
  }
  const tails = await Promise.all(
    serviceLogs.map(async (name) => {
      const lines = (await readFile(join(services, name), 'utf8').catch(() => '')).trimEnd().split('\n');
      return `--- ${name}, last ${SERVICE_LOG_TAIL_LINES} lines:\n${lines.slice(-SERVICE_LOG_TAIL_LINES).join('\n')}`;
    }),
  );
  log(`a test failed: the logs of this topology's services, Kafka and Cassandra are kept in ${into}\n${tails.join('\n')}`);
}
