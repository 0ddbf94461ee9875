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
    const unknown = infra('start');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: unknown command "start"');
    expect(unknown.stderr).toContain('Usage: npm run infra -- <up|down|status>');
    const driver = infra('up', '--driver', 'docker', '--workdir', workdir);
    expect(driver.code).toBe(2);
    expect(driver.stderr).toContain('--driver must be one of local, containers, got "docker"');
    expect(infra('up', '--dc1-nodes', '3', '--workdir', workdir).stderr).toContain('--dc1-nodes must be 1 or 2');
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
