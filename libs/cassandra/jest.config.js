module.exports = { ...require('../../jest.preset.js'), displayName: 'cassandra', rootDir: __dirname };
