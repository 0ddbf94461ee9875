import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogFollower } from './log-follower';

describe('LogFollower', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'log-follower-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("ignores what was there before, and returns only complete lines", async () => {
    const file = join(dir, 'system.log');
    await writeFile(file, 'Startup complete\n');
    const follower = await LogFollower.fromEnd(file);
    await appendFile(file, 'one\ntw');
    expect(await follower.poll()).toEqual(['one']);
    await appendFile(file, 'o\n');
    expect(await follower.poll()).toEqual(['two']);
    expect(follower.tail()).toEqual(['one', 'two']);
  });

  it('waits for a file that does not exist yet, and starts over when it is rolled', async () => {
    const file = join(dir, 'later.log');
    const follower = await LogFollower.fromEnd(file);
    expect(await follower.poll()).toEqual([]);
    await writeFile(file, 'a long first line\n');
    expect(await follower.poll()).toEqual(['a long first line']);
    await writeFile(file, 'new\n');
    expect(await follower.poll()).toEqual(['new']);
  });
});
