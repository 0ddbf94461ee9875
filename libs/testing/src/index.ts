export { startTopology, type TopologyFixture } from './topology-fixture';
export { uniqueName } from './unique-name';
export { waitFor } from './wait-for';
export { isolatedPipelineEnv } from './pipeline-env';
export { callHttp, callUntil, type HttpAnswer } from './http-call';
