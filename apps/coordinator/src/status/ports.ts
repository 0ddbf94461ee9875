/** One record of the status topic: a component's heartbeat as JSON, or null when deleted. */
export interface StatusRecord {
  readonly key: string;
  readonly value: string | null;
}

/** Where components' heartbeats arrive: the compacted status topic of the DC. */
export interface StatusFeed {
  /** Hands over every record from the topic's start on, as it arrives, until `stop`. */
  follow(onRecord: (record: StatusRecord) => void): Promise<void>;
  stop(): Promise<void>;
}

export const STATUS_FEED = Symbol('STATUS_FEED');
