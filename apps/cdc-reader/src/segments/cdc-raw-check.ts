import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DependencyCheck } from '@meridian/service';

/**
 * The reader needs to list, read and delete segments in the node's cdc_raw;
 * /health reports whether it can and how much is waiting there.
 */
export function cdcRawCheck(directory: string): DependencyCheck {
  return {
    name: 'cdc_raw',
    async check() {
      try {
        await access(directory, constants.R_OK | constants.W_OK | constants.X_OK);
      } catch {
        throw new Error(`${directory} is not readable and writable by this process`);
      }
      const names = await readdir(directory);
      const segments = names.filter((name) => name.endsWith('.log'));
      let bytes = 0;
      for (const name of segments) bytes += (await stat(join(directory, name))).size;
      return { directory, segments: segments.length, bytes };
    },
  };
}
