/**
 * logback.xml for a Cassandra node (Cassandra binds SLF4J to logback). One rolling
 * file, `<node dir>/logs/system.log`; the JVM's own stdout/stderr go elsewhere.
 */

export interface CassandraLogbackOptions {
  /** Absolute path of the log file; rolled files go beside it. */
  readonly file: string;
  /** Default INFO: readiness relies on INFO lines (`Startup complete`, `is now UP`). */
  readonly level?: 'DEBUG' | 'INFO';
}

export function renderCassandraLogback(o: CassandraLogbackOptions): string {
  const file = xmlText(o.file);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Rendered by Meridian (infra/src/config/cassandra-logback.ts). -->
<configuration scan="false">
  <appender name="SYSTEMLOG" class="ch.qos.logback.core.rolling.RollingFileAppender">
    <file>${file}</file>
    <rollingPolicy class="ch.qos.logback.core.rolling.FixedWindowRollingPolicy">
      <fileNamePattern>${file}.%i.zip</fileNamePattern>
      <minIndex>1</minIndex>
      <maxIndex>5</maxIndex>
    </rollingPolicy>
    <triggeringPolicy class="ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy">
      <maxFileSize>50MB</maxFileSize>
    </triggeringPolicy>
    <encoder>
      <pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern>
    </encoder>
  </appender>
  <root level="${o.level ?? 'INFO'}">
    <appender-ref ref="SYSTEMLOG"/>
  </root>
</configuration>
`;
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
