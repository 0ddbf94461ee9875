import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Builders for the kinds of settings Meridian's services take. Each returns a
 * zod type that parses the raw environment string and carries a description,
 * so validation messages and `--help` text come from one declaration.
 */

const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}, got ${JSON.stringify(issue.input)}`;

export function text(description: string) {
  return z.string({ error: required('text') }).describe(description);
}


/** A name such as a data centre or node name: letters, digits, `-`, `_`, `.`. */
export function identifier(description: string) {
  return z
    .string({ error: required('a name') })
    .regex(/^[A-Za-z0-9_.-]+$/, 'must contain only letters, digits, "-", "_" and "."')
    .describe(description);
}

export function port(description: string, defaultPort?: number) {
  const parsed = z
    .string({ error: required('a TCP port') })
    .transform((raw, ctx) => {
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < 1 || value > 65535) {
        ctx.addIssue({ code: 'custom', message: `must be a TCP port (1-65535), got ${JSON.stringify(raw)}` });
        return z.NEVER;
      }
      return value;
    });
  return (defaultPort === undefined ? parsed : parsed.default(defaultPort)).describe(description);
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

function parseHostPort(raw: string): HostPort | undefined {
  const match = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/.exec(raw);
  if (!match?.[1] || !match[2]) return undefined;
  const portNumber = Number(match[2]);
  return portNumber >= 1 && portNumber <= 65535 ? { host: match[1], port: portNumber } : undefined;
}

/** Comma-separated `host:port` list, e.g. Kafka bootstrap servers or Cassandra contact points. */
export function hostPortList(description: string) {
  return z
    .string({ error: required('a comma-separated host:port list') })
    .transform((raw, ctx) => {
      const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const parsed: HostPort[] = [];
      for (const item of items) {
        const hostPort = parseHostPort(item);
        if (hostPort) parsed.push(hostPort);
        else ctx.addIssue({ code: 'custom', message: `"${item}" is not host:port` });
      }
      if (items.length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one host:port' });
      return parsed;
    })
    .describe(description);
}

/** An existing directory; relative paths resolve against the working directory. */
export function directory(description: string) {
  return z
    .string({ error: required('a directory path') })
    .transform((raw, ctx) => {
      const path = isAbsolute(raw) ? raw : resolve(raw);
      if (!existsSync(path)) ctx.addIssue({ code: 'custom', message: `directory ${path} does not exist` });
      else if (!statSync(path).isDirectory()) ctx.addIssue({ code: 'custom', message: `${path} is not a directory` });
      return path;
    })
    .describe(description);
}

export function positiveInt(description: string, defaultValue: number) {
  return z
    .string()
    .transform((raw, ctx) => {
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < 1) {
        ctx.addIssue({ code: 'custom', message: `must be a positive integer, got ${JSON.stringify(raw)}` });
        return z.NEVER;
      }
      return value;
    })
    .default(defaultValue)
    .describe(description);
}

/**
 * A keyspace's replication for NetworkTopologyStrategy: `dc:factor` per data centre,
 * comma-separated (`dc1:1,dc2:1`), as an object `{ dc1: 1, dc2: 1 }`.
 */
export function replicationFactors(description: string, defaultValue: string) {
  return z
    .string()
    .prefault(defaultValue)
    .transform((raw, ctx) => {
      const factors: Record<string, number> = {};
      for (const item of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
        const match = /^([A-Za-z0-9_.-]+):(\d+)$/.exec(item);
        if (match?.[1] && match[2] && Number(match[2]) > 0) factors[match[1]] = Number(match[2]);
        else ctx.addIssue({ code: 'custom', message: `"${item}" is not dc:factor (a data centre name and a positive number)` });
      }
      if (Object.keys(factors).length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one dc:factor' });
      return factors;
    })
    .describe(description);
}
