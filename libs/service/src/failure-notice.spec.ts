import { FailureNotice } from './failure-notice';

describe('FailureNotice', () => {
  it('logs each distinct failure once, and says once that it works again', () => {
    const lines: string[] = [];
    const notice = new FailureNotice((line) => lines.push(line));
    expect(notice.recovered()).toBe(false);
    notice.failed(new Error('broker down'), (m) => `${m} (retrying)`);
    notice.failed(new Error('broker down'), (m) => `${m} (retrying)`);
    notice.failed('timeout');
    expect(lines).toEqual(['broker down (retrying)', 'timeout']);
    expect(notice.recovered()).toBe(true);
    expect(notice.recovered()).toBe(false);
    notice.failed(new Error('broker down'));
    expect(lines).toHaveLength(3);
  });
});
