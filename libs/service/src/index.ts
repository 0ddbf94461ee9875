export type { DependencyCheck } from './dependency-check';
export { Metrics, type MetricLabels } from './metrics/metrics';
export { FailureNotice } from './failure-notice';
export { runService, type ServiceDefinition } from './run-service';
export { cassandraEnv, kafkaEnv, serviceEnv, type ServiceSettings } from './service-env';
export { SERVICE_CONFIG, ServiceModule, type ServiceModuleOptions } from './service.module';
