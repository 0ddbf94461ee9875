/**
 * Follows a log file from a given offset (where it ended when the process was started,
 * so a previous run's lines in an appended log are never mistaken for this run's).
 */
import { open, stat } from 'node:fs/promises';

export class LogFollower {
  private offset: number;
  private partial = '';
  private readonly recent: string[] = [];

  private constructor(
    readonly file: string,
    offset: number,
    private readonly keep: number,
  ) {
    this.offset = offset;
  }

  /** Starts at the file's current end (0 if it does not exist yet). */
  static async fromEnd(file: string, keep = 40): Promise<LogFollower> {
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    return new LogFollower(file, size, keep);
  }

  /** Complete lines written since the last call. */
  async poll(): Promise<string[]> {
    const handle = await open(this.file, 'r').catch(() => undefined);
    if (!handle) return [];
    try {
      const { size } = await handle.stat();
      if (size < this.offset) {
        // Rolled over: start again from the top of the new file.
        this.offset = 0;
        this.partial = '';
      }
      if (size === this.offset) return [];
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const text = this.partial + buffer.subarray(0, bytesRead).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        this.recent.push(line);
        if (this.recent.length > this.keep) this.recent.shift();
      }
      return lines;
    } finally {
      await handle.close();
    }
  }

  /** The last lines seen since the start offset (up to `keep`). */
  tail(): string[] {
    return this.partial ? [...this.recent, this.partial] : [...this.recent];
  }
}
