module.exports = { ...require('../../jest.preset.js'), displayName: 'commitlog-cli', rootDir: __dirname };
