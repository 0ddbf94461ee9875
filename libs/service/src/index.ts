export type { DependencyCheck } from './dependency-check';
export { Metrics, type MetricLabels } from './metrics/metrics';
export { FailureNotice } from './failure-notice';
export { runService, type MicroserviceDefinition, type ServiceDefinition } from './run-service';
export { cassandraEnv, kafkaEnv, serviceEnv, type ServiceSettings } from './service-env';
export { SERVICE_CONFIG, ServiceModule, type ServiceModuleOptions } from './service.module';
export { ApiErrorFilter, describeError, type ErrorBody } from './api/api-error.filter';
export { type FieldProblem, InvalidRequestError, NotFoundError, NotReadyError, parseRequest } from './api/api-errors';
export { RedeliverOnFailure } from './events/redeliver-on-failure.filter';
