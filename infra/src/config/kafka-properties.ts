/**
 * server.properties for a single-node Kafka 4.x cluster in KRaft mode: one process is
 * both broker and controller, formatted as a standalone dynamic quorum
 * (`kafka-storage format --standalone`), so every replication factor is 1.
 */

export interface KafkaAddress {
  readonly host: string;
  readonly port: number;
}

export interface KafkaExtraListener {
  /** Listener name, e.g. `INTERNAL`; upper case, not PLAINTEXT or CONTROLLER. */
  readonly name: string;
  /** Where the broker binds it, e.g. `0.0.0.0:19092` in a container. */
  readonly bind: KafkaAddress;
  /** What it announces on it, e.g. the container's network alias `kafka-dc1:19092`. */
  readonly advertised: KafkaAddress;
}

export interface KafkaPropertiesOptions {
  readonly nodeId: number;
  /** The PLAINTEXT (client and inter-broker) listener's bind address. */
  readonly listener: KafkaAddress;
  /** What clients are told to connect to; defaults to `listener`. */
  readonly advertisedListener?: KafkaAddress;
  /** The CONTROLLER listener; also the quorum's bootstrap server. */
  readonly controller: KafkaAddress;
  /** Absolute path of the log (data) directory. */
  readonly logDir: string;
  /** A second client listener, e.g. for containers on the topology's network. */
  readonly extraListener?: KafkaExtraListener;
  /** Partitions of __consumer_offsets and __transaction_state. Default 10 (Kafka's is 50). */
  readonly internalTopicPartitions?: number;
}

const RESERVED_LISTENER_NAMES = new Set(['PLAINTEXT', 'CONTROLLER']);

export function renderKafkaProperties(o: KafkaPropertiesOptions): string {
  const advertised = o.advertisedListener ?? o.listener;
  const extra = o.extraListener;
  if (extra && (!/^[A-Z][A-Z0-9_]*$/.test(extra.name) || RESERVED_LISTENER_NAMES.has(extra.name))) {
    throw new RangeError(`extra listener name must be upper case and not PLAINTEXT or CONTROLLER, got ${JSON.stringify(extra.name)}`);
  }
  const at = (a: KafkaAddress): string => `${a.host}:${a.port}`;
  const listeners = [`PLAINTEXT://${at(o.listener)}`, `CONTROLLER://${at(o.controller)}`];
  const advertisedListeners = [`PLAINTEXT://${at(advertised)}`, `CONTROLLER://${at(o.controller)}`];
  const protocols = ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT'];
  if (extra) {
    listeners.push(`${extra.name}://${at(extra.bind)}`);
    advertisedListeners.push(`${extra.name}://${at(extra.advertised)}`);
    protocols.push(`${extra.name}:PLAINTEXT`);
  }
  const partitions = o.internalTopicPartitions ?? 10;
  return `# Rendered by Meridian (infra/src/config/kafka-properties.ts); rewritten on every start.
process.roles=broker,controller
node.id=${o.nodeId}
controller.quorum.bootstrap.servers=${at(o.controller)}
controller.listener.names=CONTROLLER
listeners=${listeners.join(',')}
advertised.listeners=${advertisedListeners.join(',')}
listener.security.protocol.map=${protocols.join(',')}
inter.broker.listener.name=PLAINTEXT
log.dirs=${propertiesValue(o.logDir)}

# One broker: every internal topic has one replica and needs one in sync.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# Fewer internal partitions than Kafka's 50: the first consumer group and the first
# transactional producer each wait for their internal topic to be created and loaded.
offsets.topic.num.partitions=${partitions}
transaction.state.log.num.partitions=${partitions}
# Consumer groups form at once instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0
`;
}

/** A java.util.Properties value: backslashes escaped, no line breaks. */
export function propertiesValue(s: string): string {
  if (/[\r\n]/.test(s)) throw new RangeError(`a properties value cannot contain a line break: ${JSON.stringify(s)}`);
  return s.replace(/\\/g, '\\\\');
}
