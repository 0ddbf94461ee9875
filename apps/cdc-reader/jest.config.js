module.exports = { ...require('../../jest.preset.js'), displayName: 'cdc-reader', rootDir: __dirname };
