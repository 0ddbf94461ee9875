export type { DependencyCheck } from './dependency-check';
export { runService, type ServiceDefinition } from './run-service';
export { cassandraEnv, kafkaEnv, serviceEnv } from './service-env';
export { SERVICE_CONFIG, ServiceModule, type ServiceModuleOptions } from './service.module';
