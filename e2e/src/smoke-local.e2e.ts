import { smokeSuite } from './smoke';

// Local JVMs, with the optional second dc1 node so RF=2 topologies are covered too.
smokeSuite('local', 2);
