import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';

/** Where the environment counts the failures of the test file it runs; testsFailed reads it. */
export const FAILURES_GLOBAL = '__meridianTestFailures';

/**
 * Node's test environment, counting the failed tests and hooks of its file where the file's
 * own code can read them (testsFailed): a suite's topology then keeps its logs when
 * something in the suite failed, and only then.
 */
export default class FailureCountingEnvironment extends TestEnvironment {
  handleTestEvent(event: Circus.Event): void {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      const counted = this.global[FAILURES_GLOBAL];
      this.global[FAILURES_GLOBAL] = (typeof counted === 'number' ? counted : 0) + 1;
    }
  }
}
