module.exports = { ...require('../../jest.preset.js'), displayName: 'deduper', rootDir: __dirname };
