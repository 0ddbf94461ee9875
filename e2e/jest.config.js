// End-to-end suites against real Cassandra and Kafka, one topology per file, run in band.
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  testTimeout: 600_000,
  maxWorkers: 1,
};
