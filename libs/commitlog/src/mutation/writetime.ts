import type { Deletion, PartitionUpdate, Row } from './partition-update';

/**
 * The Cassandra writetime of a partition update, in microseconds: the newest timestamp it
 * carries (row liveness, cells, deletions). One mutation's timestamps are usually all the
 * same; a batch or a client-supplied `USING TIMESTAMP` can make them differ.
 */
export function writetimeMicros(update: PartitionUpdate): bigint | undefined {
  let newest: bigint | undefined;
  const see = (timestamp: string | undefined): void => {
    if (timestamp === undefined) return;
    const value = BigInt(timestamp);
    if (newest === undefined || value > newest) newest = value;
  };
  const seeDeletion = (deletion: Deletion | null): void => see(deletion?.markedForDeleteAt);
  const seeRow = (row: Row | null): void => {
    if (!row) return;
    see(row.liveness?.timestamp);
    seeDeletion(row.deletion);
    for (const cell of Object.values(row.cells)) {
      if ('cells' in cell) {
        seeDeletion(cell.deletion);
        for (const element of cell.cells) see(element.timestamp);
      } else {
        see(cell.timestamp);
      }
    }
  };
  seeDeletion(update.partitionDeletion);
  seeRow(update.staticRow);
  for (const row of update.rows) seeRow(row);
  for (const tombstone of update.rangeTombstones) seeDeletion(tombstone.deletion);
  return newest;
}
