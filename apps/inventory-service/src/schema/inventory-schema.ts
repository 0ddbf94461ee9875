import { Inject, Injectable } from '@nestjs/common';
import { SchemaGate } from '@meridian/service';

/** Creates the keyspace and tables where missing; returns what it did, for the log. */
export interface SchemaSetup {
  ensure(): Promise<string[]>;
}

export const SCHEMA_SETUP = Symbol('SCHEMA_SETUP');

/** The keyspace and the stock and reservations tables: events wait for them, HTTP calls answer 503 until they are in place. */
@Injectable()
export class InventorySchema extends SchemaGate {
  constructor(@Inject(SCHEMA_SETUP) setup: SchemaSetup) {
    super('the stock and reservations tables', () => setup.ensure());
  }
}
