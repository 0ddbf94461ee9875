import { RetryLoop, StoppedError } from './retry-loop';

describe('RetryLoop', () => {
  const logger = () => {
    const lines: string[] = [];
    return { lines, warn: (l: string) => lines.push(`warn ${l}`), log: (l: string) => lines.push(`log ${l}`) };
  };

  it('retries until the work succeeds, logging the failure and the recovery once each', async () => {
    const log = logger();
    const loop = new RetryLoop(log, 1);
    let attempts = 0;
    let waits = 0;
    const result = await loop.run(
      'writing order 1',
      () => (++attempts < 4 ? Promise.reject(new Error('Cassandra is away')) : Promise.resolve('done')),
      () => {
        waits += 1;
        return Promise.resolve();
      },
    );
    expect(result).toBe('done');
    expect(attempts).toBe(4);
    expect(waits).toBe(3);
    expect(log.lines).toEqual(['warn writing order 1 failed: Cassandra is away (retrying every 0.001s)', 'log writing order 1 works again']);
  });

  it('ends a waiting loop with StoppedError when stopped', async () => {
    const loop = new RetryLoop(logger(), 60_000);
    const running = loop.run('writing order 2', () => Promise.reject(new Error('Cassandra is away')));
    await new Promise((resolve) => setImmediate(resolve));
    loop.stop();
    await expect(running).rejects.toThrow(StoppedError);
  });
});
