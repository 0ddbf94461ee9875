import { waitFor } from './wait-for';

/** An HTTP answer with its body parsed as JSON (undefined when empty). */
export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** One JSON request to a service on 127.0.0.1. */
export async function callHttp(port: number, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/**
 * Calls until the answer has `status`, for up to 90 s: a coordinator still loading its
 * configuration, or a table not yet visible in its DC, answers otherwise for a while.
 */
export function callUntil(status: number, port: number, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
  return waitFor(`${method} ${path} to answer ${status}`, async () => {
    const answer = await callHttp(port, method, path, body);
    if (answer.status !== status) throw new Error(`answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer;
  }, { timeoutMs: 90_000, intervalMs: 500 });
}
