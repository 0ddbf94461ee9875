import { channelSchema, destinationSchema } from '@meridian/contracts';
import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { offsetResetSchema } from '../progress/offset-reset';
import { destinationProgressSchema, offsetResetResultSchema } from '../progress/progress.service';
import { channelStatusSchema, statusReportSchema } from '../status/status.service';

type Schema = Record<string, unknown>;

/** A zod schema as an OpenAPI 3.1 schema (JSON Schema 2020-12, without its `$schema` line). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Schema;
  return rest;
}

/** A patch: every field optional, and none defaulted (a field left out keeps its current value). */
function patchSchema(schema: z.ZodObject): Schema {
  const base = jsonSchema(schema.partial(), 'input');
  const properties = Object.fromEntries(
    Object.entries((base['properties'] ?? {}) as Record<string, Schema>).map(([field, { default: _default, ...rest }]) => [field, rest]),
  );
  return { ...base, properties };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ref('Error')) });

function resource(kind: 'destination' | 'channel', title: string, extra: { create: Record<string, unknown>; remove: Record<string, unknown> }) {
  const plural = `/api/${kind}s`;
  const record = ref(title);
  const named = [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }];
  const write = { security: [{ bearer: [] }], 401: error('no bearer token, and MERIDIAN_API_TOKEN is set'), 403: error('a wrong bearer token') };
  const { security, ...denied } = write;
  const pauseOrResume = (verb: 'pause' | 'resume') => ({
    post: {
      tags: [`${kind}s`],
      summary: `${verb === 'pause' ? 'Pause' : 'Resume'} a ${kind} (sets paused to ${String(verb === 'pause')})`,
      parameters: named,
      security,
      responses: { 200: { description: `the ${kind}`, content: json(record) }, 404: error(`no such ${kind}`), ...denied },
    },
  });
  return {
    [plural]: {
      get: { tags: [`${kind}s`], summary: `List ${kind}s`, responses: { 200: { description: `every ${kind}`, content: json({ type: 'array', items: record }) } } },
      post: {
        tags: [`${kind}s`],
        summary: `Create a ${kind}`,
        security,
        requestBody: { required: true, content: json(ref(`${title}Input`)) },
        responses: { 201: { description: `the ${kind} as stored`, content: json(record) }, 400: error('invalid fields, listed in problems'), ...extra.create, ...denied },
      },
    },
    [`${plural}/{name}`]: {
      get: { tags: [`${kind}s`], summary: `Get a ${kind}`, parameters: named, responses: { 200: { description: `the ${kind}`, content: json(record) }, 404: error(`no such ${kind}`) } },
      patch: {
        tags: [`${kind}s`],
        summary: `Change some fields of a ${kind}; the result is validated whole`,
        parameters: named,
        security,
        requestBody: { required: true, content: json(ref(`${title}Patch`)) },
        responses: { 200: { description: `the ${kind} as stored`, content: json(record) }, 400: error('invalid fields, listed in problems'), 404: error(`no such ${kind}`), ...extra.create, ...denied },
      },
      delete: {
        tags: [`${kind}s`],
        summary: `Delete a ${kind}`,
        parameters: named,
        security,
        responses: { 204: { description: 'deleted' }, 404: error(`no such ${kind}`), ...extra.remove, ...denied },
      },
    },
    [`${plural}/{name}/pause`]: pauseOrResume('pause'),
    [`${plural}/{name}/resume`]: pauseOrResume('resume'),
  };
}

/**
 * The API's OpenAPI document. Bodies are described by the same zod schemas the API
 * validates with (libs/contracts), so the document cannot drift from the rules.
 */
export function openApiDocument(): OpenAPIObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Meridian coordinator',
      version: '1',
      description:
        'Destinations and channels of one DC, stored in the compacted configuration topic. Every answer comes after Kafka acknowledged the change. ' +
        'Until that topic is loaded, every configuration call answers 503. Status comes from the heartbeats on the status topic, offsets from Kafka.',
    },
    paths: {
      ...resource('destination', 'Destination', {
        create: { 409: error('a destination of that name exists') },
        remove: { 409: error('channels still use the destination; they are named in the message') },
      }),
      ...resource('channel', 'Channel', {
        create: { 409: error('the name exists, the destination does not, or the table does not exist or has no CDC (the message says how to enable it)') },
        remove: {},
      }),
      '/api/channels/{name}/status': {
        get: {
          tags: ['channels'],
          summary: "Whether a channel's changes flow, what carries them, and its destination's lag",
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'the channel status', content: json(ref('ChannelStatus')) }, 404: error('no such channel') },
        },
      },
      '/api/status': {
        get: {
          tags: ['status'],
          summary: "Every component of the DC from its heartbeats (stale after three missed intervals), and the consumer groups' lag",
          responses: { 200: { description: 'the status; parts Kafka could not give are null, with the reason in problems', content: json(ref('StatusReport')) } },
        },
      },
      '/api/offsets': {
        get: {
          tags: ['offsets'],
          summary: "Each destination's position in the mutations topic, per partition",
          parameters: [{ name: 'destination', in: 'query', required: false, schema: { type: 'string' } }],
          responses: { 200: { description: 'one entry per destination', content: json({ type: 'array', items: ref('DestinationProgress') }) }, 404: error('no such destination') },
        },
      },
      '/api/offsets/reset': {
        post: {
          tags: ['offsets'],
          summary: 'Move a paused destination to the earliest or latest mutation, or to those received from a Cassandra writetime on; it reads on from there when resumed',
          security: [{ bearer: [] }],
          requestBody: { required: true, content: json(ref('OffsetReset')) },
          responses: {
            200: { description: 'each partition, from and to', content: json(ref('OffsetResetResult')) },
            400: error('invalid fields, listed in problems'),
            404: error('no such destination'),
            409: error('the destination is not paused, or its publishers have not left their group yet'),
            401: error('no bearer token, and MERIDIAN_API_TOKEN is set'),
            403: error('a wrong bearer token'),
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'MERIDIAN_API_TOKEN; needed by calls that change configuration when it is set' } },
      schemas: {
        Destination: jsonSchema(destinationSchema, 'output'),
        DestinationInput: jsonSchema(destinationSchema, 'input'),
        DestinationPatch: patchSchema(destinationSchema),
        Channel: jsonSchema(channelSchema, 'output'),
        ChannelInput: jsonSchema(channelSchema, 'input'),
        ChannelPatch: patchSchema(channelSchema),
        ChannelStatus: jsonSchema(channelStatusSchema, 'output'),
        StatusReport: jsonSchema(statusReportSchema, 'output'),
        DestinationProgress: jsonSchema(destinationProgressSchema, 'output'),
        OffsetReset: jsonSchema(offsetResetSchema, 'input'),
        OffsetResetResult: jsonSchema(offsetResetResultSchema, 'output'),
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'string' },
            problems: {
              type: 'array',
              items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
            },
          },
          example: { error: 'invalid destination', problems: [{ field: 'topic', message: 'topic must be a Kafka topic name (letters, digits, ".", "_", "-"), optionally with ${keyspace} and ${table}' }] },
        },
      },
    },
  } as OpenAPIObject;
}
