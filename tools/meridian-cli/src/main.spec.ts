import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
// The CLI is checked against the coordinator's real HTTP app (its controllers, guard and
// error filter) with in-memory ports, so the two cannot drift apart; only this test does that.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startTestCoordinator, type TestCoordinator } from '../../../apps/coordinator/src/testing/test-coordinator';
import { main } from './commands';

const TOKEN = 'cli-s3cret';

describe('meridian against a coordinator', () => {
  let coordinator: TestCoordinator;
  let url: string;

  /** Runs one command line in-process, with the coordinator's URL and token in its environment unless given. */
  async function meridian(args: string, env: Record<string, string | undefined> = {}) {
    let stdout = '';
    let stderr = '';
    const code = await main(args.split(' ').filter(Boolean), {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: { MERIDIAN_COORDINATOR_URL: url, MERIDIAN_API_TOKEN: TOKEN, ...env },
    });
    expect(stderr).not.toMatch(/\n\s+at /);
    return { code, stdout, stderr };
  }

  beforeAll(async () => {
    coordinator = await startTestCoordinator({ token: TOKEN });
    url = coordinator.url;
    coordinator.catalog.tables.set('demo_ks.demo_table', { cdc: true });
    coordinator.catalog.tables.set('demo_ks.plain', { cdc: false });
  });

  afterAll(async () => {
    await coordinator.app.close();
  });

  it('runs the DSE walkthrough: a destination, a channel into it, and the channel listed', async () => {
    expect(await meridian('destination create demo-dest --topic demo.${keyspace}.${table}')).toEqual({ code: 0, stdout: 'destination demo-dest created\n', stderr: '' });
    expect(await meridian('channel create demo-channel --table demo_ks.demo_table --destination demo-dest')).toEqual({ code: 0, stdout: 'channel demo-channel created\n', stderr: '' });
    const list = await meridian('channel list');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME\s+TABLE\s+DESTINATION\s+IMAGE\s+PAUSED$/);
    expect(list.stdout).toMatch(/^demo-channel\s+demo_ks\.demo_table\s+demo-dest\s+delta\s+no$/m);
  });

  it('creates, shows, lists, pauses, resumes and removes destinations and channels', async () => {
    expect((await meridian('destination create orders --topic cdc.orders --option acks=all --option linger.ms=5 --paused')).code).toBe(0);
    const show = await meridian('destination show orders');
    expect(show.stdout).toContain('name: orders\n');
    expect(show.stdout).toContain('topic: cdc.orders\n');
    expect(show.stdout).toContain('options: acks=all, linger.ms=5\n');
    expect(show.stdout).toContain('paused: true\n');
    expect((await meridian('destination list')).stdout).toMatch(/^orders\s+cdc\.orders\s+acks=all, linger\.ms=5\s+yes$/m);
    expect(await meridian('resume orders')).toMatchObject({ code: 0, stdout: 'destination orders resumed\n' });
    expect(await meridian('pause orders')).toMatchObject({ code: 0, stdout: 'destination orders paused\n' });
    expect(await meridian('destination resume orders')).toMatchObject({ code: 0, stdout: 'destination orders resumed\n' });

    expect((await meridian('channel create shop-orders --table demo_ks.demo_table --destination orders --image full --paused')).code).toBe(0);
    expect((await meridian('channel show shop-orders')).stdout).toMatch(/keyspace: demo_ks\ntable: demo_table\ndestination: orders\nimage: full\npaused: true/);
    expect(await meridian('channel resume shop-orders')).toMatchObject({ code: 0, stdout: 'channel shop-orders resumed\n' });
    expect(await meridian('channel pause shop-orders')).toMatchObject({ code: 0, stdout: 'channel shop-orders paused\n' });
    expect(await meridian('channel rm shop-orders')).toMatchObject({ code: 0, stdout: 'channel shop-orders removed\n' });
    expect(await meridian('destination rm orders')).toMatchObject({ code: 0, stdout: 'destination orders removed\n' });
    expect((await meridian('destination show orders')).code).toBe(1);
  });

  it('shows the components, their lag and each channel\'s state (ps, status, channel status)', async () => {
    const now = Date.now();
    const beat = (component: string, instance: string, agoMs: number, figures: Record<string, number> = {}) => {
      coordinator.feed.beat(component, instance, { nowMs: now, agoMs }, figures);
    };
    beat('cdc-reader', 'dc1-n1', 6000, { meridian_reader_events_total: 0, meridian_reader_lag_seconds: 0 });
    beat('cdc-reader', 'dc1-n1', 1000, { meridian_reader_events_total: 100, meridian_reader_lag_seconds: 0 });
    beat('deduper', 'deduper-1', 1000);
    beat('publisher', 'publisher-1', 90_000);
    coordinator.groups.topics.set('meridian.mutations.raw', [{ start: 0n, end: 7n, timestamps: [] }]);
    coordinator.groups.topics.set('meridian.mutations', [{ start: 0n, end: 12n, timestamps: [] }]);
    expect((await meridian('destination create status-dest --topic cdc.status')).code).toBe(0);
    expect((await meridian('channel create status-channel --table demo_ks.demo_table --destination status-dest')).code).toBe(0);

    const ps = await meridian('ps');
    expect(ps.code).toBe(0);
    expect(ps.stdout.split('\n')[0]).toMatch(/^COMPONENT\s+INSTANCE\s+STATE\s+EVENTS\/S\s+LATENCY\s+LAG\s+LAST HEARTBEAT\s+PROBLEMS$/);
    expect(ps.stdout).toMatch(/^cdc-reader\s+dc1-n1\s+running\s+20\s+-\s+0 s\s+1 s ago/m);
    expect(ps.stdout).toMatch(/^publisher\s+publisher-1\s+stale\s+-\s+-\s+-\s+90 s ago/m);
    expect(JSON.parse((await meridian('ps --json')).stdout)).toHaveLength(3);

    const status = await meridian('status');
    expect(status.stdout).toContain('components: 2 running, 1 stale\n');
    expect(status.stdout).toContain('deduper lag: 7 record(s) (group meridian.deduper)\n');
    expect(status.stdout).toMatch(/^status-dest\s+no\s+meridian\.publisher\.status-dest\s+12$/m);

    const channel = await meridian('channel status status-channel');
    expect(channel).toMatchObject({ code: 0, stderr: '' });
    expect(channel.stdout).toContain('state: waiting\n');
    expect(channel.stdout).toContain('destination lag: 12\n');
    expect(channel.stdout).toContain('why: no publisher of this DC is running\n');
    expect((await meridian('channel status nope')).code).toBe(1);
  });

  it('shows offsets and resets a paused destination\'s (offsets, offsets reset)', async () => {
    const T = Date.parse('2026-11-21T10:00:00Z');
    coordinator.groups.topics.set('meridian.mutations', [{ start: 0n, end: 3n, timestamps: [T - 1000, T, T + 1000] }]);
    expect((await meridian('destination create replay --topic cdc.replay')).code).toBe(0);
    expect(await meridian('offsets replay')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^replay\s+no\s+0\s+none\s+3\s+3$/m) as unknown });

    const refused = await meridian('offsets reset replay --to latest');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not paused; pause it first');
    expect((await meridian('pause replay')).code).toBe(0);
    expect(await meridian('offsets reset replay --to 2026-11-21T10:00:00Z')).toEqual({
      code: 0,
      stdout: 'destination replay reset to 2026-11-21T10:00:00Z; resume it to read on from there\n  partition 0: none -> 1\n',
      stderr: '',
    });
    expect((await meridian('offsets')).stdout).toMatch(/^replay\s+yes\s+0\s+1\s+3\s+2$/m);
    expect((await meridian('offsets reset replay --to tomorrow')).stderr).toContain('writetime: writetime must be an ISO-8601 time');
    expect((await meridian('offsets reset replay')).code).toBe(2);
  });

  it('prints the API JSON as it is with --json', async () => {
    const created = await meridian('destination create json-dest --topic cdc.json --json');
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'json-dest', topic: 'cdc.json', paused: false });
    const list = JSON.parse((await meridian('--json destination list')).stdout) as { name: string }[];
    expect(list.map((d) => d.name)).toContain('json-dest');
    expect(JSON.parse((await meridian('destination show json-dest --json')).stdout)).toMatchObject({ options: {} });
    expect(JSON.parse((await meridian('channel list --json')).stdout)).toEqual(expect.any(Array));
    expect(await meridian('destination rm json-dest --json')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('exits 1 with the coordinator’s error and each problem when it refuses', async () => {
    const invalid = await meridian('destination create bad-topic --topic has+plus');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^meridian: invalid destination\n {2}topic: topic must be a Kafka topic name/);

    const missing = await meridian('channel show nope');
    expect(missing).toMatchObject({ code: 1, stderr: 'meridian: no channel named "nope"\n' });

    expect((await meridian('destination create dup --topic cdc.dup')).code).toBe(0);
    expect(await meridian('destination create dup --topic cdc.dup')).toMatchObject({ code: 1, stderr: 'meridian: destination "dup" already exists\n' });
    const noCdc = await meridian('channel create plain --table demo_ks.plain --destination dup');
    expect(noCdc.code).toBe(1);
    expect(noCdc.stderr).toContain('cdc');
  });

  it('exits 1 and names the token when the coordinator wants one', async () => {
    const none = await meridian('destination create secret --topic cdc.secret', { MERIDIAN_API_TOKEN: undefined });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/Authorization: Bearer.*--token or MERIDIAN_API_TOKEN/);
    const wrong = await meridian('destination create secret --topic cdc.secret --token wrong');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('not the one this coordinator accepts');
    // Reads need no token.
    expect((await meridian('destination list', { MERIDIAN_API_TOKEN: undefined })).code).toBe(0);
  });

  it('exits 2 with the usage of the command on bad usage, before calling the coordinator', async () => {
    const unknown = await meridian('frobnicate');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^meridian: unknown command "frobnicate"\n\nUsage: meridian <command>/);
    expect((await meridian('channel frob')).stderr).toMatch(/unknown command "channel frob"[\s\S]*Usage: meridian channel <command>/);
    expect(await meridian('')).toMatchObject({ code: 2, stderr: expect.stringContaining('missing command') as unknown });

    const noName = await meridian('destination show');
    expect(noName.code).toBe(2);
    expect(noName.stderr).toMatch(/destination show needs <name>\n\nUsage: meridian destination show <name>/);
    const badTable = await meridian('channel create c --table nodot --destination d');
    expect(badTable.code).toBe(2);
    expect(badTable.stderr).toMatch(/--table must be <keyspace>\.<table>, got "nodot"[\s\S]*Usage: meridian channel create/);
    expect((await meridian('destination create d --topic t --option novalue')).stderr).toContain('--option must be key=value, got "novalue"');
    expect((await meridian('destination create d')).stderr).toContain('destination create needs --topic');
    expect((await meridian('channel create c --table a.b --destination d --image half')).stderr).toContain('--image must be delta or full');
    const unknownOption = await meridian('channel list --colour');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/Unknown option '--colour'[\s\S]*Usage: meridian channel list/);
    expect((await meridian('destination show a b')).stderr).toContain('unexpected argument "b"');
    expect((await meridian('channel list --url ftp://x')).code).toBe(2);
  });

  it('lists commands, options and exit codes with --help at every level', async () => {
    const top = await meridian('--help');
    expect(top.code).toBe(0);
    for (const text of ['destination create <name> --topic', 'channel create <name> --table <keyspace.table> --destination <name>', 'pause <destination>', '--url', '--token', '--json', 'Exit codes']) {
      expect(top.stdout).toContain(text);
    }
    for (const text of ['ps ', 'status ', 'channel status <name>', 'offsets [<destination>]', 'offsets reset <destination> --to earliest|latest|<writetime>']) {
      expect(top.stdout).toContain(text);
    }
    const group = await meridian('channel --help');
    expect(group.stdout).toContain('channel resume <name>');
    expect(group.stdout).not.toContain('destination create');
    expect((await meridian('offsets reset --help')).stdout).toContain('--to <writetime>');
    const command = await meridian('destination create -h');
    expect(command.stdout).toMatch(/^Usage: meridian destination create <name> --topic/);
    expect(command.stdout).toContain('--option k=v');
  });

  it('exits 3 naming the URL when the coordinator cannot be reached or fails', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await meridian(`channel list --url http://127.0.0.1:${port}`);
    expect(unreachable).toEqual({ code: 3, stdout: '', stderr: `meridian: cannot reach the coordinator at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n` });

    const failing: Server = createServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'still loading the configuration' }));
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const failed = await meridian('destination list', { MERIDIAN_COORDINATOR_URL: `http://127.0.0.1:${(failing.address() as AddressInfo).port}` });
      expect(failed.code).toBe(3);
      expect(failed.stderr).toMatch(/answered 503: still loading the configuration\n$/);
    } finally {
      await new Promise((resolve) => failing.close(resolve));
    }
  });
});

describe('the built meridian command', () => {
  const root = join(__dirname, '..', '..', '..');

  it('prints its help', () => {
    const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', join(__dirname, '..', 'tsconfig.build.json')], { cwd: root, encoding: 'utf8' });
    expect(build.status).toBe(0);
    const run = spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'meridian.js'), '--help'], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: meridian <command>/);
    expect(run.stdout).toContain('Exit codes');
  }, 60_000);
});
