// End-to-end suites against real Cassandra and Kafka, one topology per file, run in band.
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  // Counts each file's failures, so its topology keeps its logs when one failed (libs/testing).
  testEnvironment: '<rootDir>/../libs/testing/src/failure-environment.ts',
  testTimeout: 600_000,
  maxWorkers: 1,
  // Every suite stops what it started in afterAll, but a client of a server that was
  // stopped under it (a Kafka or Cassandra driver's reconnect timer) can outlive the last
  // test; exiting when the run is done keeps such a timer from holding CI open.
  forceExit: true,
};
