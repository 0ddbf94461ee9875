import { offsetResetSchema, writetimeMs } from './offset-reset';

describe('offset reset requests', () => {
  it('takes a writetime as microseconds or an ISO-8601 time', () => {
    expect(writetimeMs('1795255200123456')).toBe(1_795_255_200_123);
    expect(writetimeMs('2026-11-21T10:00:00Z')).toBe(Date.parse('2026-11-21T10:00:00Z'));
    expect(writetimeMs('May')).toBeUndefined();
    expect(writetimeMs('2026-13-45T99:99')).toBeUndefined();
  });

  it('requires a writetime with to "writetime", and only then', () => {
    const problems = (body: unknown) => offsetResetSchema.safeParse(body).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems({ destination: 'd', to: 'earliest' })).toBeUndefined();
    expect(problems({ destination: 'd', to: 'writetime', writetime: '2026-11-21T10:00:00Z' })).toBeUndefined();
    expect(problems({ destination: 'd', to: 'writetime' })).toEqual(['writetime: writetime is required when to is "writetime"']);
    expect(problems({ destination: 'd', to: 'latest', writetime: '1' })).toEqual(['writetime: writetime is only taken with to "writetime", not "latest"']);
    expect(problems({ destination: 'd', to: 'writetime', writetime: 'yesterday' })).toEqual([expect.stringContaining('ISO-8601') as unknown]);
    expect(problems({ destination: '', to: 'now', extra: 1 })).toHaveLength(3);
  });
});
