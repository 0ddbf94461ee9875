import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RunningService, serviceInstances, startService, waitHealthy } from '@meridian/infra';
import { isolatedPipelineEnv } from '@meridian/testing';
import type { ReaderTestContext } from './cdc-reader';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** The README's walkthrough block, line by line, as a user would paste it. */
async function walkthroughLines(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- walkthrough[^>]*-->\s*```sh\n([\s\S]*?)```\s*<!-- \/walkthrough -->/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no walkthrough block');
  return block.split('\n').filter((line) => line.trim() !== '');
}

/**
 * The README's walkthrough, run as written against dc1: its commands only get this
 * topology's workdir instead of the demo's, and the coordinator's URL in the environment.
 */
export function walkthroughTests(ctx: ReaderTestContext): void {
  describe('the README walkthrough', () => {
    const services: RunningService[] = [];
    afterAll(async () => {
      await Promise.all(services.map((s) => s.stop()));
    });

    it('takes a table to a topic with the CLI: three inserts, three change events', async () => {
      const instances = serviceInstances(ctx.endpoints(), 'dc1', 8000).filter((s) => ['cdc-reader', 'deduper', 'publisher', 'coordinator'].includes(s.service));
      const env = isolatedPipelineEnv();
      for (const instance of instances) services.push(await startService({ ...instance, env: { ...instance.env, ...env } }, join(ctx.endpoints().workdir, 'services')));
      for (const service of services) await waitHealthy(service, 60_000);
      const coordinator = instances.find((s) => s.service === 'coordinator');
      if (!coordinator) throw new Error('no coordinator instance');

      const outputs: string[] = [];
      for (const line of await walkthroughLines()) {
        const command = line.replaceAll('--workdir .meridian/demo', `--workdir ${ctx.endpoints().workdir}`);
        const { stdout } = await run('sh', ['-c', command], {
          cwd: ROOT,
          env: { ...process.env, MERIDIAN_COORDINATOR_URL: `http://127.0.0.1:${coordinator.httpPort}` },
          timeout: 90_000,
        }).catch((error: unknown) => {
          const { stderr, stdout: out } = error as { stderr?: string; stdout?: string };
          throw new Error(`walkthrough line failed: ${command}\n${out ?? ''}${stderr ?? String(error)}`);
        });
        outputs.push(stdout);
      }

      expect(outputs.join('')).toMatch(/^channel demo-channel created$/m);
      const events = (outputs.at(-1) ?? '')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { op: string; key: { id: number }; after: { name: string } });
      expect(events.map((e) => [e.op, e.key.id, e.after.name]).sort()).toEqual([
        ['c', 1, 'one'],
        ['c', 2, 'two'],
        ['c', 3, 'three'],
      ]);
    });
  });
}
