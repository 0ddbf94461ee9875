/**
 * Detached JVM processes: started in their own process group, with output to a file,
 * so that the CLI that started them can exit; found again later by pid plus start time
 * (a recycled pid is never signalled).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { ProgressLog } from '../topology';

/** What the state file keeps of each process. */
export interface ProcessRecord {
  /** Component name: `dc1-n1`, `kafka-dc1`. */
  readonly name: string;
  readonly pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22); absent where /proc is not. */
  readonly startTicks?: string;
  /** A `-D` argument that only this process has on its command line. */
  readonly marker: string;
  /** How to start it again (`start` after `stop`), with the argument file it was started with. */
  readonly launch: JvmCommand;
}

/** A JVM's command, its JVM arguments already in `argFile`. */
export interface JvmCommand {
  readonly name: string;
  readonly java: string;
  /** Passed as `@argFile`: keeps the command line (ps, /proc) short. */
  readonly argFile: string;
  readonly mainClass: string;
  readonly mainArgs: readonly string[];
  readonly cwd: string;
  /** The JVM's own stdout and stderr, appended. */
  readonly consoleFile: string;
  /** Identifies this process on its command line, e.g. `-Dmeridian.process=dc1-n1@/tmp/w`. */
  readonly marker: string;
}

export interface JvmLaunch extends JvmCommand {
  /** Written to `argFile`. */
  readonly jvmArgs: readonly string[];
}

export interface StartedJvm {
  readonly record: ProcessRecord;
  /** Set once the process has exited. */
  readonly exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

export async function startJvm(launch: JvmLaunch): Promise<StartedJvm> {
  const { jvmArgs, ...command } = launch;
  await writeArgFile(command.argFile, jvmArgs);
  return spawnJvm(command);
}

/** Starts a JVM whose argument file is written already (e.g. again, after it was stopped). */
export async function spawnJvm(launch: JvmCommand): Promise<StartedJvm> {
  const out = openSync(launch.consoleFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(launch.java, [launch.marker, `@${launch.argFile}`, launch.mainClass, ...launch.mainArgs], {
      cwd: launch.cwd,
      detached: true,
      stdio: ['ignore', out, out],
    });
  } finally {
    closeSync(out);
  }
  const pid = child.pid;
  if (pid === undefined) {
    // spawn reports ENOENT and the like asynchronously.
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw error;
  }
  const started: { record: ProcessRecord; exit: StartedJvm['exit'] } = { record: { name: launch.name, pid, marker: launch.marker, launch }, exit: undefined };
  child.once('exit', (code, signal) => {
    started.exit = { code, signal };
  });
  child.unref();
  const startTicks = await processStartTicks(pid);
  if (startTicks !== undefined) started.record = { ...started.record, startTicks };
  return started;
}

/** Runs a short-lived JVM to completion (e.g. Kafka's storage format), its output to `consoleFile`. */
export async function runJvm(java: string, args: readonly string[], cwd: string, consoleFile: string): Promise<number | null> {
  const out = openSync(consoleFile, 'a');
  try {
    const child = spawn(java, args, { cwd, stdio: ['ignore', out, out] });
    return await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => { resolve(code); });
    });
  } finally {
    closeSync(out);
  }
}

/** Writes a java @argfile: one argument per line. */
export async function writeArgFile(file: string, args: readonly string[]): Promise<void> {
  await writeFile(file, args.map(argFileToken).join('\n') + '\n');
}

/** A token of a java @argfile: always quoted, backslashes and quotes escaped. */
function argFileToken(arg: string): string {
  if (/[\r\n]/.test(arg)) throw new RangeError(`a JVM argument cannot contain a line break: ${JSON.stringify(arg)}`);
  return `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** /proc/<pid>/stat field 22, or undefined when there is no such process (or no /proc). */
async function processStartTicks(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // Field 2 (comm) is parenthesised and may hold spaces: split after its closing paren.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); a zombie has exited already.
  if (rest[0] === 'Z') return undefined;
  return rest[19];
}

async function hasProc(): Promise<boolean> {
  return readFile('/proc/self/stat', 'utf8').then(
    () => true,
    () => false,
  );
}

/** True when the recorded process still runs and is the one that was recorded. */
export async function isRecordedProcessAlive(record: ProcessRecord): Promise<boolean> {
  if (!signalable(record.pid)) return false;
  if (await hasProc()) {
    const ticks = await processStartTicks(record.pid);
    if (ticks === undefined) return false;
    if (record.startTicks !== undefined) return ticks === record.startTicks;
  }
  const command = await new Promise<string>((resolve) => {
    execFile('ps', ['-p', String(record.pid), '-o', 'command='], (error, stdout) => { resolve(error ? '' : stdout); });
  });
  return command.includes(record.marker);
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Group already gone.
  }
}

/**
 * SIGTERM to each recorded process group that is still ours, then up to `graceMs` for
 * them to exit (Cassandra drains, Kafka shuts down in a controlled way), then SIGKILL.
 */
export async function stopProcesses(records: readonly ProcessRecord[], log: ProgressLog, graceMs = 20_000): Promise<void> {
  const alive: ProcessRecord[] = [];
  for (const r of records) {
    if (await isRecordedProcessAlive(r)) alive.push(r);
  }
  if (alive.length === 0) return;
  log(`stopping ${alive.map((r) => `${r.name} (pid ${r.pid})`).join(', ')}`);
  const started = Date.now();
  for (const r of alive) signalGroup(r.pid, 'SIGTERM');
  const deadline = started + graceMs;
  const stopped: string[] = [];
  let remaining = alive;
  while (remaining.length > 0 && Date.now() < deadline) {
    await sleep(200);
    const still = await filterAlive(remaining);
    for (const r of remaining) if (!still.includes(r)) stopped.push(`${r.name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    remaining = still;
  }
  if (stopped.length > 0) log(`stopped ${stopped.join(', ')}`);
  if (remaining.length === 0) return;
  log(`killing ${remaining.map((r) => r.name).join(', ')}: still running ${graceMs / 1000} s after SIGTERM`);
  for (const r of remaining) signalGroup(r.pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (remaining.length > 0 && Date.now() < killDeadline) {
    await sleep(100);
    remaining = await filterAlive(remaining);
  }
}

async function filterAlive(records: readonly ProcessRecord[]): Promise<ProcessRecord[]> {
  const alive = await Promise.all(records.map((r) => isRecordedProcessAlive(r)));
  return records.filter((_, i) => alive[i]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
