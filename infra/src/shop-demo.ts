import { errorMessage } from '@meridian/contracts';
/**
 * The demo's order flow across the two DCs: destinations and channels set through each
 * DC's coordinator, stock set in dc2, a stream of orders placed in dc1, and the flow shown
 * as it happens — orders placed and decided, change events per DC, the round-trip time —
 * then a summary. Everything goes through the services' HTTP APIs, as a user's would.
 */

export interface ShopEndpoints {
  readonly coordinators: Readonly<Record<'dc1' | 'dc2', string>>;
  /** Each DC's publisher, whose /metrics count the change events it committed. */
  readonly publishers: Readonly<Record<'dc1' | 'dc2', string>>;
  readonly orderService: string;
  readonly inventoryService: string;
}

export interface ShopDemoOptions {
  readonly orders: number;
  readonly ratePerSecond: number;
  /** Give up waiting for the last decisions after this long. */
  readonly settleTimeoutMs: number;
  readonly log: (line: string) => void;
}

export interface ShopSummary {
  readonly placed: number;
  readonly confirmed: number;
  readonly rejected: Readonly<Record<string, number>>;
  readonly pending: number;
  /** Seconds from an order's placement in dc1 to its decision there, after the round trip through dc2. */
  readonly roundTrip: { readonly p50: number; readonly p95: number; readonly max: number } | null;
  readonly stock: Readonly<Record<string, number | null>>;
  readonly eventsByDc: Readonly<Record<'dc1' | 'dc2', number>>;
  readonly seconds: number;
}

/** The products stocked in dc2, and one that never is, so some orders are rejected for each reason. */
const STOCK: Readonly<Record<string, number>> = { apple: 12, pear: 8, plum: 3 };
const UNKNOWN_PRODUCT = 'durian';

interface OrderView {
  readonly id: string;
  readonly status: 'PENDING' | 'CONFIRMED' | 'REJECTED';
  readonly reason?: string;
  readonly placedAt: string;
  readonly decidedAt?: string;
}

class DemoError extends Error {}

export async function runShopDemo(endpoints: ShopEndpoints, options: ShopDemoOptions): Promise<ShopSummary> {
  const { log } = options;
  await configureShop(endpoints.coordinators, log);
  for (const [product, available] of Object.entries(STOCK)) {
    await retrying(`stock for ${product}`, () => call('PUT', `${endpoints.inventoryService}/stock/${product}`, { available }), 60_000);
  }
  log(`  stock in dc2: ${Object.entries(STOCK).map(([p, n]) => `${p} ${n}`).join(', ')} (and no ${UNKNOWN_PRODUCT})`);

  const eventsAtStart = await eventsByDc(endpoints);
  log(`\nplacing ${options.orders} orders in dc1 at ${options.ratePerSecond}/s; each is decided in dc2 and the decision comes back to dc1:`);
  const began = Date.now();
  const ids: string[] = [];
  const products = [...Object.keys(STOCK), UNKNOWN_PRODUCT];
  let reporting: Promise<void> = Promise.resolve();
  let last: OrderView[] = [];
  const report = () =>
    (reporting = reporting.then(async () => {
      last = await ordersOf(endpoints.orderService, ids);
      const events = await eventsByDc(endpoints).catch(() => eventsAtStart);
      log(`  ${((Date.now() - began) / 1000).toFixed(0).padStart(3)} s  ${line(last, ids.length)}  |  change events: dc1 ${events.dc1 - eventsAtStart.dc1}, dc2 ${events.dc2 - eventsAtStart.dc2}`);
    }).catch(() => undefined));
  const progress = setInterval(() => void report(), 1000);
  try {
    for (let i = 0; i < options.orders; i++) {
      const productId = products[i % 7 === 6 ? products.length - 1 : Math.floor(Math.random() * (products.length - 1))] ?? UNKNOWN_PRODUCT;
      const order = (await call('POST', `${endpoints.orderService}/orders`, { productId, quantity: 1 + Math.floor(Math.random() * 3), customer: `customer-${i % 5}` })) as { id: string };
      ids.push(order.id);
      await sleep(1000 / options.ratePerSecond);
    }
    const deadline = Date.now() + options.settleTimeoutMs;
    while (Date.now() < deadline && (last.length < ids.length || last.some((o) => o.status === 'PENDING'))) await sleep(500);
  } finally {
    clearInterval(progress);
    await reporting;
  }
  const orders = await ordersOf(endpoints.orderService, ids);
  const stock: Record<string, number | null> = {};
  for (const product of Object.keys(STOCK)) {
    const answer = (await call('GET', `${endpoints.inventoryService}/stock/${product}`).catch(() => undefined)) as { available?: number } | undefined;
    stock[product] = answer?.available ?? null;
  }
  const events = await eventsByDc(endpoints).catch(() => eventsAtStart);
  return summarize(orders, ids.length, stock, { dc1: events.dc1 - eventsAtStart.dc1, dc2: events.dc2 - eventsAtStart.dc2 }, (Date.now() - began) / 1000);
}

/**
 * The demo's destinations and channels, through each DC's coordinator: dc2 publishes the
 * orders (replicated from dc1) to inventory-service, dc1 publishes the reservations
 * (replicated from dc2) to order-service. Waits for each table until the service that owns
 * it has created it; what exists already is kept, so running it again changes nothing.
 */
export async function configureShop(coordinators: ShopEndpoints['coordinators'], log: (line: string) => void): Promise<void> {
  log('\nconfiguring Meridian through each DC\'s coordinator:');
  await configure(coordinators.dc2, 'shop-orders', 'shop.orders', 'shop', 'orders', log);
  await configure(coordinators.dc1, 'shop-reservations', 'shop.reservations', 'shop', 'reservations', log);
}

export function formatSummary(summary: ShopSummary): string[] {
  const rejected = Object.entries(summary.rejected);
  return [
    `orders placed in dc1:  ${summary.placed}`,
    `confirmed:             ${summary.confirmed}`,
    `rejected:              ${rejected.reduce((n, [, c]) => n + c, 0)}${rejected.length > 0 ? ` (${rejected.map(([reason, n]) => `${n} ${reason}`).join(', ')})` : ''}`,
    `still pending:         ${summary.pending}`,
    `round trip dc1 -> dc2 -> dc1 (placed to decided): ${summary.roundTrip ? `p50 ${summary.roundTrip.p50.toFixed(2)} s, p95 ${summary.roundTrip.p95.toFixed(2)} s, max ${summary.roundTrip.max.toFixed(2)} s` : 'none decided'}`,
    `stock left in dc2:     ${Object.entries(summary.stock).map(([p, n]) => `${p} ${n ?? '?'}`).join(', ')}`,
    `change events published: dc1 ${summary.eventsByDc.dc1} (reservations, replicated from dc2), dc2 ${summary.eventsByDc.dc2} (orders placed and decided, replicated from dc1)`,
    `in ${summary.seconds.toFixed(0)} s`,
  ];
}

function summarize(orders: readonly OrderView[], placed: number, stock: Record<string, number | null>, eventsByDc: ShopSummary['eventsByDc'], seconds: number): ShopSummary {
  const rejected: Record<string, number> = {};
  const roundTrips: number[] = [];
  for (const order of orders) {
    if (order.status === 'REJECTED') rejected[order.reason ?? 'rejected'] = (rejected[order.reason ?? 'rejected'] ?? 0) + 1;
    if (order.decidedAt) roundTrips.push((Date.parse(order.decidedAt) - Date.parse(order.placedAt)) / 1000);
  }
  roundTrips.sort((a, b) => a - b);
  const at = (q: number) => roundTrips[Math.min(roundTrips.length - 1, Math.floor(q * roundTrips.length))] ?? 0;
  return {
    placed,
    confirmed: orders.filter((o) => o.status === 'CONFIRMED').length,
    rejected,
    pending: placed - orders.filter((o) => o.status !== 'PENDING').length,
    roundTrip: roundTrips.length === 0 ? null : { p50: at(0.5), p95: at(0.95), max: roundTrips.at(-1) ?? 0 },
    stock,
    eventsByDc,
    seconds,
  };
}

function line(orders: readonly OrderView[], placed: number): string {
  const count = (status: OrderView['status']) => orders.filter((o) => o.status === status).length;
  return `placed ${String(placed).padStart(3)}  confirmed ${String(count('CONFIRMED')).padStart(3)}  rejected ${String(count('REJECTED')).padStart(3)}  pending ${String(placed - count('CONFIRMED') - count('REJECTED')).padStart(3)}`;
}

/** A destination and a channel; the channel is retried while its table is still being created by the service that owns it. */
async function configure(coordinator: string, name: string, topic: string, keyspace: string, table: string, log: (line: string) => void): Promise<void> {
  await retrying(`destination ${name}`, () => call('POST', `${coordinator}/api/destinations`, { name, topic }, [409]), 60_000);
  await retrying(`channel ${name} (waits for ${keyspace}.${table})`, () => call('POST', `${coordinator}/api/channels`, { name, keyspace, table, destination: name }, [], [/already exists/]), 90_000);
  log(`  ${coordinator}: destination ${name} -> topic ${topic}, channel ${name} for ${keyspace}.${table}`);
}

/** Change events each DC's publisher has committed to its destinations, from its /metrics. */
async function eventsByDc(endpoints: ShopEndpoints): Promise<Record<'dc1' | 'dc2', number>> {
  const count = async (publisher: string) => {
    const response = await fetch(`${publisher}/metrics`);
    let sum = 0;
    for (const line of (await response.text()).split('\n')) {
      if (line.startsWith('meridian_publisher_events_total{')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  };
  return { dc1: await count(endpoints.publishers.dc1), dc2: await count(endpoints.publishers.dc2) };
}

async function ordersOf(orderService: string, ids: readonly string[]): Promise<OrderView[]> {
  const all = (await call('GET', `${orderService}/orders?limit=1000`)) as OrderView[];
  const wanted = new Set(ids);
  return all.filter((o) => wanted.has(o.id));
}

/**
 * One JSON call; a status in `accepted` (beside 2xx) counts as done, and so does an error
 * whose message matches `acceptedErrors`; anything else throws with the service's message.
 */
async function call(method: string, url: string, body?: unknown, accepted: readonly number[] = [], acceptedErrors: readonly RegExp[] = []): Promise<unknown> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  const json = text === '' ? undefined : (JSON.parse(text) as unknown);
  if (response.ok || accepted.includes(response.status)) return json;
  const message = (json as { error?: string } | undefined)?.error ?? text;
  if (acceptedErrors.some((pattern) => pattern.test(message))) return json;
  throw new DemoError(`${method} ${url} answered ${response.status}: ${message}`);
}

async function retrying<T>(what: string, attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new DemoError(`gave up on ${what} after ${timeoutMs / 1000} s: ${errorMessage(error)}`);
      await sleep(1000);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
