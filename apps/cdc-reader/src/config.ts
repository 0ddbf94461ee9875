import { directory, identifier, positiveInt, text } from '@meridian/config';
import { PIPELINE_NAMES, SERVICE_PORTS } from '@meridian/contracts';
import { cassandraEnv, kafkaEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(SERVICE_PORTS['cdc-reader']),
  ...kafkaEnv,
  ...cassandraEnv,
  MERIDIAN_NODE: identifier('name of the Cassandra node this reader runs beside, e.g. dc1-n1'),
  MERIDIAN_CDC_RAW_DIR: directory("the node's cdc_raw directory (read and delete access)"),
  MERIDIAN_QUARANTINE_DIR: text("where segments with corrupt parts are copied before they leave cdc_raw (default: meridian-quarantine beside cdc_raw)").optional(),
  MERIDIAN_RAW_TOPIC: text('topic the raw mutation events go to').default(PIPELINE_NAMES.MERIDIAN_RAW_TOPIC),
  MERIDIAN_RAW_PARTITIONS: positiveInt('partitions of the raw topic when the reader creates it', 6),
  MERIDIAN_READER_OFFSETS_TOPIC: text("compacted topic of the readers' progress").default(PIPELINE_NAMES.MERIDIAN_READER_OFFSETS_TOPIC),
  MERIDIAN_POLL_MS: positiveInt('how often cdc_raw is scanned when no file event came, in milliseconds', 250),
  MERIDIAN_CDC_WARN_PERCENT: positiveInt("share of the node's cdc_total_space that cdc_raw may fill before a warning, in percent", 80),
});

export type CdcReaderConfig = z.output<typeof config>;
