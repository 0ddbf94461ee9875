import { SERVICE_PORTS } from '@meridian/contracts';
import type { DataCentre, TopologyEndpoints } from './topology';

/** The six Meridian services, with the HTTP port each gets in dc1 (dc2 adds 100; a second cdc-reader adds 5). */
export const SERVICES = SERVICE_PORTS;

export type ServiceName = keyof typeof SERVICES;

export interface ServiceInstance {
  readonly service: ServiceName;
  readonly dc: DataCentre;
  /** Cassandra node a cdc-reader runs beside; undefined for other services. */
  readonly node?: string;
  readonly httpPort: number;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The services of one DC's Meridian deployment against a running topology, with the
 * environment each is configured by: one cdc-reader per Cassandra node of the DC and
 * one of every other service. `portOffset` shifts every HTTP port (tests run several
 * deployments side by side).
 */
export function serviceInstances(endpoints: TopologyEndpoints, dc: DataCentre, portOffset = 0): ServiceInstance[] {
  const kafka = endpoints.kafka.find((k) => k.dc === dc);
  const nodes = endpoints.cassandra.filter((n) => n.dc === dc);
  if (!kafka || nodes.length === 0) throw new Error(`the topology has no ${dc}`);
  const base = (dc === 'dc1' ? 0 : 100) + portOffset;
  const common = (service: ServiceName, httpPort: number) => ({
    MERIDIAN_DC: dc,
    MERIDIAN_HTTP_HOST: '127.0.0.1',
    MERIDIAN_HTTP_PORT: String(httpPort),
    MERIDIAN_KAFKA_BROKERS: kafka.bootstrap,
    ...(service === 'publisher' ? {} : { MERIDIAN_CASSANDRA_CONTACT_POINTS: nodes.map((n) => `${n.cql.host}:${n.cql.port}`).join(',') }),
  });
  const instances: ServiceInstance[] = [];
  for (const service of Object.keys(SERVICES) as ServiceName[]) {
    if (service === 'cdc-reader') {
      nodes.forEach((node, index) => {
        const httpPort = SERVICES[service] + base + index * 5; // 8081, 8086: clear of the other services
        instances.push({
          service,
          dc,
          node: node.name,
          httpPort,
          env: {
            ...common(service, httpPort),
            // A reader talks to its own node only: that node's schema and commit log.
            MERIDIAN_CASSANDRA_CONTACT_POINTS: `${node.cql.host}:${node.cql.port}`,
            MERIDIAN_NODE: node.name,
            MERIDIAN_CDC_RAW_DIR: node.cdcRawDir,
          },
        });
      });
    } else {
      const httpPort = SERVICES[service] + base;
      instances.push({ service, dc, httpPort, env: common(service, httpPort) });
    }
  }
  return instances;
}
