import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { DependencyCheck } from '@meridian/service';
import { cdcRawUsage } from './cdc-files';

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
      return { directory, ...(await cdcRawUsage(directory)) };
    },
  };
}
