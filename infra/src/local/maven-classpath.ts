/**
 * A JVM classpath resolved by Maven from one of infra/maven/<name>/pom.xml, cached
 * by the pom's content so that only the first start pays for Maven.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { homedir } from 'node:os';
import { InfraError, type ProgressLog } from '../topology';

/** Maven colours some lines even with -Dstyle.color=never. */
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Pinned so every machine resolves the same way, whatever Maven's default binding is. */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

export interface ClasspathRequest {
  /** For messages: `Cassandra`, `Kafka`. */
  readonly label: string;
  readonly pom: string;
  /** Matches the main artifact's jar name; group 1 is its version, e.g. /^cassandra-all-(.+)\.jar$/. */
  readonly mainJar: RegExp;
}

export interface ResolvedClasspath {
  readonly entries: readonly string[];
  /** Version of the main artifact, read from its jar's name. */
  readonly version: string;
}

export interface ClasspathContext {
  readonly javaHome: string;
  readonly cacheDir: string;
  readonly log: ProgressLog;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'meridian');
}

export async function resolveClasspath(request: ClasspathRequest, ctx: ClasspathContext): Promise<ResolvedClasspath> {
  const pomText = await readFile(request.pom, 'utf8').catch((error: unknown) => {
    throw new InfraError(`Cannot read ${request.pom}: ${(error as Error).message}`, undefined, { cause: error });
  });
  const key = createHash('sha256').update(DEPENDENCY_PLUGIN).update('\0').update(pomText).digest('hex').slice(0, 16);
  const cacheFile = join(ctx.cacheDir, 'classpath', `${request.label.toLowerCase()}-${key}.txt`);

  const cached = await readFile(cacheFile, 'utf8').catch(() => undefined);
  if (cached !== undefined) {
    const entries = splitClasspath(cached);
    // Someone may have cleaned ~/.m2 since: then resolve again.
    if (entries.length > 0 && (await allExist(entries))) return withVersion(request, entries);
  }

  ctx.log(`${request.label}: resolving the classpath of ${request.pom} with Maven (the first time downloads the jars)`);
  const started = Date.now();
  await mkdir(join(ctx.cacheDir, 'classpath'), { recursive: true });
  const outputFile = `${cacheFile}.${process.pid}.tmp`;
  try {
    await runMaven(request, outputFile, ctx.javaHome);
    const entries = splitClasspath(await readFile(outputFile, 'utf8'));
    const resolved = withVersion(request, entries);
    await rename(outputFile, cacheFile);
    ctx.log(`${request.label}: ${entries.length} jars resolved in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return resolved;
  } finally {
    await rm(outputFile, { force: true });
  }
}

function splitClasspath(text: string): string[] {
  return text
    .trim()
    .split(delimiter)
    .filter((e) => e.length > 0);
}

async function allExist(paths: readonly string[]): Promise<boolean> {
  const checks = await Promise.all(
    paths.map((p) =>
      access(p).then(
        () => true,
        () => false,
      ),
    ),
  );
  return checks.every(Boolean);
}

function withVersion(request: ClasspathRequest, entries: string[]): ResolvedClasspath {
  for (const entry of entries) {
    const version = request.mainJar.exec(basename(entry))?.[1];
    if (version) return { entries, version };
  }
  throw new InfraError(`${request.label}: the classpath resolved from ${request.pom} has no jar matching ${request.mainJar}`);
}

async function runMaven(request: ClasspathRequest, outputFile: string, javaHome: string): Promise<void> {
  const args = ['-B', '-q', '-Dstyle.color=never', '-f', request.pom, `${DEPENDENCY_PLUGIN}:build-classpath`, `-Dmdep.outputFile=${outputFile}`];
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('mvn', args, { env: { ...process.env, JAVA_HOME: javaHome }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new InfraError(
            `Maven (mvn) is not on PATH; the local driver needs it to fetch ${request.label} from Maven Central. Install Maven 3.6.3+ (Debian: apt-get install maven).`,
            undefined,
            { cause: error },
          ),
        );
      } else reject(new InfraError(`Cannot run mvn: ${error.message}`, undefined, { cause: error }));
    });
    child.on('close', resolve);
  });
  if (code === 0) return;
  const lines = output.join('').replace(ANSI_ESCAPE, '').split('\n').filter((l) => l.trim().length > 0);
  const firstError = lines.find((l) => l.startsWith('[ERROR]'))?.replace(/^\[ERROR\]\s*/, '') ?? `mvn exited with code ${code}`;
  throw new InfraError(
    `Maven could not resolve the ${request.label} classpath from ${request.pom}: ${firstError.replace(/\s*->\s*\[Help 1\]$/, '')}`,
    lines.slice(-40).join('\n'),
  );
}
