import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDriver, recordedDriver } from './drivers';
import { type RunningService, startService, waitHealthy } from './service-process';
import { serviceInstances } from './services';
import { formatSummary, runShopDemo } from './shop-demo';
import { type DriverName, InfraError } from './topology';
import { errorMessage } from '@meridian/contracts';

const USAGE = `Usage: npm run demo -- [--driver local|containers] [--workdir DIR] [--orders N] [--rate R]

Brings up both data centres (Cassandra dc1 + dc2, a Kafka per DC) and each DC's Meridian
(cdc-reader, deduper, publisher, coordinator), with order-service in dc1 and
inventory-service in dc2. Then it configures destinations and channels through each DC's
coordinator, stocks three products in dc2, places N orders in dc1 (default 40) at R per
second (default 4), and shows each order's round trip as it happens: the order replicated
to dc2 by Cassandra, published there by Meridian, decided by inventory-service, its
reservation replicated back and published in dc1, and the order confirmed or rejected.
A summary follows; everything then runs until Ctrl-C, which stops the services and tears
the topology down. --orders 0 skips the orders.
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      driver: { type: 'string', default: 'local' },
      workdir: { type: 'string', default: '.meridian/demo' },
      orders: { type: 'string', default: '40' },
      rate: { type: 'string', default: '4' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.driver !== 'local' && values.driver !== 'containers') throw new InfraError(`--driver must be local or containers, got "${values.driver}"`);
  const driverName: DriverName = values.driver;
  const orders = Number(values.orders);
  const rate = Number(values.rate);
  if (!Number.isInteger(orders) || orders < 0) throw new InfraError(`--orders must be a whole number, 0 or more, got "${values.orders}"`);
  if (!(rate > 0 && rate <= 100)) throw new InfraError(`--rate must be a number of orders per second above 0 and at most 100, got "${values.rate}"`);
  const workdir = resolve(values.workdir);
  const log = (line: string) => {
    process.stdout.write(`${line}\n`);
  };
  // Piped (`npm run demo | tee demo.log`), Ctrl-C ends the pipe's reader too, and each later
  // write fails with EPIPE: unheard, that error would end the demo before it stopped the
  // services and JVMs it started.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

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
    // The example services: orders are taken in dc1, stock is kept in dc2.
    const exampleOf = { dc1: 'order-service', dc2: 'inventory-service' } as const;
    const instances = (['dc1', 'dc2'] as const).flatMap((dc) => serviceInstances(endpoints, dc).filter((s) => !['order-service', 'inventory-service'].includes(s.service) || s.service === exampleOf[dc]));
    for (const instance of instances) {
      const service = await startService(instance, join(workdir, 'services'));
      services.push(service);
      log(`started ${service.label} (log: ${service.logFile})`);
    }
    for (const service of services) await waitHealthy(service, 60_000);

    log(`\nEverything is up (${((Date.now() - began) / 1000).toFixed(0)} s):`);
    for (const node of endpoints.cassandra) log(`  Cassandra ${node.name} (${node.dc})  cql ${node.cql.host}:${node.cql.port}  cdc_raw ${node.cdcRawDir}`);
    for (const kafka of endpoints.kafka) log(`  Kafka ${kafka.dc}  bootstrap ${kafka.bootstrap}`);
    for (const service of services) log(`  ${service.label.padEnd(34)} ${service.healthUrl}`);

    const url = (service: string, dc: 'dc1' | 'dc2') => {
      const instance = instances.find((i) => i.service === service && i.dc === dc);
      if (!instance) throw new InfraError(`no ${service} in ${dc}`);
      return `http://127.0.0.1:${instance.httpPort}`;
    };
    if (orders > 0) {
      const summary = await runShopDemo(
        { coordinators: { dc1: url('coordinator', 'dc1'), dc2: url('coordinator', 'dc2') }, publishers: { dc1: url('publisher', 'dc1'), dc2: url('publisher', 'dc2') }, orderService: url('order-service', 'dc1'), inventoryService: url('inventory-service', 'dc2') },
        { orders, ratePerSecond: rate, settleTimeoutMs: 120_000, log },
      );
      log('\nSummary:');
      for (const line of formatSummary(summary)) log(`  ${line}`);
    }
    log(`\nTry: npx meridian --url ${url('coordinator', 'dc1')} status    (dc2: --url ${url('coordinator', 'dc2')})`);
    log(`     curl -s -X POST ${url('order-service', 'dc1')}/orders -H 'content-type: application/json' -d '{"productId": "apple", "quantity": 1}'`);
    log('\nPress Ctrl-C to stop everything.');
  } catch (error) {
    const message = errorMessage(error);
    process.stderr.write(`error: ${message}\n${error instanceof InfraError && error.detail ? `${error.detail}\n` : ''}`);
    await stop(1);
  }
}

main().catch((error: unknown) => {
  // Bad options: the message and the usage, not a stack trace.
  process.stderr.write(`error: ${errorMessage(error)}\n\n${USAGE}`);
  process.exit(2);
});
