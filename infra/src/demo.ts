import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDriver, recordedDriver } from './drivers';
import { type RunningService, startService, waitHealthy } from './service-process';
import { serviceInstances } from './services';
import { type DriverName, InfraError } from './topology';

const USAGE = `Usage: npm run demo -- [--driver local|containers] [--workdir DIR]

Brings up both data centres (Cassandra dc1 + dc2, a Kafka per DC), starts every Meridian
service of each DC against them, prints where everything is, and runs until Ctrl-C,
then stops the services and tears the topology down.
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      driver: { type: 'string', default: 'local' },
      workdir: { type: 'string', default: '.meridian/demo' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.driver !== 'local' && values.driver !== 'containers') throw new InfraError(`--driver must be local or containers, got "${values.driver}"`);
  const driverName: DriverName = values.driver;
  const workdir = resolve(values.workdir);
  const log = (line: string) => {
    process.stdout.write(`${line}\n`);
  };

  const leftover = await recordedDriver(workdir);
  if (leftover) {
    log(`a previous demo's ${leftover} topology is still recorded in ${workdir}; stopping it first`);
    await loadDriver(leftover).down(workdir, log);
  }
  // A fresh cluster each time: old data would only confuse what the demo shows.
  await rm(workdir, { recursive: true, force: true });

  const driver = loadDriver(driverName);
  const services: RunningService[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('\nstopping services...');
    await Promise.all(services.map((s) => s.stop()));
    log('tearing the topology down...');
    await driver.down(workdir, log);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const began = Date.now();
    log(`bringing up two data centres with the ${driverName} driver (first run resolves artifacts and may take a few minutes)`);
    const endpoints = await driver.up({ workdir, dc1Nodes: 1, startTimeoutMs: 600_000 }, log);
    for (const dc of ['dc1', 'dc2'] as const) {
      for (const instance of serviceInstances(endpoints, dc)) {
        const service = await startService(instance, join(workdir, 'services'));
        services.push(service);
        log(`started ${service.label} (log: ${service.logFile})`);
      }
    }
    for (const service of services) await waitHealthy(service, 60_000);

    log(`\nEverything is up (${((Date.now() - began) / 1000).toFixed(0)} s):`);
    for (const node of endpoints.cassandra) log(`  Cassandra ${node.name} (${node.dc})  cql ${node.cql.host}:${node.cql.port}  cdc_raw ${node.cdcRawDir}`);
    for (const kafka of endpoints.kafka) log(`  Kafka ${kafka.dc}  bootstrap ${kafka.bootstrap}`);
    for (const service of services) log(`  ${service.label.padEnd(34)} ${service.healthUrl}`);
    log('\nPress Ctrl-C to stop everything.');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n${error instanceof InfraError && error.detail ? `${error.detail}\n` : ''}`);
    await stop(1);
  }
}

void main();
