import type { CassandraOptions } from '@meridian/infra';

export interface Variant {
  readonly name: string;
  readonly description: string;
  readonly dc1Nodes: 1 | 2;
  readonly cassandra: CassandraOptions & Required<Pick<CassandraOptions, 'storageCompatibilityMode'>>;
  /** What every segment's header must say. */
  readonly descriptorVersion: 7 | 8;
  /** The compressor class the header must name (short name), or null when uncompressed. */
  readonly compressor: string | null;
}

export const VARIANTS: readonly Variant[] = [
  {
    name: 'v7',
    description: 'storage_compatibility_mode CASSANDRA_4 (the 5.0 default): descriptor version 7, messaging 12; uncompressed segments; dc1-n1 and dc2-n1.',
    dc1Nodes: 1,
    cassandra: { storageCompatibilityMode: 'CASSANDRA_4' },
    descriptorVersion: 7,
    compressor: null,
  },
  {
    name: 'v8',
    description: 'storage_compatibility_mode NONE: descriptor version 8, messaging 13 (deletion times as unsigned 32-bit); uncompressed segments; dc1-n1 and dc2-n1.',
    dc1Nodes: 1,
    cassandra: { storageCompatibilityMode: 'NONE' },
    descriptorVersion: 8,
    compressor: null,
  },
  {
    name: 'v7-lz4',
    description: 'storage_compatibility_mode CASSANDRA_4, commitlog_compression LZ4Compressor: one LZ4 block per sync section, idx offsets in the uncompressed stream; dc1-n1 and dc2-n1.',
    dc1Nodes: 1,
    cassandra: { storageCompatibilityMode: 'CASSANDRA_4', commitlogCompression: 'LZ4' },
    descriptorVersion: 7,
    compressor: 'LZ4Compressor',
  },
  {
    name: 'v8-deflate',
    description: 'storage_compatibility_mode NONE, commitlog_compression DeflateCompressor (zlib streams); dc1-n1 and dc2-n1.',
    dc1Nodes: 1,
    cassandra: { storageCompatibilityMode: 'NONE', commitlogCompression: 'Deflate' },
    descriptorVersion: 8,
    compressor: 'DeflateCompressor',
  },
  {
    name: 'v8-snappy',
    description: 'storage_compatibility_mode NONE, commitlog_compression SnappyCompressor (raw Snappy blocks); dc1-n1 and dc2-n1.',
    dc1Nodes: 1,
    cassandra: { storageCompatibilityMode: 'NONE', commitlogCompression: 'Snappy' },
    descriptorVersion: 8,
    compressor: 'SnappyCompressor',
  },
  {
    name: 'v8-zstd',
    description: 'storage_compatibility_mode NONE, commitlog_compression ZstdCompressor (zstd frames); dc1-n1 and dc2-n1.',
    dc1Nodes: 1,
    cassandra: { storageCompatibilityMode: 'NONE', commitlogCompression: 'Zstd' },
    descriptorVersion: 8,
    compressor: 'ZstdCompressor',
  },
  {
    name: 'multi-node',
    description: 'storage_compatibility_mode CASSANDRA_4, uncompressed; dc1 has two nodes and the keyspace RF dc1:2, dc2:1, so three replicas log each mutation (dc1-n1, dc1-n2, dc2-n1).',
    dc1Nodes: 2,
    cassandra: { storageCompatibilityMode: 'CASSANDRA_4' },
    descriptorVersion: 7,
    compressor: null,
  },
];

/** Messaging version of each descriptor version (CommitLogDescriptor.getMessagingVersion). */
export const MESSAGING_VERSION: Readonly<Record<7 | 8, number>> = { 7: 12, 8: 13 };
