export { ConfigError, describeConfig, loadConfig, type EnvSchema } from './load-config';
export { directory, hostPortList, identifier, port, positiveInt, replicationFactors, text, type HostPort } from './env-types';
