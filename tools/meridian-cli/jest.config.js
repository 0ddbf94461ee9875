module.exports = { ...require('../../jest.preset.js'), displayName: 'meridian-cli', rootDir: __dirname };
