import { shopSuite } from './shop';

// Local JVMs: one Cassandra node and one Kafka per DC.
shopSuite('local');
