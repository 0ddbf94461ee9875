import { runCheck } from './dependency-check';

describe('runCheck', () => {
  it('reports a dependency that never answers as down after the timeout', async () => {
    const outcome = await runCheck({ name: 'stuck', check: () => new Promise(() => undefined) }, 50);
    expect(outcome).toEqual({ up: false, reason: 'no answer within 50 ms' });
  });

  it('passes the details of a working dependency through', async () => {
    const outcome = await runCheck({ name: 'ok', check: () => Promise.resolve({ version: '5.0' }) }, 50);
    expect(outcome).toEqual({ up: true, details: { version: '5.0' } });
  });
});
