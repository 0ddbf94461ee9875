import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DriverName, loadDriver, type TopologyEndpoints } from '@meridian/infra';

export interface TopologyFixture {
  readonly endpoints: TopologyEndpoints;
  /** Stops one component (`kafka-dc1`, `dc2-n1`, ... as status names them), keeping its data. */
  stopComponent(name: string): Promise<void>;
  /** Starts a stopped component again, at the same endpoint, and waits until it answers (default 120 s). */
  startComponent(name: string, timeoutMs?: number): Promise<void>;
  /** Cuts a running component off the network, and heals it (the containers driver only). */
  disconnect(name: string): Promise<void>;
  reconnect(name: string): Promise<void>;
  /** Stops everything and deletes the workdir (kept when MERIDIAN_KEEP_WORKDIR=1, for post-mortems). */
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
        await driver.down(workdir, log);
        if (process.env['MERIDIAN_KEEP_WORKDIR'] !== '1') await rm(workdir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await driver.down(workdir, log).catch(() => undefined);
    throw error;
  }
}
