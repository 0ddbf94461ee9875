import { shopSuite } from './shop';

// Containers: one Cassandra node and one Kafka per DC, the services on the host.
shopSuite('containers');
