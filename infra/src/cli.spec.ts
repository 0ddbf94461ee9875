import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The infra command as people run it; these paths start no server. */
function infra(...args: string[]) {
  const result = spawnSync(process.execPath, ['--conditions=@meridian/source', '--import', 'tsx', join(__dirname, 'cli.ts'), ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run infra', () => {
  const workdir = mkdtempSync(join(tmpdir(), 'infra-cli-'));

  it('explains bad usage with exit code 2', () => {
    const unknown = infra('restart');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: unknown command "restart"');
    expect(unknown.stderr).toContain('Usage: npm run infra -- <up|down|status>');
    const driver = infra('up', '--driver', 'docker', '--workdir', workdir);
    expect(driver.code).toBe(2);
    expect(driver.stderr).toContain('--driver must be one of local, containers, got "docker"');
    expect(infra('up', '--dc1-nodes', '3', '--workdir', workdir).stderr).toContain('--dc1-nodes must be 1 or 2');
  });

  it('wants exactly one component for stop and start, and a sound timeout', () => {
    const missing = infra('stop', '--workdir', workdir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: stop needs a component, e.g. "stop kafka-dc1"');
    expect(infra('start', 'kafka-dc1', 'dc1-n1', '--workdir', workdir).stderr).toContain('start takes one component, got "kafka-dc1 dc1-n1"');
    const timeout = infra('start', 'kafka-dc1', '--timeout', 'soon', '--workdir', workdir);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--timeout must be a positive number of seconds, got "soon"');
    expect(infra('--help').stdout).toContain('npm run infra -- <stop|start|disconnect|reconnect> <component> [options]');
  });

  it('stops and starts only components the topology has, and says when there is nothing to do', () => {
    const local = mkdtempSync(join(tmpdir(), 'infra-cli-'));
    // A recorded topology none of whose processes ever started.
    const node = { name: 'dc1-n1', dc: 'dc1', cql: { host: '127.0.0.11', port: 9042 }, broadcastAddress: '127.0.0.11', dataDir: '/d', cdcRawDir: '/d/cdc_raw', logFile: '/d/l' };
    const kafka = [{ dc: 'dc1', bootstrap: '127.0.0.11:9092', logFile: '/k/l' }, { dc: 'dc2', bootstrap: '127.0.0.21:9092', logFile: '/k2/l' }];
    writeFileSync(join(local, 'topology.json'), JSON.stringify({ driver: 'local', phase: 'up', workdir: local, cassandra: [node], kafka, processes: [] }));
    const unknown = infra('stop', 'kafka-dc3', '--workdir', local);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no component "kafka-dc3" in the topology in ${local}; it has dc1-n1, kafka-dc1, kafka-dc2`);
    const stop = infra('stop', 'kafka-dc1', '--workdir', local);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain('kafka-dc1 is not running; nothing to stop');
    const start = infra('start', 'dc1-n1', '--workdir', local);
    expect(start.code).toBe(1);
    expect(start.stderr).toContain(`dc1-n1 was never started in ${local}`);
    expect(infra('start', 'dc1-n1', '--workdir', workdir).stderr).toContain(`no topology is recorded in ${workdir}`);
    const cut = infra('disconnect', 'dc1-n1', '--workdir', local);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain('the local driver cannot cut a component off the network');
  });

  it('says there is nothing to show or stop in an empty workdir', () => {
    const status = infra('status', '--workdir', workdir);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`no topology is recorded in ${workdir}`);
    const down = infra('down', '--workdir', workdir);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('nothing to stop');
  });

  it('refuses a state file it cannot make sense of, naming it', () => {
    const broken = mkdtempSync(join(tmpdir(), 'infra-cli-'));
    writeFileSync(join(broken, 'topology.json'), JSON.stringify({ driver: 'kubernetes' }));
    const status = infra('status', '--workdir', broken);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain('does not name a known driver (found "kubernetes")');
    expect(status.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(join(broken, 'topology.json'), '{ half');
    expect(infra('status', '--workdir', broken).stderr).toContain('topology.json is not JSON');
  });
});
