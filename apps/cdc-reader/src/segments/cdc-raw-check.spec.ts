import { chmodSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cdcRawCheck } from './cdc-raw-check';

/** Every directory these tests make is under this one, removed after them. */
const scratch = mkdtempSync(join(tmpdir(), 'meridian-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('cdcRawCheck', () => {
  it('counts the segments waiting in cdc_raw and their bytes', async () => {
    const dir = mkdtempSync(join(scratch, 'cdc-raw-'));
    writeFileSync(join(dir, 'CommitLog-7-1.log'), Buffer.alloc(1024));
    writeFileSync(join(dir, 'CommitLog-7-1_cdc.idx'), '512\n');
    writeFileSync(join(dir, 'CommitLog-7-2.log'), Buffer.alloc(10));
    await expect(cdcRawCheck(dir).check()).resolves.toEqual({ directory: dir, segments: 2, bytes: 1034 });
  });

  it('is down when the directory cannot be read and written', async () => {
    const dir = mkdtempSync(join(scratch, 'cdc-raw-'));
    await expect(cdcRawCheck(join(dir, 'gone')).check()).rejects.toThrow(`${join(dir, 'gone')} is not readable and writable by this process`);
    chmodSync(dir, 0o500);
    // root may write anyway; the check must then agree with what the process can really do
    const check = cdcRawCheck(dir).check();
    if (process.getuid?.() === 0) await expect(check).resolves.toMatchObject({ segments: 0 });
    else await expect(check).rejects.toThrow('is not readable and writable');
  });
});
