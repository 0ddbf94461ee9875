import { errorMessage } from '@meridian/contracts';
/**
 * Something a service depends on (a Kafka cluster, a Cassandra node, a directory).
 * `check` resolves with details when the dependency works and throws when it does not.
 */
export interface DependencyCheck {
  readonly name: string;
  check(): Promise<Record<string, unknown>>;
}

export type CheckOutcome = { readonly up: true; readonly details: Record<string, unknown> } | { readonly up: false; readonly reason: string };

export async function runCheck(dependency: DependencyCheck, timeoutMs: number): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return { up: true, details: await Promise.race([dependency.check(), timeout]) };
  } catch (error) {
    return { up: false, reason: errorMessage(error) };
  } finally {
    clearTimeout(timer);
  }
}
