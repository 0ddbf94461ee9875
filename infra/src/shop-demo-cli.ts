import { parseArgs } from 'node:util';
import { configureShop, formatSummary, runShopDemo, type ShopEndpoints } from './shop-demo';
import { errorMessage } from '@meridian/contracts';

const USAGE = `Usage: node infra/dist/shop-demo-cli.js --dc1 URL --dc2 URL
         [--orders N --order-service URL --inventory-service URL --dc1-publisher URL --dc2-publisher URL] [--rate R]

The demo's order flow against services that are already running (the Docker compose
deployment runs it as its "setup" service). Configures the demo's destinations and
channels through the coordinators of dc1 and dc2 (--dc1, --dc2: their base URLs): the
shop.orders table is published in dc2, shop.reservations in dc1. Each channel waits up to
90 s for its table, which order-service and inventory-service create.

With --orders N (default 0), it then stocks three products in dc2 through
inventory-service, places N orders in dc1 through order-service at R per second (default
4), shows each order's round trip as it happens, with the change events each DC's
publisher committed (from its /metrics), and prints a summary.

Exit codes: 0 done, 1 a service refused or did not answer in time, or an order was
still pending 120 s after the last was placed, 2 bad usage.
`;

class UsageError extends Error {}

interface Options {
  readonly coordinators: { readonly dc1: string; readonly dc2: string };
  readonly orders: number;
  readonly rate: number;
  /** Only with orders. */
  readonly services?: Omit<ShopEndpoints, 'coordinators'>;
}

function parse(argv: readonly string[]): Options | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dc1: { type: 'string' },
      dc2: { type: 'string' },
      'order-service': { type: 'string' },
      'inventory-service': { type: 'string' },
      'dc1-publisher': { type: 'string' },
      'dc2-publisher': { type: 'string' },
      orders: { type: 'string', default: '0' },
      rate: { type: 'string', default: '4' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const problems: string[] = [];
  const url = (name: string, value: string | undefined): string => {
    if (value === undefined) {
      problems.push(`--${name} is required`);
      return '';
    }
    if (!URL.canParse(value)) problems.push(`--${name} must be a URL, got "${value}"`);
    return value.replace(/\/+$/, '');
  };
  const orders = Number(values.orders);
  const rate = Number(values.rate);
  if (!Number.isInteger(orders) || orders < 0) problems.push(`--orders must be a whole number, 0 or more, got "${values.orders}"`);
  if (!(rate > 0 && rate <= 100)) problems.push(`--rate must be a number of orders per second above 0 and at most 100, got "${values.rate}"`);
  const coordinators = { dc1: url('dc1', values.dc1), dc2: url('dc2', values.dc2) };
  const services = orders > 0
    ? {
        orderService: url('order-service', values['order-service']),
        inventoryService: url('inventory-service', values['inventory-service']),
        publishers: { dc1: url('dc1-publisher', values['dc1-publisher']), dc2: url('dc2-publisher', values['dc2-publisher']) },
      }
    : undefined;
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { coordinators, orders, rate, ...(services ? { services } : {}) };
}

async function main(): Promise<number> {
  let options: Options | 'help';
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`error: ${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (line: string) => {
    process.stdout.write(`${line}\n`);
  };
  try {
    if (!options.services) {
      await configureShop(options.coordinators, log);
      return 0;
    }
    const summary = await runShopDemo(
      { coordinators: options.coordinators, ...options.services },
      { orders: options.orders, ratePerSecond: options.rate, settleTimeoutMs: 120_000, log },
    );
    log('\nSummary:');
    for (const line of formatSummary(summary)) log(`  ${line}`);
    if (summary.pending > 0) {
      process.stderr.write(`error: ${summary.pending} of ${summary.placed} orders were still pending after 120 s\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${errorMessage(error)}\n`);
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
