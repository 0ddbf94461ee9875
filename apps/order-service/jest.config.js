module.exports = { ...require('../../jest.preset.js'), displayName: 'order-service', rootDir: __dirname };
