import { Backoff, RetryLoop, StoppedError } from './retry-loop';

describe('RetryLoop', () => {
  const logger = () => {
    const lines: string[] = [];
    return { lines, warn: (l: string) => lines.push(`warn ${l}`), log: (l: string) => lines.push(`log ${l}`) };
  };

  it('retries until the work succeeds, logging the failure and the recovery once each', async () => {
    const log = logger();
    const loop = new RetryLoop(log, { firstDelayMs: 1, maxDelayMs: 4 });
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
    expect(log.lines).toEqual(['warn writing order 1 failed: Cassandra is away (retrying with backoff up to 0.004s)', 'log writing order 1 works again']);
  });

  it('ends a waiting loop with StoppedError when stopped', async () => {
    const loop = new RetryLoop(logger(), { firstDelayMs: 60_000, maxDelayMs: 60_000 });
    const running = loop.run('writing order 2', () => Promise.reject(new Error('Cassandra is away')));
    await new Promise((resolve) => setImmediate(resolve));
    loop.stop();
    await expect(running).rejects.toThrow(StoppedError);
  });

  it('does not retry an error marked final, and throws it', async () => {
    const log = logger();
    const loop = new RetryLoop(log, { firstDelayMs: 1, maxDelayMs: 1 });
    let attempts = 0;
    const fenced = Object.assign(new Error('the producer was fenced'), { retriable: false });
    await expect(loop.run('committing', () => Promise.reject(fenced).finally(() => attempts++))).rejects.toBe(fenced);
    expect(attempts).toBe(1);
    expect(log.lines).toEqual(['warn committing failed: the producer was fenced (not retried: the error says trying again cannot help)']);
  });
});

describe('Backoff', () => {
  it('doubles its waits up to the most, each between half and all of it, and starts again after a success', () => {
    const draws = [0, 1, 0.5, 0, 1, 0];
    const backoff = new Backoff({ firstDelayMs: 100, maxDelayMs: 300 }, () => draws.shift() ?? 0);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([50, 200, 225, 150]);
    backoff.reset();
    expect([backoff.next(), backoff.next()]).toEqual([100, 100]);
  });
});
