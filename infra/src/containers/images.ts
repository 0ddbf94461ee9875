/**
 * Locally built container images for machines that reach no container registry:
 *
 *   localhost/meridian-jre:17                 Debian bookworm + OpenJDK 17 (mmdebstrap + podman import)
 *   localhost/meridian-kafka:<kafka.version>  Kafka jars of infra/maven/kafka/pom.xml, apache/kafka's env contract
 *   localhost/meridian-cassandra:<cassandra.version>  jars of infra/maven/cassandra/pom.xml, cassandra:5.0's env contract
 *
 * Recipes live in infra/images/{base,kafka,cassandra}. Each image carries a label with a
 * hash of its recipe (files, pom, base image recipe), so an image is rebuilt when its
 * recipe changes and left alone otherwise: a second `ensureLocalImages` only lists
 * podman's images. The base image's root filesystem tarball is kept in the cache
 * directory (~/.cache/meridian/images) to re-import it without mmdebstrap.
 *
 * Needs root (the images go to root's podman storage, which the API socket of
 * scripts/setup-containers.sh serves), podman and mmdebstrap (that script installs
 * them), and Maven. Only Node built-ins and child processes are used.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { InfraError, type ProgressLog } from '../topology';
import { CASSANDRA_VERSION, KAFKA_VERSION } from '../versions';

export interface LocalImages {
  /** `localhost/meridian-jre:17` */
  readonly base: string;
  /** `localhost/meridian-kafka:<kafka.version>` */
  readonly kafka: string;
  /** `localhost/meridian-cassandra:<cassandra.version>` */
  readonly cassandra: string;
  readonly kafkaVersion: string;
  readonly cassandraVersion: string;
}

export interface EnsureImagesOptions {
  /** Repository root (holds infra/images and infra/maven); default: found upward from this module's directory. */
  readonly repoRoot?: string;
  /** Where the base tarball and build contexts go; default `$XDG_CACHE_HOME/meridian/images` or `~/.cache/meridian/images`. */
  readonly cacheDir?: string;
  /** Rebuild every image even when an up-to-date one exists. */
  readonly rebuild?: boolean;
}

/** Label holding the hash of the recipe an image was built from. */
export const RECIPE_LABEL = 'dev.meridian.recipe';

const BASE_REF = 'localhost/meridian-jre:17';
const KAFKA_REPO = 'localhost/meridian-kafka';
const CASSANDRA_REPO = 'localhost/meridian-cassandra';
const DEBIAN_SUITE = 'bookworm';
const SETUP_HINT = 'run scripts/setup-containers.sh (as root) first';
const LOCK_WAIT_MS = 30 * 60_000;

/** Image references and versions, read from the poms; touches neither podman nor the network. */
export function localImageRefs(): LocalImages {
  const kafkaVersion = KAFKA_VERSION;
  const cassandraVersion = CASSANDRA_VERSION;
  return {
    base: BASE_REF,
    kafka: `${KAFKA_REPO}:${kafkaVersion}`,
    cassandra: `${CASSANDRA_REPO}:${cassandraVersion}`,
    kafkaVersion,
    cassandraVersion,
  };
}

/**
 * Builds whichever of the three images is missing or out of date, in order (base first),
 * and returns their references. Throws InfraError saying what to do when a tool is
 * missing or a build step fails (with the tail of its output as `detail`).
 */
export async function ensureLocalImages(log: ProgressLog, options: EnsureImagesOptions = {}): Promise<LocalImages> {
  const started = Date.now();
  const repoRoot = options.repoRoot ?? findRepoRoot();
  const refs = localImageRefs();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const recipes = recipeHashes(repoRoot);

  requireRoot();
  let present = await listImages();
  if (!options.rebuild && isCurrent(present, refs.base, recipes.base) && isCurrent(present, refs.kafka, recipes.kafka)
    && isCurrent(present, refs.cassandra, recipes.cassandra)) {
    log(`images: ${refs.base}, ${refs.kafka}, ${refs.cassandra} up to date (${Date.now() - started} ms)`);
    return refs;
  }

  fs.mkdirSync(cacheDir, { recursive: true });
  const release = await acquireLock(path.join(cacheDir, 'build.lock'), log);
  try {
    // Another process may have built them while this one waited for the lock.
    present = await listImages();
    if (options.rebuild || !isCurrent(present, refs.base, recipes.base)) {
      await buildBase(log, repoRoot, cacheDir, refs.base, recipes.base);
    } else {
      log(`images: ${refs.base} up to date`);
    }
    const children = [
      { ref: refs.kafka, recipe: recipes.kafka, dir: 'kafka', pom: 'infra/maven/kafka/pom.xml', versionArg: `KAFKA_VERSION=${refs.kafkaVersion}` },
      { ref: refs.cassandra, recipe: recipes.cassandra, dir: 'cassandra', pom: 'infra/maven/cassandra/pom.xml', versionArg: `CASSANDRA_VERSION=${refs.cassandraVersion}` },
    ] as const;
    for (const child of children) {
      if (options.rebuild || !isCurrent(present, child.ref, child.recipe)) {
        await buildFromContainerfile(log, repoRoot, cacheDir, { ...child, baseRef: refs.base });
      } else {
        log(`images: ${child.ref} up to date`);
      }
    }
  } finally {
    release();
  }
  log(`images: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return refs;
}

// ---------------------------------------------------------------------------------------
// Building

async function buildBase(
  log: ProgressLog, repoRoot: string, cacheDir: string, ref: string, recipe: string,
): Promise<void> {
  const started = Date.now();
  const tarball = path.join(cacheDir, `meridian-jre-17-${recipe.slice(0, 12)}.tar`);
  if (fs.existsSync(tarball)) {
    log(`images: ${ref}: reusing root filesystem ${tarball}`);
  } else {
    const packages = basePackages(repoRoot);
    log(`images: ${ref}: mmdebstrap ${DEBIAN_SUITE} with ${packages.join(',')} (about 30-60 s)`);
    const partial = `${tarball}.partial`;
    fs.rmSync(partial, { force: true });
    const result = await run('mmdebstrap', [
      '--variant=apt',
      `--include=${packages.join(',')}`,
      '--aptopt=APT::Install-Recommends "false"',
      // no manuals, docs (except copyrights) or translations; openjdk's postinst still
      // wants the man1 directory for its alternatives' slave links
      '--dpkgopt=path-exclude=/usr/share/man/*',
      '--dpkgopt=path-exclude=/usr/share/doc/*',
      '--dpkgopt=path-include=/usr/share/doc/*/copyright',
      '--dpkgopt=path-exclude=/usr/share/locale/*',
      '--essential-hook=mkdir -p "$1/usr/share/man/man1"',
      '--format=tar',
      DEBIAN_SUITE,
      partial,
    ], { progress: (line) => (line.startsWith('I: ') && !line.includes('tempdir') ? log(`  ${line.slice(3)}`) : undefined) });
    if (result.code !== 0) {
      fs.rmSync(partial, { force: true });
      throw new InfraError(
        `mmdebstrap failed (exit ${result.code}) building the root filesystem of ${ref}; its output ends with the lines in detail. `
          + 'Check that the Debian mirror is reachable (apt-get update) and that this runs as root.',
        result.tail,
      );
    }
    fs.renameSync(partial, tarball);
    for (const old of fs.readdirSync(cacheDir)) {
      if (old.startsWith('meridian-jre-17-') && old.endsWith('.tar') && path.join(cacheDir, old) !== tarball) {
        fs.rmSync(path.join(cacheDir, old), { force: true });
      }
    }
  }
  log(`images: ${ref}: podman import`);
  const javaHome = `/usr/lib/jvm/java-17-openjdk-${debianArch()}`;
  const imported = await run('podman', [
    'import',
    '--change', `LABEL ${RECIPE_LABEL}=${recipe}`,
    '--change', 'LABEL org.opencontainers.image.title=meridian-jre',
    '--change', `ENV JAVA_HOME=${javaHome}`,
    '--change', 'ENV LANG=C.UTF-8',
    '--change', 'CMD ["/bin/bash"]',
    tarball,
    ref,
  ]);
  if (imported.code !== 0) {
    throw new InfraError(`podman import of ${tarball} as ${ref} failed (exit ${imported.code})`, imported.tail);
  }
  await pruneReplaced();
  log(`images: built ${ref} in ${seconds(started)} s (${await imageSize(ref)})`);
}

interface ChildImage {
  readonly ref: string;
  readonly recipe: string;
  readonly dir: string;
  readonly pom: string;
  readonly versionArg: string;
  readonly baseRef: string;
}

async function buildFromContainerfile(
  log: ProgressLog, repoRoot: string, cacheDir: string, image: ChildImage,
): Promise<void> {
  const started = Date.now();
  const context = fs.mkdtempSync(path.join(cacheDir, `context-${image.dir}-`));
  try {
    fs.cpSync(path.join(repoRoot, 'infra/images', image.dir), context, { recursive: true });
    log(`images: ${image.ref}: resolving jars of ${image.pom} with Maven`);
    const mvn = await run('mvn', [
      '-B', '-q', '-f', path.join(repoRoot, image.pom),
      'dependency:copy-dependencies', `-DoutputDirectory=${path.join(context, 'lib')}`, '-DincludeScope=runtime',
    ]);
    if (mvn.code !== 0) {
      throw new InfraError(
        `mvn failed (exit ${mvn.code}) resolving the jars of ${image.pom} for ${image.ref}; is Maven Central reachable?`,
        mavenErrors(mvn.lines) || mvn.tail,
      );
    }
    const jars = fs.readdirSync(path.join(context, 'lib')).filter((f) => f.endsWith('.jar')).length;
    log(`images: ${image.ref}: ${jars} jars; podman build`);
    const built = await run('podman', [
      'build',
      '--layers=false',
      '--pull=never',
      '--file', path.join(context, 'Containerfile'),
      '--build-arg', `BASE_IMAGE=${image.baseRef}`,
      '--build-arg', image.versionArg,
      '--label', `${RECIPE_LABEL}=${image.recipe}`,
      '--tag', image.ref,
      context,
    ], { progress: (line) => (/^STEP \d+\/\d+/.test(line) ? log(`  ${line}`) : undefined) });
    if (built.code !== 0) {
      throw new InfraError(`podman build of ${image.ref} failed (exit ${built.code})`, built.tail);
    }
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
  await pruneReplaced();
  log(`images: built ${image.ref} in ${seconds(started)} s (${await imageSize(image.ref)})`);
}

/**
 * Deletes images this module built that no tag names any more (replaced by a rebuild),
 * unless a container still uses them (podman refuses; tried again on the next build).
 */
async function pruneReplaced(): Promise<void> {
  for (const image of await listImages()) {
    if (image.Labels?.[RECIPE_LABEL] !== undefined && (image.Names ?? []).length === 0) {
      await run('podman', ['rmi', image.Id]);
    }
  }
}

async function imageSize(ref: string): Promise<string> {
  const result = await run('podman', ['image', 'inspect', '--format', '{{.Size}}', ref]);
  const bytes = Number(result.output.trim());
  return Number.isFinite(bytes) && bytes > 0 ? `${(bytes / 1e6).toFixed(0)} MB` : 'size unknown';
}

// ---------------------------------------------------------------------------------------
// What is there

interface PodmanImage {
  readonly Id: string;
  readonly Names?: readonly string[] | null;
  readonly Labels?: Readonly<Record<string, string>> | null;
}

async function listImages(): Promise<PodmanImage[]> {
  const result = await run('podman', ['images', '--format', 'json']);
  if (result.code !== 0) {
    throw new InfraError(`podman cannot list images (exit ${result.code}): ${SETUP_HINT}`, result.tail);
  }
  try {
    const parsed: unknown = JSON.parse(result.output || '[]');
    return Array.isArray(parsed) ? (parsed as PodmanImage[]) : [];
  } catch (cause) {
    throw new InfraError('podman images --format json printed something that is not JSON', result.tail, { cause });
  }
}

function isCurrent(images: readonly PodmanImage[], ref: string, recipe: string): boolean {
  return images.some((image) => image.Names?.includes(ref) && image.Labels?.[RECIPE_LABEL] === recipe);
}

// ---------------------------------------------------------------------------------------
// Recipes

interface RecipeHashes {
  readonly base: string;
  readonly kafka: string;
  readonly cassandra: string;
}

/** Hashes of what each image is built from; a child's includes its base's. */
function recipeHashes(repoRoot: string): RecipeHashes {
  const images = path.join(repoRoot, 'infra/images');
  const base = sha256([
    'mmdebstrap v1', DEBIAN_SUITE, ...basePackages(repoRoot),
  ].join('\n'));
  const child = (dir: string, pom: string): string => {
    const hash = createHash('sha256');
    hash.update(`base ${base}\n`);
    hash.update(fs.readFileSync(path.join(repoRoot, pom)));
    for (const file of listFiles(path.join(images, dir))) {
      const full = path.join(images, dir, file);
      const executable = (fs.statSync(full).mode & 0o111) !== 0;
      hash.update(`\n${file} ${executable ? 'x' : '-'}\n`);
      hash.update(fs.readFileSync(full));
    }
    return hash.digest('hex');
  };
  return {
    base,
    kafka: child('kafka', 'infra/maven/kafka/pom.xml'),
    cassandra: child('cassandra', 'infra/maven/cassandra/pom.xml'),
  };
}

function basePackages(repoRoot: string): string[] {
  const file = path.join(repoRoot, 'infra/images/base/packages');
  return fs.readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Relative paths of the files under `dir`, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(path.join(dir, entry.name), rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

function findRepoRoot(from: string = typeof __dirname === 'string' ? __dirname : process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'infra/images/kafka/Containerfile'))) return dir;
    if (path.dirname(dir) === dir) {
      throw new InfraError(`no infra/images/kafka/Containerfile above ${from}: pass repoRoot to ensureLocalImages`);
    }
  }
}

function defaultCacheDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return path.join(xdg && xdg !== '' ? xdg : path.join(os.homedir(), '.cache'), 'meridian', 'images');
}

function debianArch(): string {
  switch (process.arch) {
    case 'x64': return 'amd64';
    case 'arm64': return 'arm64';
    case 'ppc64': return 'ppc64el';
    case 's390x': return 's390x';
    default: return process.arch;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}

// ---------------------------------------------------------------------------------------
// Processes, root, lock

function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new InfraError(
      'the local images live in root\'s podman storage, which the API socket of scripts/setup-containers.sh serves: '
        + 'run this as root (or with sudo)',
    );
  }
}

interface RunResult {
  readonly code: number;
  readonly output: string;
  /** The last 400 lines of stdout and stderr together, without colour codes. */
  readonly lines: readonly string[];
  /** The last 60 of them, joined. */
  readonly tail: string;
}

/** Maven's own error lines, without its generic advice. */
function mavenErrors(lines: readonly string[]): string {
  return lines
    .filter((line) => line.startsWith('[ERROR]') && line.trim() !== '[ERROR]'
      && !/^\[ERROR\] \[Help \d|Re-run Maven|For more information|-e switch|-X switch/.test(line))
    .slice(0, 12)
    .join('\n');
}

const INSTALL_HINTS: Readonly<Record<string, string>> = {
  podman: `podman is not installed: ${SETUP_HINT}`,
  mmdebstrap: `mmdebstrap is not installed: ${SETUP_HINT}`,
  mvn: 'mvn (Maven) is not installed or not on PATH: install Maven (apt-get install maven)',
};

// eslint-disable-next-line no-control-regex -- colour codes are what it removes
const ANSI_ESCAPE = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Runs a command without a shell; stdin is /dev/null. `progress` sees each output line. */
function run(cmd: string, args: readonly string[], opts: { progress?: (line: string) => void } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const lines: string[] = [];
    const partial = { stdout: '', stderr: '' };
    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (stream === 'stdout' && output.length < 4_000_000) output += text;
      const chunkLines = (partial[stream] + text).split('\n');
      partial[stream] = chunkLines.pop() ?? '';
      for (const raw of chunkLines) {
        const line = raw.replace(ANSI_ESCAPE, '');
        lines.push(line);
        if (lines.length > 400) lines.shift();
        opts.progress?.(line);
      }
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(new InfraError(INSTALL_HINTS[cmd] ?? `${cmd} is not installed or not on PATH`, undefined, { cause: err }));
      } else {
        reject(new InfraError(`cannot run ${cmd}: ${err.message}`, undefined, { cause: err }));
      }
    });
    child.on('close', (code, signal) => {
      for (const rest of [partial.stdout, partial.stderr]) if (rest) lines.push(rest.replace(ANSI_ESCAPE, ''));
      resolve({ code: code ?? (signal ? 128 : 1), output, lines, tail: lines.slice(-60).join('\n') });
    });
  });
}

/** A lock file holding the owner's pid; a lock whose process is gone is taken over. */
async function acquireLock(file: string, log: ProgressLog): Promise<() => void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(readOr(file, ''));
    if (!Number.isInteger(owner) || owner <= 0 || !alive(owner)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new InfraError(`another image build (pid ${owner}) has held ${file} for ${LOCK_WAIT_MS / 60_000} minutes`);
    }
    if (!told) {
      log(`images: waiting for another image build (pid ${owner})`);
      told = true;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
