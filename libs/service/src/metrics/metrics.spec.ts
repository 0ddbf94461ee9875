import { Metrics } from './metrics';

describe('Metrics', () => {
  const labels = { service: 'unit-service', dc: 'dc1', instance: 'dc1-n1' };

  it('shows a counter in the exposition text, with the service labels, and in figures', async () => {
    const metrics = new Metrics(labels);
    const sent = metrics.counter('meridian_events_sent_total', 'events sent', ['topic']);
    sent.inc({ topic: 'raw' }, 3);
    metrics.gauge('meridian_segments_open', 'open segments').set(2);

    const text = await metrics.text();
    expect(text).toContain('# TYPE meridian_events_sent_total counter');
    expect(text).toContain('meridian_events_sent_total{topic="raw",service="unit-service",dc="dc1",instance="dc1-n1"} 3');
    expect(text).toContain('process_cpu_user_seconds_total'); // Node's defaults
    expect(await metrics.figures()).toEqual({ 'meridian_events_sent_total{topic="raw"}': 3, meridian_segments_open: 2 });
  });

  it('gives histograms as count and sum only', async () => {
    const metrics = new Metrics(labels);
    const latency = metrics.histogram('meridian_latency_seconds', 'commit to topic', [0.1, 1]);
    latency.observe(0.05);
    latency.observe(0.5);
    expect(await metrics.figures()).toEqual({ meridian_latency_seconds_count: 2, meridian_latency_seconds_sum: 0.55 });
  });

  it('rejects a name outside the meridian_ namespace', () => {
    const metrics = new Metrics(labels);
    expect(() => metrics.counter('events_total', 'events')).toThrow('metric name "events_total" must start with "meridian_"');
  });

  it('keeps each instance to its own registry', async () => {
    new Metrics(labels).counter('meridian_twice_total', 'registered in two registries');
    const other = new Metrics(labels);
    other.counter('meridian_twice_total', 'registered in two registries').inc();
    expect(await other.figures()).toEqual({ meridian_twice_total: 1 });
  });
});
