import { z } from 'zod';

/**
 * A service's configuration is a flat set of environment variables, declared once
 * as a zod object keyed by variable name. Loading validates all of them and reports
 * every problem at once, so an operator fixes the whole file in one pass.
 */
export type EnvSchema = z.ZodObject<Record<string, z.ZodType>>;

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration for ${service}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig<S extends EnvSchema>(
  service: string,
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): z.output<S> {
  // Empty strings count as unset: `FOO= node main.js` should read as "FOO missing".
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const description = schema.shape[String(issue.path[0])]?.description;
    return `${name}: ${issue.message}${description ? ` (${description})` : ''}`;
  });
  throw new ConfigError(service, problems);
}

/** One line per variable: name, description, default. For `--help` output and docs. */
export function describeConfig(schema: EnvSchema): string[] {
  return Object.entries(schema.shape).map(([name, type]) => {
    const parsedDefault = type.safeParse(undefined);
    const suffix = parsedDefault.success && parsedDefault.data !== undefined ? ` [default: ${JSON.stringify(parsedDefault.data)}]` : '';
    return `${name}  ${descriptionOf(type) ?? ''}${suffix}`;
  });
}

/** A setting's description, also when `.default()` or `.optional()` wrapped the described type (zod keeps it on the inner one). */
function descriptionOf(type: z.ZodType): string | undefined {
  for (let current: z.ZodType | undefined = type; current; ) {
    if (current.description !== undefined) return current.description;
    current = current instanceof z.ZodDefault || current instanceof z.ZodOptional ? (current.unwrap() as z.ZodType) : undefined;
  }
  return undefined;
}
