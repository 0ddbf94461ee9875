import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ContainersDriver } from './containers/containers-driver';
import { LocalDriver } from './local/local-driver';
import { type DriverName, InfraError, type TopologyDriver } from './topology';

export const STATE_FILE = 'topology.json';
export const DRIVER_NAMES: readonly DriverName[] = ['local', 'containers'];

/** The driver of that name (Testcontainers itself is loaded only when the containers driver is used). */
export function loadDriver(name: DriverName): TopologyDriver {
  switch (name) {
    case 'local':
      return new LocalDriver();
    case 'containers':
      return new ContainersDriver();
  }
}

/** The driver that brought up the topology recorded in `workdir`, or undefined when nothing is recorded there. */
export async function recordedDriver(workdir: string): Promise<DriverName | undefined> {
  let text: string;
  try {
    text = await readFile(join(workdir, STATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  let driver: unknown;
  try {
    driver = (JSON.parse(text) as { driver?: unknown } | null)?.driver;
  } catch {
    throw new InfraError(`${join(workdir, STATE_FILE)} is not JSON; remove it if nothing runs from ${workdir} any more`);
  }
  if (driver === 'local' || driver === 'containers') return driver;
  throw new InfraError(`${join(workdir, STATE_FILE)} does not name a known driver (found ${JSON.stringify(driver)})`);
}
