module.exports = { ...require('../../jest.preset.js'), displayName: 'inventory-service', rootDir: __dirname };
