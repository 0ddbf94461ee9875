export { DRIVER_NAMES, loadDriver, recordedDriver } from './drivers';
export { type HealthState, type RunningService, serviceLabel, startService, waitHealthy } from './service-process';
export { SERVICES, type ServiceInstance, type ServiceName, serviceInstances } from './services';
export * from './topology';
