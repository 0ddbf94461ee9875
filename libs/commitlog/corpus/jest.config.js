// Unit tests of the corpus generator's pure parts (the corpus itself is checked by libs/commitlog's tests).
module.exports = { ...require('../../../jest.preset.js'), displayName: 'commitlog-corpus', rootDir: __dirname, testMatch: ['<rootDir>/*.spec.ts'] };
