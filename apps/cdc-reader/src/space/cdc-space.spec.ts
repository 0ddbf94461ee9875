import { CdcSpaceWatch, parseStorageSize } from './cdc-space';

describe('parseStorageSize', () => {
  it('reads the units system_views.settings shows, and plain numbers in the given unit', () => {
    expect(parseStorageSize('4096MiB')).toBe(4096 * 1024 ** 2);
    expect(parseStorageSize('1GiB')).toBe(1024 ** 3);
    expect(parseStorageSize('512KiB')).toBe(512 * 1024);
    expect(parseStorageSize('100')).toBe(100 * 1024 ** 2);
    expect(parseStorageSize('100', 'B')).toBe(100);
    expect(parseStorageSize('null')).toBeUndefined();
    expect(parseStorageSize('4TB')).toBeUndefined();
  });
});

describe('CdcSpaceWatch', () => {
  it('warns once on crossing the threshold and says once when back under it', () => {
    const watch = new CdcSpaceWatch(80);
    const total = 1000 * 1024 ** 2;
    expect(watch.check(500 * 1024 ** 2, total)).toBeUndefined();
    const warning = watch.check(850 * 1024 ** 2, total);
    expect(warning?.level).toBe('warn');
    expect(warning?.message).toContain('850 MiB of cdc_total_space 1000 MiB (85%)');
    expect(watch.check(900 * 1024 ** 2, total)).toBeUndefined();
    expect(watch.check(100 * 1024 ** 2, total)).toMatchObject({ level: 'log' });
    expect(watch.check(100 * 1024 ** 2, total)).toBeUndefined();
  });
});
