export * from './schema/table-schema';
