import type { UserTypeSchema } from '../schema/table-schema';

export type NativeTypeName =
  | 'ascii'
  | 'bigint'
  | 'blob'
  | 'boolean'
  | 'counter'
  | 'date'
  | 'decimal'
  | 'double'
  | 'duration'
  | 'float'
  | 'inet'
  | 'int'
  | 'smallint'
  | 'text'
  | 'time'
  | 'timestamp'
  | 'timeuuid'
  | 'tinyint'
  | 'uuid'
  | 'varint';

export type CqlType =
  | { readonly kind: 'native'; readonly name: NativeTypeName }
  | { readonly kind: 'list' | 'set'; readonly element: CqlType; readonly frozen: boolean }
  | { readonly kind: 'map'; readonly key: CqlType; readonly value: CqlType; readonly frozen: boolean }
  | { readonly kind: 'tuple'; readonly elements: readonly CqlType[] }
  | { readonly kind: 'udt'; readonly keyspace: string; readonly name: string; readonly fields: readonly { readonly name: string; readonly type: CqlType }[]; readonly frozen: boolean }
  | { readonly kind: 'vector'; readonly element: CqlType; readonly dimension: number };

const NATIVE: ReadonlySet<string> = new Set<NativeTypeName>([
  'ascii', 'bigint', 'blob', 'boolean', 'counter', 'date', 'decimal', 'double', 'duration', 'float',
  'inet', 'int', 'smallint', 'text', 'time', 'timestamp', 'timeuuid', 'tinyint', 'uuid', 'varint',
]);

export class CqlTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CqlTypeError';
  }
}

/**
 * Parses a CQL type as `system_schema` writes it (`frozen<map<text, int>>`,
 * `vector<float, 3>`, a UDT's name, quoted when it needs to be), resolving UDTs among
 * `types` of `keyspace`.
 */
export function parseCqlType(text: string, keyspace: string, types: readonly UserTypeSchema[]): CqlType {
  const parser = new TypeParser(text, keyspace, types);
  const type = parser.type(false);
  parser.end();
  return type;
}

class TypeParser {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly keyspace: string,
    private readonly types: readonly UserTypeSchema[],
    private readonly resolving: readonly string[] = [],
  ) {}

  type(frozen: boolean): CqlType {
    const name = this.name();
    const lower = name.quoted ? name.value : name.value.toLowerCase();
    if (!name.quoted && lower === 'frozen') {
      this.expect('<');
      const inner = this.type(true);
      this.expect('>');
      return inner;
    }
    if (!name.quoted && (lower === 'list' || lower === 'set')) {
      this.expect('<');
      const element = this.type(false);
      this.expect('>');
      return { kind: lower, element, frozen };
    }
    if (!name.quoted && lower === 'map') {
      this.expect('<');
      const key = this.type(false);
      this.expect(',');
      const value = this.type(false);
      this.expect('>');
      return { kind: 'map', key, value, frozen };
    }
    if (!name.quoted && lower === 'tuple') {
      this.expect('<');
      const elements = [this.type(false)];
      while (this.peek() === ',') {
        this.expect(',');
        elements.push(this.type(false));
      }
      this.expect('>');
      return { kind: 'tuple', elements };
    }
    if (!name.quoted && lower === 'vector') {
      this.expect('<');
      const element = this.type(false);
      this.expect(',');
      const dimension = Number(this.name().value);
      if (!Number.isInteger(dimension) || dimension <= 0) throw this.error('a vector dimension');
      this.expect('>');
      return { kind: 'vector', element, dimension };
    }
    if (!name.quoted && lower === 'varchar') return { kind: 'native', name: 'text' };
    if (!name.quoted && NATIVE.has(lower)) return { kind: 'native', name: lower as NativeTypeName };
    if (!name.quoted && lower.includes('.')) throw new CqlTypeError(`custom type ${name.value} is not supported`);
    return this.userType(name.value);
  }

  private userType(name: string): CqlType {
    const udt = this.types.find((t) => t.keyspace === this.keyspace && t.name === name);
    if (!udt) throw new CqlTypeError(`unknown type "${name}" in keyspace ${this.keyspace}`);
    if (this.resolving.includes(name)) throw new CqlTypeError(`type "${name}" refers to itself`);
    const fields = udt.fields.map((field) => {
      const parser = new TypeParser(field.type, this.keyspace, this.types, [...this.resolving, name]);
      const type = parser.type(false);
      parser.end();
      return { name: field.name, type };
    });
    // A UDT is non-frozen only as a column's own type; nested ones are always frozen.
    return { kind: 'udt', keyspace: this.keyspace, name, fields, frozen: true };
  }

  private name(): { value: string; quoted: boolean } {
    this.space();
    if (this.text[this.at] === '"') {
      let value = '';
      this.at++;
      for (;;) {
        const c = this.text[this.at];
        if (c === undefined) throw this.error('a closing quote');
        this.at++;
        if (c === '"') {
          if (this.text[this.at] !== '"') break;
          this.at++;
        }
        value += c;
      }
      return { value, quoted: true };
    }
    const start = this.at;
    while (this.at < this.text.length && /[\w.]/.test(this.text[this.at] ?? '')) this.at++;
    if (start === this.at) throw this.error('a type name');
    return { value: this.text.slice(start, this.at), quoted: false };
  }

  private peek(): string | undefined {
    this.space();
    return this.text[this.at];
  }

  private expect(char: string): void {
    if (this.peek() !== char) throw this.error(`"${char}"`);
    this.at++;
  }

  end(): void {
    if (this.peek() !== undefined) throw this.error('the end');
  }

  private space(): void {
    while (this.text[this.at] === ' ') this.at++;
  }

  private error(wanted: string): CqlTypeError {
    return new CqlTypeError(`cannot parse type "${this.text}": expected ${wanted} at ${this.at}`);
  }
}

/** A column's type as stored: a top-level UDT is non-frozen unless the text says frozen. */
export function columnType(text: string, keyspace: string, types: readonly UserTypeSchema[]): CqlType {
  const type = parseCqlType(text, keyspace, types);
  if (type.kind === 'udt' && !/^\s*frozen\s*</i.test(text)) return { ...type, frozen: false };
  return type;
}

/** Whether cells of a column of this type are one cell (simple) or a cell per element/field (complex). */
export function isComplex(type: CqlType): boolean {
  return (type.kind === 'list' || type.kind === 'set' || type.kind === 'map' || type.kind === 'udt') && !type.frozen;
}

/** `AbstractType.valueLengthIfFixed`: the byte length of every value of the type, or -1. */
export function fixedLength(type: CqlType): number {
  if (type.kind === 'vector') {
    const element = fixedLength(type.element);
    return element < 0 ? -1 : element * type.dimension;
  }
  if (type.kind !== 'native') return -1;
  switch (type.name) {
    case 'boolean':
      return 1;
    case 'int':
    case 'float':
      return 4;
    case 'bigint':
    case 'double':
    case 'timestamp':
      return 8;
    case 'uuid':
    case 'timeuuid':
      return 16;
    default:
      return -1;
  }
}
