/** One field the coordinator found wrong in a request (400 answers only). */
export interface Problem {
  readonly field: string;
  readonly message: string;
}

/** The coordinator answered 4xx: the request is wrong or not allowed, and retrying it will not help. */
export class CoordinatorRefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly Problem[],
  ) {
    super(message);
  }
}

/** The coordinator could not be reached, or failed on its side (5xx): worth retrying later. */
export class CoordinatorUnavailableError extends Error {}

/** The coordinator's answer: its body as sent (for --json) and parsed (for people). */
export interface Answer {
  readonly text: string;
  readonly body: unknown;
}

/** A wedged coordinator should end the command, not hang it. */
const TIMEOUT_MS = 30_000;

/** The coordinator's REST API, as the CLI calls it. */
export class CoordinatorClient {
  constructor(
    readonly url: string,
    private readonly token: string | undefined,
  ) {}

  async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Answer> {
    const target = `${this.url.replace(/\/+$/, '')}${path}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(target, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      throw new CoordinatorUnavailableError(`cannot reach the coordinator at ${this.url}: ${reason(error)}`, { cause: error });
    }
    const parsed = parseJson(text);
    if (response.status >= 500) {
      throw new CoordinatorUnavailableError(`the coordinator at ${this.url} answered ${response.status}: ${errorText(parsed, text, response)}`);
    }
    if (response.status >= 400) {
      throw new CoordinatorRefusedError(response.status, errorText(parsed, text, response), problemsOf(parsed));
    }
    return { text, body: parsed };
  }
}

/** What fetch's error says, down to the socket error: "fetch failed" alone tells an operator nothing. */
function reason(error: unknown): string {
  if (errorLike(error)?.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  let cause = errorLike(error);
  while (errorLike(cause?.cause)) cause = errorLike(cause?.cause);
  // A host name that resolves to several addresses fails with an AggregateError whose own message is empty.
  if (cause && cause.message === '' && Array.isArray(cause.errors) && errorLike(cause.errors[0])) cause = errorLike(cause.errors[0]);
  if (!cause) return String(error);
  return cause.message || (typeof cause.code === 'string' ? cause.code : cause.name);
}

/**
 * Errors read by shape, not `instanceof`: fetch's errors may come from another realm
 * (a test runner's sandbox), where `instanceof Error` is false.
 */
export function errorLike(value: unknown): { name: string; message: string; cause?: unknown; code?: unknown; errors?: unknown } | undefined {
  return isRecord(value) && typeof value['message'] === 'string' ? { name: String(value['name']), message: value['message'], cause: value['cause'], code: value['code'], errors: value['errors'] } : undefined;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorText(parsed: unknown, text: string, response: Response): string {
  if (isRecord(parsed) && typeof parsed['error'] === 'string') return parsed['error'];
  return text.trim() || response.statusText || `HTTP ${response.status}`;
}

function problemsOf(parsed: unknown): Problem[] {
  if (!isRecord(parsed) || !Array.isArray(parsed['problems'])) return [];
  return parsed['problems'].filter(isRecord).map((p) => ({ field: String(p['field']), message: String(p['message']) }));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
