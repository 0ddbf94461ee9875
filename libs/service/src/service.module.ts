import { hostname } from 'node:os';
import { type DynamicModule, Logger, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { CassandraConnection } from '@meridian/cassandra';
import type { HostPort } from '@meridian/config';
import { DEFAULT_STALL_AFTER_MS, KafkaConnection } from '@meridian/kafka';
import type { DependencyCheck } from './dependency-check';
import { DependencyMonitor } from './dependency-monitor';
import { HealthController } from './health.controller';
import { Metrics } from './metrics/metrics';
import { MetricsController } from './metrics/metrics.controller';
import type { ServiceSettings } from './service-env';
import { HeartbeatPublisher } from './status/heartbeat-publisher';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

export interface ServiceModuleOptions {
  /** Service name, e.g. `cdc-reader`; used as the Kafka client id prefix. */
  readonly name: string;
  /** What kind of component this is, in heartbeats and metric labels; defaults to `name`. */
  readonly component?: string;
  /**
   * Which one of its component this is, e.g. `dc1-n1`; defaults to MERIDIAN_INSTANCE, else
   * `<hostname>:<http port>`: unique per process on a host and the same after a restart,
   * so a restarted instance takes its own place in the status topic.
   */
  readonly instance?: string;
  readonly dc: string;
  /** The validated configuration (with serviceEnv's settings), injectable with `@Inject(SERVICE_CONFIG)`. */
  readonly config: ServiceSettings;
  /** Present when the service talks to its DC's Kafka; provides KafkaConnection and heartbeats. */
  readonly kafkaBrokers?: readonly HostPort[];
  /** Present when the service talks to Cassandra; provides CassandraConnection. */
  readonly cassandraContactPoints?: readonly HostPort[];
  /** Further dependencies reported by /health, e.g. a directory the service needs. */
  readonly extraChecks?: readonly DependencyCheck[];
}

const address = ({ host, port }: HostPort) => `${host}:${port}`;

/** Closes the connections this module opened when the application stops. */
class ConnectionCloser implements OnApplicationShutdown {
  constructor(private readonly connections: readonly { close(): Promise<void> }[]) {}
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.connections.map((c) => c.close()));
  }
}

/**
 * Everything a Meridian service has in common: its configuration, its connections to
 * its DC's Kafka and Cassandra, `GET /health` reporting each of them (and, with Kafka,
 * any consumer group member that is stalled), `GET /metrics`, and, with Kafka, heartbeats
 * on the status topic.
 */
@Module({})
export class ServiceModule {
  static forRoot(options: ServiceModuleOptions): DynamicModule {
    const component = options.component ?? options.name;
    const instance = options.instance ?? options.config.MERIDIAN_INSTANCE ?? `${hostname()}:${options.config.MERIDIAN_HTTP_PORT ?? 0}`;
    const checks: DependencyCheck[] = [];
    const connections: { close(): Promise<void> }[] = [];
    const metrics = new Metrics({ service: component, dc: options.dc, instance });
    const providers: Provider[] = [
      { provide: SERVICE_CONFIG, useValue: options.config },
      { provide: Metrics, useValue: metrics },
    ];
    const exported: (symbol | typeof KafkaConnection | typeof CassandraConnection | typeof Metrics)[] = [SERVICE_CONFIG, Metrics];

    if (options.kafkaBrokers) {
      const stalledNow = metrics.gauge('meridian_kafka_consumers_stalled', 'Consumer group members of this service found stalled and not moving again yet');
      const stallsSeen = metrics.counter('meridian_kafka_consumer_stalls_total', 'Times a consumer group member of this service was found stalled and replaced');
      stalledNow.set(0);
      const stallAfterMs = options.config.MERIDIAN_STALL_AFTER_MS ?? DEFAULT_STALL_AFTER_MS;
      const kafka: KafkaConnection = new KafkaConnection({ brokers: options.kafkaBrokers.map(address), clientId: `${options.name}-${options.dc}`, stallAfterMs }, new Logger('Kafka'), {
        stalled: () => {
          stallsSeen.inc();
          stalledNow.set(kafka.stalls().length);
        },
        recovered: () => stalledNow.set(kafka.stalls().length),
      });
      providers.push({ provide: KafkaConnection, useValue: kafka });
      exported.push(KafkaConnection);
      connections.push(kafka);
      checks.push({ name: 'kafka', check: async () => ({ bootstrap: kafka.brokers.join(','), ...(await kafka.check()) }) });
      checks.push({
        name: 'consumers',
        check: () => {
          const stalls = kafka.stalls();
          if (stalls.length > 0) return Promise.reject(new Error(stalls.map((stall) => `consumer group ${stall.groupId} stalled: ${stall.reason}`).join('; ')));
          return Promise.resolve({ stallAfterMs });
        },
      });
      const settings = { component, instance, dc: options.dc, topic: options.config.MERIDIAN_STATUS_TOPIC, intervalMs: options.config.MERIDIAN_HEARTBEAT_MS };
      providers.push({
        provide: HeartbeatPublisher,
        inject: [DependencyMonitor, Metrics],
        useFactory: (monitor: DependencyMonitor, metrics: Metrics) => new HeartbeatPublisher(kafka, monitor, metrics, settings),
      });
    }
    if (options.cassandraContactPoints) {
      const cassandra = new CassandraConnection({ contactPoints: options.cassandraContactPoints.map(address), localDataCenter: options.dc }, new Logger('Cassandra'));
      providers.push({ provide: CassandraConnection, useValue: cassandra });
      exported.push(CassandraConnection);
      connections.push(cassandra);
      checks.push({
        name: 'cassandra',
        check: async () => {
          const node = await cassandra.check();
          if (node.dataCenter !== options.dc) throw new Error(`node ${node.address} is in ${node.dataCenter}, but this service is configured for ${options.dc}`);
          return { contactPoints: cassandra.contactPoints.join(','), ...node };
        },
      });
    }
    checks.push(...(options.extraChecks ?? []));
    providers.push(
      { provide: DependencyMonitor, useFactory: () => new DependencyMonitor(checks) },
      { provide: ConnectionCloser, useFactory: () => new ConnectionCloser(connections) },
    );

    return {
      module: ServiceModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers,
      exports: exported,
    };
  }
}
