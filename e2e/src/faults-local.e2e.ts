import { faultSuite } from './faults';

faultSuite('local');
