import { runInNewContext } from 'node:vm';
import { uniqueName } from './unique-name';
import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first defined value', async () => {
    let calls = 0;
    const value = await waitFor('the third call', () => Promise.resolve(++calls === 3 ? 'ready' : undefined), { timeoutMs: 1000, intervalMs: 1 });
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('fails naming what it waited for and the last error', async () => {
    await expect(waitFor('the broker', () => Promise.reject(new Error('ECONNREFUSED')), { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      'timed out after 30 ms waiting for the broker: ECONNREFUSED',
    );
  });

  it("names the last error also when it comes from another realm, as fetch's do in a test", async () => {
    const foreign = runInNewContext('new TypeError("fetch failed")') as Error;
    await expect(waitFor('the service', () => Promise.reject(foreign), { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow('timed out after 30 ms waiting for the service: fetch failed');
  });
});

describe('uniqueName', () => {
  it('gives a fresh valid CQL identifier each time', () => {
    const a = uniqueName('smoke');
    expect(a).toMatch(/^smoke_[0-9a-f]{8}$/);
    expect(uniqueName('smoke')).not.toBe(a);
  });
});
