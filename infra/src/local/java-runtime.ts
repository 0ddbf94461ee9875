/**
 * Finds a Java that runs both Cassandra 5.0 (Java 11 or 17) and Kafka 4.x brokers
 * (Java 17 or newer): that is Java 17.
 */
import { execFile } from 'node:child_process';
import { access, readdir, realpath } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { InfraError, type ProgressLog } from '../topology';

export const REQUIRED_JAVA_MAJOR = 17;
const NEEDS = 'Cassandra 5.0 runs on Java 11 or 17, Kafka 4 brokers on 17 or newer';

export interface JavaRuntime {
  /** Absolute path of the `java` executable. */
  readonly java: string;
  /** JAVA_HOME for tools started with it (mvn). */
  readonly home: string;
  /** As printed by `java -version`, e.g. `17.0.15`. */
  readonly version: string;
  readonly major: number;
}

export interface FindJavaOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Directories holding one JDK per sub-directory; default /usr/lib/jvm and macOS's. */
  readonly searchDirs?: readonly string[];
}

const DEFAULT_SEARCH_DIRS = ['/usr/lib/jvm', '/Library/Java/JavaVirtualMachines'];

/**
 * Candidates in order: $JAVA_HOME, `java` on PATH, then every JDK under the search
 * directories (those named *17* first). The first Java 17 wins; when JAVA_HOME is set
 * but is not Java 17, that is logged and the search goes on.
 */
export async function findJava(log: ProgressLog, options: FindJavaOptions = {}): Promise<JavaRuntime> {
  const env = options.env ?? process.env;
  const seen = new Set<string>();
  const rejected: string[] = [];

  const candidates: { origin: string; java: string }[] = [];
  if (env['JAVA_HOME']) candidates.push({ origin: `JAVA_HOME=${env['JAVA_HOME']}`, java: join(env['JAVA_HOME'], 'bin', 'java') });
  const onPath = await findOnPath('java', env['PATH'] ?? '');
  if (onPath) candidates.push({ origin: 'java on PATH', java: onPath });
  for (const dir of options.searchDirs ?? DEFAULT_SEARCH_DIRS) {
    for (const java of await jdksUnder(dir)) candidates.push({ origin: dirname(dirname(java)), java });
  }

  for (const c of candidates) {
    const real = await realpath(c.java).catch(() => undefined);
    if (!real || seen.has(real)) {
      if (!real && c.origin.startsWith('JAVA_HOME=')) rejected.push(`${c.origin} (no bin/java there)`);
      continue;
    }
    seen.add(real);
    const version = await javaVersion(real);
    if (version && version.major === REQUIRED_JAVA_MAJOR) {
      const skipped = rejected.length > 0 ? `; skipped ${rejected.join('; ')} (${NEEDS})` : '';
      log(`Java: using ${real} (${version.text})${skipped}`);
      return { java: real, home: javaHomeOf(real), version: version.text, major: version.major };
    }
    rejected.push(`${c.origin} → ${real} is ${version ? `Java ${version.text}` : 'not a working java'}`);
  }
  throw new InfraError(
    `No Java ${REQUIRED_JAVA_MAJOR} found (${NEEDS}). ` +
      `Found: ${rejected.length > 0 ? rejected.join('; ') : 'no java at all'}. ` +
      `Install a Java ${REQUIRED_JAVA_MAJOR} JDK (Debian: apt-get install openjdk-${REQUIRED_JAVA_MAJOR}-jdk-headless) or point JAVA_HOME at one.`,
  );
}

/** `/x/jdk/bin/java` → `/x/jdk` */
function javaHomeOf(java: string): string {
  return dirname(dirname(java));
}

async function findOnPath(command: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function jdksUnder(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const ranked = [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const found: string[] = [];
  for (const name of ranked) {
    for (const java of [join(dir, name, 'bin', 'java'), join(dir, name, 'Contents', 'Home', 'bin', 'java')]) {
      if (await isExecutable(java)) found.push(java);
    }
  }
  return found;
}

function rank(name: string): number {
  return name.includes(String(REQUIRED_JAVA_MAJOR)) ? 0 : 1;
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** Parses `java -version` (printed on stderr): `openjdk version "17.0.15" ...` or `java version "1.8.0_292"`. */
export async function javaVersion(java: string): Promise<{ text: string; major: number } | undefined> {
  const output = await new Promise<string | undefined>((resolve) => {
    execFile(java, ['-version'], { timeout: 15_000 }, (error, stdout, stderr) => { resolve(error ? undefined : `${stderr}${stdout}`); });
  });
  return output === undefined ? undefined : parseJavaVersion(output);
}

export function parseJavaVersion(output: string): { text: string; major: number } | undefined {
  const text = /version "([^"]+)"/.exec(output)?.[1];
  if (!text) return undefined;
  const [first, second] = text.split(/[.+_-]/);
  const major = Number(first === '1' ? second : first);
  return Number.isInteger(major) ? { text, major } : undefined;
}
