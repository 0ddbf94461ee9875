export { ConfigError, describeConfig, loadConfig, type EnvSchema } from './load-config';
export { directory, hostPortList, identifier, optionalText, port, positiveInt, text, type HostPort } from './env-types';
