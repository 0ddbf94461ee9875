import { type Heartbeat, parseHeartbeat } from '@meridian/contracts';
import type { OutgoingRecord, TopicSpec } from '@meridian/kafka';
import { Logger } from '@nestjs/common';
import type { CheckOutcome } from '../dependency-check';
import { HeartbeatPublisher, type StatusKafka } from './heartbeat-publisher';

/** Records what would reach Kafka; `failWith` makes sends fail, `hang` makes them never answer. */
class FakeKafka implements StatusKafka {
  readonly topics: TopicSpec[] = [];
  readonly sent: { topic: string; key: string; heartbeat: Heartbeat }[] = [];
  failWith: string | undefined;
  hang = false;
  closed = false;

  createTopics(specs: readonly TopicSpec[]): Promise<void> {
    this.topics.push(...specs);
    return Promise.resolve();
  }

  producer() {
    return Promise.resolve({
      send: (topic: string, records: readonly OutgoingRecord[]) => {
        if (this.hang) return new Promise<void>(() => undefined);
        if (this.failWith !== undefined) return Promise.reject(new Error(this.failWith));
        for (const { key, value } of records) this.sent.push({ topic, key: String(key), heartbeat: parseHeartbeat(JSON.parse(String(value))) });
        return Promise.resolve();
      },
      close: () => {
        this.closed = true;
        return Promise.resolve();
      },
    });
  }
}

describe('HeartbeatPublisher', () => {
  const settings = { component: 'cdc-reader', instance: 'dc1-n1', dc: 'dc1', topic: 'status-test', intervalMs: 10 };
  let kafka: FakeKafka;
  let outcomes: Map<string, CheckOutcome>;
  let publisher: HeartbeatPublisher;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    kafka = new FakeKafka();
    outcomes = new Map<string, CheckOutcome>([['kafka', { up: true, details: {} }]]);
    publisher = new HeartbeatPublisher(kafka, { latest: () => outcomes }, { figures: () => Promise.resolve({ meridian_events_total: 7 }) }, settings);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    kafka.hang = false;
    await publisher.beforeApplicationShutdown();
    jest.restoreAllMocks();
  });

  async function until(done: () => boolean): Promise<void> {
    for (let waited = 0; !done(); waited += 5) {
      if (waited > 2000) throw new Error('timed out waiting');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('sends a running heartbeat every interval, keyed component/instance, to a compacted topic it creates once', async () => {
    publisher.onApplicationBootstrap();
    await until(() => kafka.sent.length >= 2);
    expect(kafka.topics).toEqual([{ topic: 'status-test', partitions: 1, compacted: true }]);
    const [first] = kafka.sent;
    expect(first?.topic).toBe('status-test');
    expect(first?.key).toBe('cdc-reader/dc1-n1');
    expect(first?.heartbeat).toMatchObject({ version: 1, component: 'cdc-reader', instance: 'dc1-n1', dc: 'dc1', state: 'running', problems: [], intervalMs: 10 });
    expect(first?.heartbeat.figures).toEqual({ meridian_events_total: 7 });
  });

  it('says degraded, with what is down, while a dependency is down', async () => {
    outcomes.set('cassandra', { up: false, reason: 'connection refused' });
    publisher.onApplicationBootstrap();
    await until(() => kafka.sent.length >= 1);
    expect(kafka.sent[0]?.heartbeat).toMatchObject({ state: 'degraded', problems: ['cassandra: connection refused'] });
  });

  it('logs a failing send once and keeps trying', async () => {
    kafka.failWith = 'broker gone';
    publisher.onApplicationBootstrap();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('heartbeat not sent to status-test: broker gone (retrying every 0.01s)');
    kafka.failWith = undefined;
    await until(() => kafka.sent.length >= 1);
  });

  it('sends a last heartbeat saying it is stopping, then closes its producer', async () => {
    publisher.onApplicationBootstrap();
    await until(() => kafka.sent.length >= 1);
    await publisher.beforeApplicationShutdown();
    const count = kafka.sent.length;
    expect(kafka.sent.at(-1)?.heartbeat.state).toBe('stopping');
    expect(kafka.closed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(kafka.sent).toHaveLength(count);
  });

  it('does not hold up shutdown for long when Kafka does not answer', async () => {
    publisher.onApplicationBootstrap();
    await until(() => kafka.sent.length >= 1);
    kafka.hang = true;
    const started = Date.now();
    await publisher.beforeApplicationShutdown();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
