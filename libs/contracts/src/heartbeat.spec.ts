import { type Heartbeat, heartbeatKey, parseHeartbeat } from './heartbeat';

const good: Heartbeat = {
  version: 1,
  component: 'cdc-reader',
  instance: 'dc1-n1',
  dc: 'dc1',
  state: 'degraded',
  problems: ['kafka: Kafka at 127.0.0.1:9092 is unavailable: connection refused'],
  startedAt: '2025-01-01T00:00:00.000Z',
  at: '2025-01-01T00:00:05.000Z',
  intervalMs: 5000,
  figures: { meridian_events_total: 12, 'meridian_segments{state="done"}': 3 },
};

describe('parseHeartbeat', () => {
  it('accepts a heartbeat as sent, after a JSON round trip', () => {
    expect(parseHeartbeat(JSON.parse(JSON.stringify(good)))).toEqual(good);
  });

  it('drops fields the contract does not know', () => {
    expect(parseHeartbeat({ ...good, extra: true })).toEqual(good);
  });

  it('rejects another version, naming it', () => {
    expect(() => parseHeartbeat({ ...good, version: 2 })).toThrow('invalid heartbeat: version must be 1, got 2');
    expect(() => parseHeartbeat({ ...good, version: undefined })).toThrow('version must be 1, got nothing');
  });

  it('rejects what is not an object', () => {
    expect(() => parseHeartbeat(null)).toThrow('invalid heartbeat: expected an object, got null');
    expect(() => parseHeartbeat([good])).toThrow('expected an object, got an array');
  });

  it('names every missing or wrong field at once', () => {
    const { component: _component, figures: _figures, ...rest } = good;
    let message = '';
    try {
      parseHeartbeat({ ...rest, state: 'sleeping', at: 'yesterday', problems: [1], intervalMs: 0 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      'invalid heartbeat: component must be a non-empty string, got nothing; state must be one of running, degraded, stopping, got "sleeping"; ' +
        'problems must be an array of strings, got an array; at must be an ISO-8601 time, got "yesterday"; intervalMs must be a positive number, got 0; ' +
        'figures must be an object of numbers, got nothing',
    );
  });

  it('rejects figures that are not numbers', () => {
    expect(() => parseHeartbeat({ ...good, figures: { meridian_events_total: '12' } })).toThrow('figures must be an object of numbers, got an object');
  });
});

describe('heartbeatKey', () => {
  it('is component/instance', () => {
    expect(heartbeatKey('deduper', 'deduper-1')).toBe('deduper/deduper-1');
  });
});
