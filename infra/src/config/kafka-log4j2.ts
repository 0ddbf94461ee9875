/**
 * log4j2 properties for a Kafka broker (log4j-slf4j-impl binds SLF4J to log4j2).
 * One rolling file, `<kafka dir>/logs/server.log`; the JVM's own stdout/stderr go elsewhere.
 */
import { propertiesValue } from './kafka-properties';

export interface KafkaLog4j2Options {
  /** Absolute path of the log file; rolled files go beside it. */
  readonly file: string;
  /** Default INFO: readiness relies on the INFO line `Kafka Server started`. */
  readonly level?: 'DEBUG' | 'INFO';
}

export function renderKafkaLog4j2(o: KafkaLog4j2Options): string {
  const file = propertiesValue(o.file);
  return `# Rendered by Meridian (infra/src/config/kafka-log4j2.ts).
status = warn
name = meridian-kafka
# Kafka logs its own shutdown after the JVM's shutdown hooks start: keep log4j up until exit.
shutdownHook = disable
appender.server.type = RollingFile
appender.server.name = server
appender.server.fileName = ${file}
appender.server.filePattern = ${file}.%i
appender.server.layout.type = PatternLayout
appender.server.layout.pattern = [%d] %p %m (%c)%n
appender.server.policies.type = Policies
appender.server.policies.size.type = SizeBasedTriggeringPolicy
appender.server.policies.size.size = 50MB
appender.server.strategy.type = DefaultRolloverStrategy
appender.server.strategy.max = 5
rootLogger.level = ${o.level ?? 'INFO'}
rootLogger.appenderRef.server.ref = server
# One line per request is noise at INFO.
logger.request.name = kafka.request.logger
logger.request.level = WARN
`;
}
