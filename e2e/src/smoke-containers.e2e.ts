import { smokeSuite } from './smoke';

smokeSuite('containers', 1);
