import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HEARTBEAT_VERSION, type Heartbeat, heartbeatKey } from '@meridian/contracts';
import type { RecordProducer, TopicSpec } from '@meridian/kafka';
import type { DependencyMonitor } from '../dependency-monitor';
import { FailureNotice } from '../failure-notice';
import type { Metrics } from '../metrics/metrics';

/** What the publisher uses of KafkaConnection. */
export interface StatusKafka {
  createTopics(specs: readonly TopicSpec[]): Promise<unknown>;
  producer(): Promise<Pick<RecordProducer, 'send' | 'close'>>;
}

export interface HeartbeatSettings {
  readonly component: string;
  readonly instance: string;
  readonly dc: string;
  /** The status topic. */
  readonly topic: string;
  readonly intervalMs: number;
}

// A stopping service waits at most this long for its last heartbeat, so an unreachable
// Kafka costs shutdown two seconds, not a connection timeout and its retries.
const SHUTDOWN_BUDGET_MS = 2000;

/**
 * Publishes this service's heartbeat to the status topic every interval: running, or
 * degraded with what is down (from the dependency monitor's latest checks), and a last
 * one saying it is stopping. A heartbeat that cannot be sent is logged once per reason
 * and the next one tries again; heartbeats never stop the service.
 */
@Injectable()
export class HeartbeatPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Heartbeat');
  private readonly startedAt = new Date().toISOString();
  private topicReady = false;
  private producer: Pick<RecordProducer, 'send' | 'close'> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly failures = new FailureNotice((line) => this.logger.warn(line));

  constructor(
    private readonly kafka: StatusKafka,
    private readonly monitor: Pick<DependencyMonitor, 'latest'>,
    private readonly metrics: Pick<Metrics, 'figures'>,
    private readonly settings: HeartbeatSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  // Before, not on, application shutdown: the Kafka connection closes on shutdown, and
  // the last heartbeat must go out while it is still open.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const last = (async () => {
      await this.inFlight;
      await this.beat(true);
      await this.producer?.close().catch(() => undefined);
    })();
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_BUDGET_MS);
    });
    await Promise.race([last, budget]);
    clearTimeout(timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.beat(false).then(() => {
        this.schedule();
      });
    }, this.settings.intervalMs);
  }

  /** Sends one heartbeat; never throws. */
  private async beat(stopping: boolean): Promise<void> {
    const { topic, component, instance, intervalMs } = this.settings;
    try {
      const producer = await this.connect();
      const heartbeat = await this.heartbeat(stopping);
      await producer.send(topic, [{ key: heartbeatKey(component, instance), value: JSON.stringify(heartbeat) }]);
      if (this.failures.recovered()) this.logger.log(`heartbeats reach ${topic} again`);
    } catch (error) {
      this.failures.failed(error, (message) => `heartbeat not sent to ${topic}: ${message} (retrying every ${intervalMs / 1000}s)`);
    }
  }

  private async connect(): Promise<Pick<RecordProducer, 'send' | 'close'>> {
    if (!this.topicReady) {
      // Compacted: readers want each instance's latest heartbeat. One partition: the
      // topic is small and read whole.
      await this.kafka.createTopics([{ topic: this.settings.topic, partitions: 1, compacted: true }]);
      this.topicReady = true;
    }
    this.producer ??= await this.kafka.producer();
    return this.producer;
  }

  private async heartbeat(stopping: boolean): Promise<Heartbeat> {
    const problems = [...this.monitor.latest()].flatMap(([name, outcome]) => (outcome.up ? [] : [`${name}: ${outcome.reason}`]));
    return {
      version: HEARTBEAT_VERSION,
      component: this.settings.component,
      instance: this.settings.instance,
      dc: this.settings.dc,
      state: stopping ? 'stopping' : problems.length > 0 ? 'degraded' : 'running',
      problems,
      startedAt: this.startedAt,
      at: new Date().toISOString(),
      intervalMs: this.settings.intervalMs,
      figures: await this.metrics.figures(),
    };
  }
}
