package dev.meridian.oracle;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.cassandra.cql3.ColumnIdentifier;
import org.apache.cassandra.db.marshal.AbstractType;
import org.apache.cassandra.db.marshal.CounterColumnType;
import org.apache.cassandra.db.marshal.ReversedType;
import org.apache.cassandra.schema.CQLTypeParser;
import org.apache.cassandra.schema.ColumnMetadata;
import org.apache.cassandra.schema.DroppedColumn;
import org.apache.cassandra.schema.KeyspaceMetadata;
import org.apache.cassandra.schema.KeyspaceParams;
import org.apache.cassandra.schema.Schema;
import org.apache.cassandra.schema.SchemaConstants;
import org.apache.cassandra.schema.SchemaTransformations;
import org.apache.cassandra.schema.TableId;
import org.apache.cassandra.schema.TableMetadata;
import org.apache.cassandra.schema.TableParams;
import org.apache.cassandra.schema.Tables;
import org.apache.cassandra.schema.Types;
import org.apache.cassandra.schema.UserFunctions;
import org.apache.cassandra.schema.Views;

/**
 * Registers the tables of a SchemaDescription (libs/commitlog/src/schema/table-schema.ts)
 * in Cassandra's in-process Schema, so that Mutation deserialization finds them by TableId.
 *
 * The description is a transcript of system_schema (types, columns, dropped_columns), so
 * this does what Cassandra itself does when it loads system_schema at startup
 * (SchemaKeyspace.fetchTypes / fetchTable / createColumnFromRow / createDroppedColumnFromRow):
 * CQL type strings go through CQLTypeParser, DESC clustering columns are wrapped in
 * ReversedType, and the table keeps its exact TableId. Going through CREATE TABLE text
 * instead would mean re-quoting identifiers and re-deriving what system_schema already says.
 * The keyspaces are then added with Schema.instance.transform(addKeyspace), the offline
 * path CQLSSTableWriter uses.
 */
final class SchemaLoader
{
    private SchemaLoader() {}

    /** Registers every keyspace of the description; returns the ids of the tables registered. */
    static List<TableId> register(JsonNode description)
    {
        int version = description.path("version").asInt(-1);
        if (version != 1)
            throw new IllegalArgumentException("schema: unsupported version " + description.path("version") + " (expected 1)");

        // Keyspaces in first-seen order: UDTs first, then tables.
        Map<String, Types.RawBuilder> typeBuilders = new LinkedHashMap<>();
        Map<String, List<JsonNode>> tablesByKeyspace = new LinkedHashMap<>();
        for (JsonNode type : description.path("types"))
        {
            String ks = text(type, "keyspace");
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (JsonNode field : type.path("fields"))
            {
                names.add(text(field, "name"));
                types.add(text(field, "type"));
            }
            // RawBuilder resolves UDTs that reference each other, in any order (as SchemaKeyspace.fetchTypes).
            typeBuilders.computeIfAbsent(ks, Types::rawBuilder).add(text(type, "name"), names, types);
        }
        for (JsonNode table : description.path("tables"))
            tablesByKeyspace.computeIfAbsent(text(table, "keyspace"), k -> new ArrayList<>()).add(table);

        List<TableId> registered = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> e : tablesByKeyspace.entrySet())
        {
            String ks = e.getKey();
            // `system` and `system_schema` are built into Cassandra and cannot be replaced
            // offline; their mutations are reported as unknown tables (the tests compare the rest).
            if (SchemaConstants.isLocalSystemKeyspace(ks))
            {
                typeBuilders.remove(ks);
                continue;
            }
            Types.RawBuilder raw = typeBuilders.remove(ks);
            Types types = raw == null ? Types.none() : raw.build();
            Tables.Builder tables = Tables.builder();
            for (JsonNode table : e.getValue())
            {
                TableMetadata metadata = table(ks, table, types);
                tables.add(metadata);
                registered.add(metadata.id);
            }
            addKeyspace(ks, tables.build(), types);
        }
        // Keyspaces with types but no table: harmless, but register them for completeness.
        for (Map.Entry<String, Types.RawBuilder> e : typeBuilders.entrySet())
            addKeyspace(e.getKey(), Tables.none(), e.getValue().build());
        return registered;
    }

    private static void addKeyspace(String ks, Tables tables, Types types)
    {
        // Replication is irrelevant to reading mutations; simple(1) as CQLSSTableWriter does.
        KeyspaceMetadata ksm = KeyspaceMetadata.create(ks, KeyspaceParams.simple(1), tables, Views.none(), types, UserFunctions.none());
        Schema.instance.transform(SchemaTransformations.addKeyspace(ksm, false));
    }

    private static TableMetadata table(String ks, JsonNode table, Types types)
    {
        String name = text(table, "table");
        TableId id = TableId.fromUUID(UUID.fromString(text(table, "id")));
        TableMetadata.Builder builder = TableMetadata.builder(ks, name, id)
                                                     .params(TableParams.builder().cdc(table.path("cdc").asBoolean(false)).build());

        int position = 0;
        for (JsonNode column : table.path("partitionKey"))
            builder.addColumn(column(ks, name, column, types, position++, ColumnMetadata.Kind.PARTITION_KEY, false));
        position = 0;
        for (JsonNode column : table.path("clustering"))
        {
            boolean desc = "desc".equalsIgnoreCase(column.path("order").asText("asc"));
            builder.addColumn(column(ks, name, column, types, position++, ColumnMetadata.Kind.CLUSTERING, desc));
        }
        boolean counter = false;
        for (JsonNode column : table.path("columns"))
        {
            ColumnMetadata c = column(ks, name, column, types, ColumnMetadata.NO_POSITION, kind(column), false);
            counter |= c.type instanceof CounterColumnType;
            builder.addColumn(c);
        }
        // system_schema.tables.flags is not in the description; a table is a counter table
        // exactly when it has counter columns (CreateTableStatement enforces all-or-none).
        builder.isCounter(counter);

        Map<ByteBuffer, DroppedColumn> dropped = new HashMap<>();
        for (JsonNode column : table.path("droppedColumns"))
        {
            // Cassandra stores dropped types with UDTs expanded to tuples and parses them with
            // Types.none(); the keyspace's types are passed too so a hand-written UDT name works.
            ColumnMetadata c = column(ks, name, column, types, ColumnMetadata.NO_POSITION, kind(column), false);
            long droppedTime = Long.parseLong(text(column, "droppedTime")); // already microseconds
            dropped.put(c.name.bytes, new DroppedColumn(c, droppedTime));
        }
        builder.droppedColumns(dropped);
        return builder.build();
    }

    private static ColumnMetadata column(String ks, String table, JsonNode column, Types types, int position,
                                         ColumnMetadata.Kind kind, boolean reversed)
    {
        AbstractType<?> type = CQLTypeParser.parse(ks, text(column, "type"), types);
        if (reversed)
            type = ReversedType.getInstance(type);
        // keepCase = true: names are as stored in system_schema (case-sensitive, unquoted).
        ColumnIdentifier name = ColumnIdentifier.getInterned(text(column, "name"), true);
        return new ColumnMetadata(ks, table, name, type, position, kind, null);
    }

    private static ColumnMetadata.Kind kind(JsonNode column)
    {
        return "static".equals(column.path("kind").asText("regular")) ? ColumnMetadata.Kind.STATIC : ColumnMetadata.Kind.REGULAR;
    }

    private static String text(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual())
            throw new IllegalArgumentException("schema: missing string \"" + field + "\" in " + node);
        return value.asText();
    }
}
