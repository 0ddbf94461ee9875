import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ServiceInstance } from './services';
import { InfraError } from './topology';

const REPO_ROOT = resolve(__dirname, '..', '..');

export interface RunningService {
  readonly instance: ServiceInstance;
  readonly label: string;
  readonly healthUrl: string;
  readonly logFile: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export function serviceLabel(instance: ServiceInstance): string {
  return `${instance.service}${instance.node ? `[${instance.node}]` : ''}@${instance.dc}`;
}

/**
 * Starts a built service (`apps/<name>/dist/main.js`, see `nx run-many -t build`) as a
 * child process with its environment, its output going to `<logDir>/<label>.log`.
 */
export async function startService(instance: ServiceInstance, logDir: string): Promise<RunningService> {
  await mkdir(logDir, { recursive: true });
  const label = serviceLabel(instance);
  const logFile = join(logDir, `${label.replace(/[^\w.-]+/g, '_')}.log`);
  const out = createWriteStream(logFile, { flags: 'a' });
  await once(out, 'open');
  const main = join(REPO_ROOT, 'apps', instance.service, 'dist', 'main.js');
  const child = spawn(process.execPath, ['--enable-source-maps', main], {
    env: { ...process.env, ...instance.env, NO_COLOR: '1' },
    stdio: ['ignore', out, out],
  });
  const exited = once(child, 'exit');
  return {
    instance,
    label,
    healthUrl: `http://127.0.0.1:${instance.httpPort}/health`,
    logFile,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      out.end();
    },
  };
}

export interface HealthState {
  readonly code: number;
  readonly body: unknown;
}

/** Polls the service's /health until it answers 200, the process exits, or the timeout passes. */
export async function waitHealthy(service: RunningService, timeoutMs: number): Promise<HealthState> {
  const deadline = Date.now() + timeoutMs;
  let last: HealthState | undefined;
  while (Date.now() < deadline) {
    if (service.process.exitCode !== null) {
      throw new InfraError(`${service.label} exited with code ${service.process.exitCode} before it was healthy; see ${service.logFile}`);
    }
    try {
      const response = await fetch(service.healthUrl, { signal: AbortSignal.timeout(5000) });
      last = { code: response.status, body: await response.json() };
      if (response.status === 200) return last;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new InfraError(`${service.label} was not healthy within ${timeoutMs / 1000} s; last /health: ${JSON.stringify(last?.body ?? 'no answer')}; see ${service.logFile}`);
}
