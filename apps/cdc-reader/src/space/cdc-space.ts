/** Cassandra's own default for cdc_total_space when the node does not say: 4096 MiB (or an eighth of the volume, if smaller). */
export const DEFAULT_CDC_TOTAL_SPACE_BYTES = 4096 * 1024 * 1024;

const UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/**
 * A DataStorageSpec as `system_views.settings` shows it (`4096MiB`, `1GiB`); undefined for
 * anything else. The old `cdc_total_space_in_mb` setting is a plain number of MiB.
 */
export function parseStorageSize(value: string, plainUnit: keyof typeof UNITS = 'MiB'): number | undefined {
  const match = /^\s*(\d+)\s*(B|KiB|MiB|GiB)?\s*$/.exec(value);
  if (!match?.[1]) return undefined;
  const unit = UNITS[match[2] ?? plainUnit];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

export interface SpaceWarning {
  readonly level: 'warn' | 'log';
  readonly message: string;
}

/**
 * Watches cdc_raw's use of cdc_total_space. When cdc_raw is full Cassandra refuses writes to
 * cdc tables, so crossing `warnAtPercent` is said once, and so is falling back under it.
 */
export class CdcSpaceWatch {
  private over = false;

  constructor(private readonly warnAtPercent: number) {}

  check(usedBytes: number, totalBytes: number): SpaceWarning | undefined {
    const percent = (100 * usedBytes) / totalBytes;
    const figures = `${mib(usedBytes)} of cdc_total_space ${mib(totalBytes)} (${percent.toFixed(0)}%)`;
    if (!this.over && percent >= this.warnAtPercent) {
      this.over = true;
      return {
        level: 'warn',
        message: `cdc_raw holds ${figures}: at 100% Cassandra refuses writes to cdc tables. Is Kafka keeping up, or a corrupt segment kept because it could not be copied aside?`,
      };
    }
    if (this.over && percent < this.warnAtPercent) {
      this.over = false;
      return { level: 'log', message: `cdc_raw is back to ${figures}` };
    }
    return undefined;
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}
