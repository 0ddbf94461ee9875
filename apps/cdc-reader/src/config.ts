import { directory, identifier } from '@meridian/config';
import { cassandraEnv, kafkaEnv, serviceEnv } from '@meridian/service';
import { z } from 'zod';

export const config = z.object({
  ...serviceEnv(8081),
  ...kafkaEnv,
  ...cassandraEnv,
  MERIDIAN_NODE: identifier('name of the Cassandra node this reader runs beside, e.g. dc1-n1'),
  MERIDIAN_CDC_RAW_DIR: directory("the node's cdc_raw directory (read and delete access)"),
});

export type CdcReaderConfig = z.output<typeof config>;
