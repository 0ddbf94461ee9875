import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CassandraConnection } from '@meridian/cassandra';
import { KafkaConnection, type PartitionBatch, type StageOutput, TransactionalStage } from '@meridian/kafka';
import { Metrics, RetryLoop, SERVICE_CONFIG } from '@meridian/service';
import type { DeduperConfig } from '../config';
import { FullImageTables } from '../images/full-image-tables';
import { GuardedImageReader } from '../images/image-reader';
import { withRowImages } from '../images/row-images';
import { dedupBatch } from './dedup-batch';
import { type ChangelogEntry, DedupWindow } from './dedup-window';
import { errorMessage } from '@meridian/contracts';

/**
 * After a row read found Cassandra unable to answer, how long reads are not tried: long
 * enough that an outage costs one timeout per few seconds rather than per batch, short
 * enough that images come back soon after Cassandra does.
 */
const IMAGE_READ_PAUSE_MS = 5000;
const READ_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const TRANSACTION_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** V8's cost of one remembered digest (a 64-character string and a Map entry), as bench/pipeline measures it: about 110 bytes. */
const BYTES_PER_ENTRY_ESTIMATE = 110;

/** A batch's output, with its counts. */
interface Deduped extends StageOutput {
  readonly passed: number;
  readonly duplicates: number;
}

/**
 * Consumes the raw topic in a consumer group and, per raw partition, passes the first copy
 * of each mutation to the mutations topic. Each batch's events, its dedup window changes
 * (to the changelog partition of the same number) and its consumed offset are one Kafka
 * transaction, by a producer whose transactional id is that partition's: a deduper that
 * takes a partition over fences the one that had it, then rebuilds the window from the
 * changelog, so a batch handled twice is recognised the second time.
 */
@Injectable()
export class DeduperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Deduper');
  private readonly windows = new Map<number, DedupWindow>();
  private stage: TransactionalStage<Deduped> | undefined;
  private readonly retry = new RetryLoop(this.logger);
  private readonly figures;
  private readonly imageTables: FullImageTables;
  private readonly imageReader: GuardedImageReader;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: DeduperConfig,
    private readonly kafka: KafkaConnection,
    cassandra: CassandraConnection,
    metrics: Metrics,
  ) {
    this.imageTables = new FullImageTables(kafka, config.MERIDIAN_CONFIG_TOPIC, config.MERIDIAN_DEDUPER_GROUP, new Logger('FullImages'));
    const images = metrics.counter('meridian_deduper_image_reads_total', 'Full-row images given, by status (full, not_found, read_failed)', ['status']);
    const readSeconds = metrics.histogram('meridian_deduper_image_read_seconds', 'Time of each full-row image read tried', READ_SECONDS_BUCKETS);
    const tables = metrics.gauge('meridian_deduper_image_tables', 'Tables whose rows are read back for full-row images');
    tables.set(0);
    this.imageReader = new GuardedImageReader(
      cassandra,
      { timeoutMs: config.MERIDIAN_IMAGE_READ_TIMEOUT_MS, pauseMs: IMAGE_READ_PAUSE_MS },
      { image: (status) => images.inc({ status }), readSeconds: (seconds) => readSeconds.observe(seconds) },
      (line) => this.logger.warn(line),
    );
    this.figures = {
      imageTables: tables,
      consumed: metrics.counter('meridian_deduper_records_in_total', 'Raw mutation records consumed'),
      passed: metrics.counter('meridian_deduper_events_out_total', 'Mutation events committed to the mutations topic'),
      transactionSeconds: metrics.histogram('meridian_deduper_transaction_seconds', "Time of each batch's Kafka transaction, from its first send to its commit", TRANSACTION_SECONDS_BUCKETS),
      duplicates: metrics.counter('meridian_deduper_duplicates_total', 'Copies recognised and dropped'),
      rejected: metrics.counter('meridian_deduper_dead_letters_total', 'Records sent to the dead-letter topic'),
      entries: metrics.gauge('meridian_deduper_window_entries', 'Mutations remembered, over the partitions this instance owns'),
      bytes: metrics.gauge('meridian_deduper_window_bytes_estimate', 'Estimated memory of the dedup windows'),
    };
  }

  onApplicationBootstrap(): void {
    this.retry.keep('starting', () => this.start());
  }

  async onApplicationShutdown(): Promise<void> {
    this.retry.stop();
    await this.stage?.stop();
    await this.imageTables.stop();
  }

  /**
   * Creates the topics, learns which tables want full-row images, and joins the group;
   * retried until Kafka and the raw topic are there.
   */
  private async start(): Promise<void> {
    const { MERIDIAN_RAW_TOPIC: raw, MERIDIAN_DEDUP_CHANGELOG_TOPIC: changelog } = this.config;
    await this.imageTables.start();
    const partitions = await this.kafka.partitionCount(raw);
    if (partitions === undefined) throw new Error(`${raw} does not exist yet (the cdc-readers create it)`);
    await this.kafka.createTopics([
      { topic: this.config.MERIDIAN_MUTATIONS_TOPIC, partitions: this.config.MERIDIAN_MUTATIONS_PARTITIONS, maxMessageBytes: 32 * 1024 * 1024 },
      { topic: changelog, partitions, compacted: true },
      { topic: this.config.MERIDIAN_DEAD_LETTER_TOPIC, partitions: 1, maxMessageBytes: 32 * 1024 * 1024 },
    ]);
    const changelogPartitions = await this.kafka.partitionCount(changelog);
    if (changelogPartitions !== partitions) {
      throw new Error(`${changelog} has ${changelogPartitions ?? 0} partitions but ${raw} has ${partitions}: they must match, one window per raw partition`);
    }
    const stage = new TransactionalStage(this.kafka, {
      groupId: this.config.MERIDIAN_DEDUPER_GROUP,
      input: raw,
      deadLetterTopic: this.config.MERIDIAN_DEAD_LETTER_TOPIC,
      concurrentPartitions: this.config.MERIDIAN_CONCURRENT_PARTITIONS,
      writesTo: [this.config.MERIDIAN_MUTATIONS_TOPIC, changelog],
      assigned: (owned) => {
        for (const partition of this.windows.keys()) if (!owned.includes(partition)) this.windows.delete(partition);
        this.logger.log(`owns ${raw} partition(s) ${owned.join(', ') || 'none'}`);
      },
      takeOver: (partitions) => this.rebuild(partitions),
      transform: (batch) => this.dedup(batch),
      committed: (batch, output, seconds) => this.report(batch, output, seconds),
      failed: (batch, error) => this.logger.warn(`batch of ${batch.topic}/${batch.partition} not committed, will be consumed again: ${errorMessage(error)}`),
      log: this.logger,
    });
    await stage.start();
    this.stage = stage;
    this.logger.log(`deduplicating ${raw} into ${this.config.MERIDIAN_MUTATIONS_TOPIC}`);
  }

  /** Passes the first copy of each mutation of the batch; its window remembers them, and the changelog records what it changed. */
  private async dedup(batch: PartitionBatch): Promise<Deduped> {
    const window = this.windows.get(batch.partition) ?? this.newWindow(batch.partition);
    const outcome = dedupBatch(batch.records, window, Date.now());
    // Read before the transaction begins, so that no transaction stays open while Cassandra answers.
    const fullTables = this.imageTables.tables;
    this.figures.imageTables.set(fullTables.size);
    const events = await withRowImages(outcome.events, fullTables, this.imageReader, this.config.MERIDIAN_IMAGE_READ_CONCURRENCY);
    return {
      records: [
        { topic: this.config.MERIDIAN_MUTATIONS_TOPIC, records: events },
        { topic: this.config.MERIDIAN_DEDUP_CHANGELOG_TOPIC, records: outcome.changelog.map((entry) => changelogRecord(entry, batch.partition)) },
      ],
      deadLetters: outcome.rejected,
      passed: outcome.events.length,
      duplicates: outcome.duplicates,
    };
  }

  private report(batch: PartitionBatch, output: Deduped, transactionSeconds: number): void {
    this.figures.transactionSeconds.observe(transactionSeconds);
    for (const { reason, record } of output.deadLetters) this.logger.error(`${batch.topic}/${batch.partition}@${record.offset} sent to ${this.config.MERIDIAN_DEAD_LETTER_TOPIC}: ${reason}`);
    this.figures.consumed.inc(batch.records.length);
    this.figures.passed.inc(output.passed);
    this.figures.duplicates.inc(output.duplicates);
    this.figures.rejected.inc(output.deadLetters.length);
    this.reportWindows();
  }

  /**
   * The windows of `partitions` as their changelog holds them, read after the stage took
   * the partitions over (so the last transaction of each is finished, and every batch
   * the consumer will not skip is absent from it). A batch that failed changed its window
   * without committing; it is rebuilt the same way before the batch comes again.
   */
  private async rebuild(partitions: readonly number[]): Promise<void> {
    const rebuilt = new Map(partitions.map((partition) => [partition, this.newWindow(partition)]));
    const began = Date.now();
    const records = await this.kafka.readToEnd(this.config.MERIDIAN_DEDUP_CHANGELOG_TOPIC);
    let restored = 0;
    for (const record of records) {
      const window = rebuilt.get(record.partition);
      if (!window || !record.key) continue;
      window.restore({ digest: record.key.toString(), seenAtMs: record.value ? Number(record.value.toString()) : null });
      restored++;
    }
    this.reportWindows();
    this.logger.log(`dedup windows of partition(s) ${partitions.join(', ')} rebuilt from ${restored} changelog record(s) in ${Date.now() - began} ms`);
  }

  private newWindow(partition: number): DedupWindow {
    const window = new DedupWindow({ windowMs: this.config.MERIDIAN_DEDUP_WINDOW_S * 1000, maxEntries: this.config.MERIDIAN_DEDUP_MAX_ENTRIES });
    this.windows.set(partition, window);
    return window;
  }

  private reportWindows(): void {
    let entries = 0;
    for (const window of this.windows.values()) entries += window.size;
    this.figures.entries.set(entries);
    this.figures.bytes.set(entries * BYTES_PER_ENTRY_ESTIMATE);
  }
}

/** A window change as a changelog record: keyed by digest, the value the time it was first seen (null: forgotten). */
function changelogRecord(entry: ChangelogEntry, partition: number) {
  return { key: entry.digest, value: entry.seenAtMs === null ? null : String(entry.seenAtMs), partition };
}
