module.exports = { ...require('../../jest.preset.js'), displayName: 'publisher', rootDir: __dirname };
