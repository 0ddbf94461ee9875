import type { GroupDescription, PartitionProgress } from '@meridian/kafka';

/** What the coordinator reads and sets of the pipeline's consumer groups (KafkaConnection is one). */
export interface ConsumerGroups {
  groupProgress(groupId: string, topic: string): Promise<PartitionProgress[] | undefined>;
  describeGroup(groupId: string): Promise<GroupDescription>;
  offsetsAtTime(topic: string, timestampMs: number): Promise<{ partition: number; offset: string }[]>;
  setGroupOffsets(groupId: string, topic: string, offsets: readonly { partition: number; offset: string }[]): Promise<void>;
}

export const CONSUMER_GROUPS = Symbol('CONSUMER_GROUPS');
