module.exports = { ...require('../../jest.preset.js'), displayName: 'commitlog', rootDir: __dirname };
