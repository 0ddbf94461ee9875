import { faultSuite } from './faults';

faultSuite('containers');
