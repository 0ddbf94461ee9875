import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CoordinatorClient, CoordinatorRefusedError, CoordinatorUnavailableError, errorLike, isRecord } from './client';
import { type Column, formatRecord, formatTable } from './format';

/** Where the command writes and what it reads of its environment; tests pass their own. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;

const DEFAULT_URL = 'http://127.0.0.1:8080';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

const GLOBAL_OPTIONS: Options = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

const GLOBAL_HELP = `Global options:
  --url <url>      the coordinator (default: $MERIDIAN_COORDINATOR_URL, else ${DEFAULT_URL})
  --token <token>  sent as "Authorization: Bearer <token>" (default: $MERIDIAN_API_TOKEN)
  --json           print the coordinator's JSON as it is
  -h, --help       show help; works at every level

Exit codes:
  0  done
  1  the coordinator refused the request (4xx); its reasons are printed
  2  bad usage: unknown command or option, missing or malformed argument
  3  the coordinator cannot be reached, or failed (5xx)
`;

interface Context {
  readonly name: string;
  readonly values: Values;
  readonly client: CoordinatorClient;
  readonly json: boolean;
  readonly io: Io;
}

interface Command {
  /** The words that select it, e.g. `destination create`. */
  readonly words: string;
  /** Its arguments as the usage line shows them. */
  readonly args: string;
  readonly summary: string;
  /** Whether it takes the name of a destination or channel. */
  readonly named: boolean;
  /** Whether that name may be left out. */
  readonly nameOptional?: boolean;
  readonly options?: Options;
  readonly optionHelp?: string;
  run(context: Context): Promise<void>;
}

class UsageError extends Error {}

/** What differs between destinations and channels; their six commands are otherwise the same. */
interface Resource {
  readonly kind: 'destination' | 'channel';
  readonly path: string;
  readonly columns: readonly Column[];
  readonly createArgs: string;
  readonly createOptions: Options;
  readonly createHelp: string;
  /** The request body of `create`, or a UsageError. */
  createBody(name: string, values: Values): Record<string, unknown>;
}

const paused: Column = { heading: 'PAUSED', value: (item) => (item['paused'] === true ? 'yes' : 'no') };

const DESTINATION: Resource = {
  kind: 'destination',
  path: '/api/destinations',
  columns: [{ heading: 'NAME', value: (d) => d['name'] }, { heading: 'TOPIC', value: (d) => d['topic'] }, { heading: 'OPTIONS', value: (d) => d['options'] }, paused],
  createArgs: '<name> --topic <topic-or-pattern> [--option k=v ...] [--paused]',
  createOptions: { topic: { type: 'string' }, option: { type: 'string', multiple: true }, paused: { type: 'boolean', default: false } },
  createHelp: `  --topic <topic>  a Kafka topic, or a pattern such as "cdc.\${keyspace}.\${table}"
  --option k=v     a destination option; repeat for several
  --paused         create it paused
`,
  createBody(name, values) {
    const options: Record<string, string> = {};
    for (const option of strings(values['option'])) {
      const equals = option.indexOf('=');
      if (equals <= 0) throw new UsageError(`--option must be key=value, got "${option}"`);
      options[option.slice(0, equals)] = option.slice(equals + 1);
    }
    return { name, topic: required(values, 'topic', 'destination create'), options, paused: values['paused'] === true };
  },
};

const CHANNEL: Resource = {
  kind: 'channel',
  path: '/api/channels',
  columns: [
    { heading: 'NAME', value: (c) => c['name'] },
    { heading: 'TABLE', value: (c) => `${String(c['keyspace'])}.${String(c['table'])}` },
    { heading: 'DESTINATION', value: (c) => c['destination'] },
    { heading: 'IMAGE', value: (c) => c['image'] },
    paused,
  ],
  createArgs: '<name> --table <keyspace.table> --destination <name> [--image delta|full] [--paused]',
  createOptions: { table: { type: 'string' }, destination: { type: 'string' }, image: { type: 'string' }, paused: { type: 'boolean', default: false } },
  createHelp: `  --table <keyspace.table>  the Cassandra table to capture (it must have cdc = true)
  --destination <name>      the destination its changes go to
  --image delta|full        delta: the columns each write touched (default); full: the whole row
  --paused                  create it paused
`,
  createBody(name, values) {
    const table = required(values, 'table', 'channel create');
    const match = /^([^.\s]+)\.([^.\s]+)$/.exec(table);
    if (!match) throw new UsageError(`--table must be <keyspace>.<table>, got "${table}"`);
    const image = values['image'];
    if (image !== undefined && image !== 'delta' && image !== 'full') throw new UsageError(`--image must be delta or full, got "${String(image)}"`);
    return {
      name,
      keyspace: match[1],
      table: match[2],
      destination: required(values, 'destination', 'channel create'),
      ...(image === undefined ? {} : { image }),
      paused: values['paused'] === true,
    };
  },
};

function resourceCommands(resource: Resource): Command[] {
  const { kind, path } = resource;
  const one = (name: string) => `${path}/${encodeURIComponent(name)}`;
  const setPaused = (verb: 'pause' | 'resume', done: string): Command => ({
    words: `${kind} ${verb}`,
    args: '<name>',
    summary: `${verb} the ${kind}`,
    named: true,
    async run({ name, client, json, io }) {
      const answer = await client.call('POST', `${one(name)}/${verb}`);
      io.stdout(json ? `${answer.text}\n` : `${kind} ${name} ${done}\n`);
    },
  });
  return [
    {
      words: `${kind} create`,
      args: resource.createArgs,
      summary: `create a ${kind}`,
      named: true,
      options: resource.createOptions,
      optionHelp: resource.createHelp,
      async run({ name, values, client, json, io }) {
        const answer = await client.call('POST', path, resource.createBody(name, values));
        io.stdout(json ? `${answer.text}\n` : `${kind} ${name} created\n`);
      },
    },
    {
      words: `${kind} list`,
      args: '',
      summary: `list the ${kind}s`,
      named: false,
      async run({ client, json, io }) {
        const answer = await client.call('GET', path);
        const items = Array.isArray(answer.body) ? (answer.body as unknown[]) : [];
        io.stdout(json ? `${answer.text}\n` : items.length === 0 ? `no ${kind}s\n` : `${formatTable(items, resource.columns)}\n`);
      },
    },
    {
      words: `${kind} show`,
      args: '<name>',
      summary: `show one ${kind}`,
      named: true,
      async run({ name, client, json, io }) {
        const answer = await client.call('GET', one(name));
        io.stdout(json ? `${answer.text}\n` : `${formatRecord(answer.body)}\n`);
      },
    },
    {
      words: `${kind} rm`,
      args: '<name>',
      summary: `remove the ${kind}`,
      named: true,
      async run({ name, client, json, io }) {
        // 204 has no body: with --json there is nothing to print, and the exit code says it worked.
        await client.call('DELETE', one(name));
        if (!json) io.stdout(`${kind} ${name} removed\n`);
      },
    },
    setPaused('pause', 'paused'),
    setPaused('resume', 'resumed'),
  ];
}

const destinationCommands = resourceCommands(DESTINATION);
const channelCommands = resourceCommands(CHANNEL);

/** `meridian pause|resume <destination>`, as `dse advrep` spells it. */
const shortForms: Command[] = destinationCommands
  .filter((c) => c.words.endsWith(' pause') || c.words.endsWith(' resume'))
  .map((c) => ({ ...c, words: c.words.replace('destination ', ''), args: '<destination>', summary: `short for "meridian ${c.words}"` }));

/** Seconds as people read them: 4 s, 3 min, 2 h. */
function age(seconds: unknown): string {
  if (typeof seconds !== 'number') return '-';
  if (seconds < 120) return `${seconds} s`;
  return seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
}

const orDash = (value: unknown, unit = '') => (typeof value === 'number' ? `${value}${unit}` : '-');

const COMPONENT_COLUMNS: readonly Column[] = [
  { heading: 'COMPONENT', value: (c) => c['component'] },
  { heading: 'INSTANCE', value: (c) => c['instance'] },
  { heading: 'STATE', value: (c) => c['state'] },
  { heading: 'EVENTS/S', value: (c) => orDash(c['eventsPerSecond']) },
  { heading: 'LATENCY', value: (c) => orDash(c['latencyMs'], ' ms') },
  { heading: 'LAG', value: (c) => orDash(c['lagSeconds'], ' s') },
  { heading: 'LAST HEARTBEAT', value: (c) => `${age(c['secondsSinceHeartbeat'])} ago` },
  { heading: 'PROBLEMS', value: (c) => (Array.isArray(c['problems']) ? c['problems'].join('; ') : '') },
];

const DESTINATION_PROGRESS_COLUMNS: readonly Column[] = [
  { heading: 'DESTINATION', value: (d) => d['destination'] },
  paused,
  { heading: 'GROUP', value: (d) => d['group'] },
  { heading: 'LAG', value: (d) => orDash(d['lag']) },
];

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function problemsText(body: Record<string, unknown>): string {
  const problems = Array.isArray(body['problems']) ? body['problems'] : [];
  return problems.map((p) => `problem: ${String(p)}\n`).join('');
}

const observeCommands: Command[] = [
  {
    words: 'ps',
    args: '',
    summary: 'list the components of the DC and their state, from their heartbeats',
    named: false,
    async run({ client, json, io }) {
      const answer = await client.call('GET', '/api/status');
      const body = isRecord(answer.body) ? answer.body : {};
      if (json) {
        io.stdout(`${JSON.stringify(body['components'] ?? [])}\n`);
        return;
      }
      const components = list(body['components']);
      io.stdout(components.length === 0 ? 'no component has sent a heartbeat yet\n' : `${formatTable(components, COMPONENT_COLUMNS)}\n`);
    },
  },
  {
    words: 'status',
    args: '',
    summary: "the DC's components, the dedupers' lag and each destination's lag",
    named: false,
    async run({ client, json, io }) {
      const answer = await client.call('GET', '/api/status');
      if (json) {
        io.stdout(`${answer.text}\n`);
        return;
      }
      const body = isRecord(answer.body) ? answer.body : {};
      const components = list(body['components']);
      const counts = new Map<string, number>();
      for (const c of components) counts.set(String(c['state']), (counts.get(String(c['state'])) ?? 0) + 1);
      const deduper = isRecord(body['deduper']) ? body['deduper'] : undefined;
      const destinations = list(body['destinations']);
      io.stdout(
        `dc: ${String(body['dc'])}\n` +
          `components: ${components.length === 0 ? 'none' : [...counts].map(([state, n]) => `${n} ${state}`).join(', ')}\n` +
          (components.length === 0 ? '' : `\n${formatTable(components, COMPONENT_COLUMNS)}\n`) +
          `\ndeduper lag: ${deduper ? `${orDash(deduper['lag'])} record(s) (group ${String(deduper['group'])})` : 'unknown'}\n` +
          (destinations.length === 0 ? 'no destinations\n' : `\n${formatTable(destinations, DESTINATION_PROGRESS_COLUMNS)}\n`) +
          problemsText(body),
      );
    },
  },
  {
    words: 'channel status',
    args: '<name>',
    summary: "whether the channel's changes flow, what carries them, and its destination's lag",
    named: true,
    async run({ name, client, json, io }) {
      const answer = await client.call('GET', `/api/channels/${encodeURIComponent(name)}/status`);
      if (json) {
        io.stdout(`${answer.text}\n`);
        return;
      }
      const body = isRecord(answer.body) ? answer.body : {};
      const channel = isRecord(body['channel']) ? body['channel'] : {};
      const destination = isRecord(body['destination']) ? body['destination'] : undefined;
      const instances = (value: unknown) => list(value).map((c) => `${String(c['instance'])} (${String(c['state'])})`).join(', ') || 'none';
      io.stdout(
        `${formatRecord({
          channel: channel['name'],
          table: `${String(channel['keyspace'])}.${String(channel['table'])}`,
          destination: channel['destination'],
          image: channel['image'],
          state: body['state'],
          topic: body['topic'],
          events: body['events'],
          'destination lag': destination ? destination['lag'] : undefined,
          readers: instances(body['readers']),
          publishers: instances(body['publishers']),
        })}\n` +
          (Array.isArray(body['reasons']) ? body['reasons'].map((r) => `why: ${String(r)}\n`).join('') : '') +
          problemsText(body),
      );
    },
  },
  {
    words: 'offsets',
    args: '[<destination>]',
    summary: "each destination's position in the mutations topic, per partition",
    named: true,
    nameOptional: true,
    async run({ name, client, json, io }) {
      const answer = await client.call('GET', name === '' ? '/api/offsets' : `/api/offsets?destination=${encodeURIComponent(name)}`);
      if (json) {
        io.stdout(`${answer.text}\n`);
        return;
      }
      const rows = list(answer.body).flatMap((d) =>
        list(d['partitions']).map((p) => ({ destination: d['destination'], paused: d['paused'], ...p })),
      );
      const columns: Column[] = [
        { heading: 'DESTINATION', value: (r) => r['destination'] },
        paused,
        { heading: 'PARTITION', value: (r) => r['partition'] },
        { heading: 'COMMITTED', value: (r) => r['committed'] ?? 'none' },
        { heading: 'END', value: (r) => r['end'] },
        { heading: 'LAG', value: (r) => r['lag'] },
      ];
      io.stdout(rows.length === 0 ? 'no offsets: no destinations, or the mutations topic does not exist yet\n' : `${formatTable(rows, columns)}\n`);
    },
  },
  {
    words: 'offsets reset',
    args: '<destination> --to earliest|latest|<writetime>',
    summary: 'move a paused destination to the earliest or latest mutation, or to those received from a writetime on',
    named: true,
    options: { to: { type: 'string' } },
    optionHelp: `  --to earliest     replay everything the mutations topic still holds
  --to latest       skip to the end: only new mutations
  --to <writetime>  replay what arrived from a Cassandra writetime on: an ISO-8601 time
                    (2026-11-21T10:00:00Z) or microseconds since the epoch, as writetime() gives
The destination must be paused first (meridian pause <destination>); resume it afterwards.
`,
    async run({ name, values, client, json, io }) {
      const to = required(values, 'to', 'offsets reset');
      const body = to === 'earliest' || to === 'latest' ? { destination: name, to } : { destination: name, to: 'writetime', writetime: to };
      const answer = await client.call('POST', '/api/offsets/reset', body);
      if (json) {
        io.stdout(`${answer.text}\n`);
        return;
      }
      const result = isRecord(answer.body) ? answer.body : {};
      const moves = list(result['partitions']).map((p) => `  partition ${String(p['partition'])}: ${typeof p['from'] === 'string' ? p['from'] : 'none'} -> ${String(p['to'])}\n`);
      io.stdout(`destination ${name} reset to ${to}; resume it to read on from there\n${moves.join('')}`);
    },
  },
];

const COMMANDS: readonly Command[] = [...destinationCommands, ...channelCommands, ...shortForms, ...observeCommands];
/** First words that take a second one; `offsets` is a command on its own too. */
const GROUPS = ['destination', 'channel', 'offsets'];

/** One line per command, its summary beside it, or below it where the usage line is long. */
function commandList(commands: readonly Command[]): string {
  const COLUMN = 28;
  return commands
    .map((c) => {
      const usage = `${c.words}${c.args ? ` ${c.args}` : ''}`;
      return usage.length < COLUMN ? `  ${usage.padEnd(COLUMN)}${c.summary}\n` : `  ${usage}\n  ${' '.repeat(COLUMN)}${c.summary}\n`;
    })
    .join('');
}

const TOP_HELP = `Usage: meridian <command> [options]

Manages the destinations and channels of a Meridian coordinator over its REST API, and
shows the state of the DC's components and their progress.

Commands:
${commandList(COMMANDS)}
${GLOBAL_HELP}`;

function groupHelp(group: string): string {
  return `Usage: meridian ${group} <command> [options]

Commands:
${commandList(COMMANDS.filter((c) => c.words.startsWith(`${group} `)))}
${GLOBAL_HELP}`;
}

function commandHelp(command: Command): string {
  return `Usage: meridian ${command.words}${command.args ? ` ${command.args}` : ''} [global options]

${command.summary[0]?.toUpperCase() ?? ''}${command.summary.slice(1)}.
${command.optionHelp ? `\nOptions:\n${command.optionHelp}` : ''}
${GLOBAL_HELP}`;
}

/** Runs one command line; resolves to the exit code, having written everything it has to say. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const usage = (message: string, help: string) => {
    io.stderr(`meridian: ${message}\n\n${help}`);
    return EXIT.usage;
  };
  const { words, rest } = splitWords(argv);
  const wantsHelp = rest.some((arg) => arg === '--help' || arg === '-h');
  const [first, second] = words;
  if (first === undefined) return wantsHelp ? (io.stdout(TOP_HELP), EXIT.ok) : usage('missing command', TOP_HELP);
  const isGroup = GROUPS.includes(first);
  const alone = COMMANDS.find((c) => c.words === first);
  if (!isGroup && !alone) return usage(`unknown command "${first}"`, TOP_HELP);
  const pair = isGroup && second !== undefined ? COMMANDS.find((c) => c.words === `${first} ${second}`) : undefined;
  // `offsets` is a group and a command: `meridian offsets orders` is the command with its argument.
  const command = pair ?? alone;
  if (!command) {
    if (second === undefined) return wantsHelp ? (io.stdout(groupHelp(first)), EXIT.ok) : usage(`missing command after "${first}"`, groupHelp(first));
    return usage(`unknown command "${first} ${second}"`, groupHelp(first));
  }
  // Words after the command's own are its argument.
  const args = [...words.slice(pair ? 2 : 1), ...rest];

  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true }));
  } catch (error) {
    return usage(errorLike(error)?.message ?? String(error), commandHelp(command));
  }
  if (values['help'] === true) return (io.stdout(commandHelp(command)), EXIT.ok);
  if (command.named && !command.nameOptional && positionals.length === 0) return usage(`${command.words} needs ${command.args.split(' ')[0] ?? '<name>'}`, commandHelp(command));
  const extra = positionals.slice(command.named ? 1 : 0);
  if (extra.length > 0) return usage(`unexpected argument "${extra.join(' ')}"`, commandHelp(command));

  const url = stringValue(values['url']) || io.env['MERIDIAN_COORDINATOR_URL'] || DEFAULT_URL;
  if (!isHttpUrl(url)) return usage(`--url must be an http:// or https:// URL, got "${url}"`, commandHelp(command));
  const client = new CoordinatorClient(url, stringValue(values['token']) || io.env['MERIDIAN_API_TOKEN'] || undefined);
  try {
    await command.run({ name: positionals[0] ?? '', values, client, json: values['json'] === true, io });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message, commandHelp(command));
    if (error instanceof CoordinatorRefusedError) {
      const hint = error.status === 401 || error.status === 403 ? ' (give the token with --token or MERIDIAN_API_TOKEN)' : '';
      io.stderr(`meridian: ${error.message}${hint}\n${error.problems.map((p) => `  ${p.field}: ${p.message}\n`).join('')}`);
      return EXIT.refused;
    }
    if (error instanceof CoordinatorUnavailableError) {
      io.stderr(`meridian: ${error.message}\n`);
      return EXIT.unavailable;
    }
    // Not expected; still a message, never a stack trace.
    io.stderr(`meridian: ${errorLike(error)?.message ?? String(error)}\n`);
    return EXIT.refused;
  }
}

/**
 * Picks the command words (up to two) out of the arguments, wherever the global options
 * are, so that `meridian --url X channel list` and `meridian channel list --url X` both work.
 */
function splitWords(argv: readonly string[]): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('-')) {
      rest.push(arg);
      // The value of a string option is not a command word.
      if ((arg === '--url' || arg === '--token') && i + 1 < argv.length) rest.push(argv[++i] ?? '');
    } else if (words.length < 2 && (words.length === 0 || GROUPS.includes(words[0] ?? ''))) {
      words.push(arg);
    } else {
      rest.push(arg);
    }
  }
  return { words, rest };
}

function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function stringValue(value: Values[string]): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function strings(value: Values[string]): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function required(values: Values, option: string, command: string): string {
  const value = stringValue(values[option]);
  if (value === undefined || value === '') throw new UsageError(`${command} needs --${option}`);
  return value;
}
