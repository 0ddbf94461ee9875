package dev.meridian.oracle;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.cassandra.cql3.Duration;
import org.apache.cassandra.db.Clustering;
import org.apache.cassandra.db.ClusteringBound;
import org.apache.cassandra.db.ClusteringPrefix;
import org.apache.cassandra.db.DeletionTime;
import org.apache.cassandra.db.LivenessInfo;
import org.apache.cassandra.db.RangeTombstone;
import org.apache.cassandra.db.context.CounterContext;
import org.apache.cassandra.db.marshal.*;
import org.apache.cassandra.db.partitions.PartitionUpdate;
import org.apache.cassandra.db.rows.Cell;
import org.apache.cassandra.db.rows.ColumnData;
import org.apache.cassandra.db.rows.ComplexColumnData;
import org.apache.cassandra.db.rows.Row;
import org.apache.cassandra.schema.ColumnMetadata;
import org.apache.cassandra.schema.TableMetadata;
import org.apache.cassandra.serializers.CollectionSerializer;
import org.apache.cassandra.utils.ByteBufferUtil;

/**
 * One PartitionUpdate as Cassandra deserialized it, in the JSON of
 * libs/commitlog/docs/dump-format.md. Key order follows the document; consumers compare
 * parsed objects, not text.
 */
final class DumpJson
{
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private DumpJson() {}

    static ObjectNode partition(String segment, long position, PartitionUpdate update)
    {
        TableMetadata metadata = update.metadata();
        ObjectNode out = F.objectNode();
        out.put("segment", segment);
        out.put("position", position);
        out.put("keyspace", metadata.keyspace);
        out.put("table", metadata.name);
        out.put("tableId", metadata.id.asUUID().toString());
        out.set("key", key(metadata, update.partitionKey().getKey()));
        out.set("partitionDeletion", deletion(update.partitionLevelDeletion()));
        Row staticRow = update.staticRow();
        out.set("staticRow", staticRow == null || staticRow.isEmpty() ? NullNode.instance : row(metadata, staticRow));
        ArrayNode rows = out.putArray("rows");
        for (Row row : update)
            rows.add(row(metadata, row));
        ArrayNode ranges = out.putArray("rangeTombstones");
        // MutableDeletionInfo.Builder already paired the deserialized markers into ranges
        // (a boundary closes one range and opens the next); they come back in clustering order.
        for (Iterator<RangeTombstone> it = update.deletionInfo().rangeIterator(false); it.hasNext(); )
        {
            RangeTombstone rt = it.next();
            ObjectNode range = ranges.addObject();
            range.set("start", bound(metadata, rt.deletedSlice().start()));
            range.set("end", bound(metadata, rt.deletedSlice().end()));
            range.set("deletion", deletion(rt.deletionTime()));
        }
        return out;
    }

    private static ObjectNode key(TableMetadata metadata, ByteBuffer key)
    {
        ObjectNode out = F.objectNode();
        List<ColumnMetadata> columns = metadata.partitionKeyColumns();
        if (columns.size() == 1)
        {
            out.set(columns.get(0).name.toString(), value(columns.get(0).type, key));
            return out;
        }
        ByteBuffer[] components = ((CompositeType) metadata.partitionKeyType).split(key);
        for (int i = 0; i < columns.size(); i++)
            out.set(columns.get(i).name.toString(), components[i] == null ? NullNode.instance : value(columns.get(i).type, components[i]));
        return out;
    }

    private static ObjectNode clustering(TableMetadata metadata, ClusteringPrefix<?> prefix)
    {
        ObjectNode out = F.objectNode();
        for (int i = 0; i < prefix.size(); i++)
        {
            ColumnMetadata column = metadata.clusteringColumns().get(i);
            ByteBuffer component = prefix.bufferAt(i);
            out.set(column.name.toString(), component == null ? NullNode.instance : value(column.type, component));
        }
        return out;
    }

    private static ObjectNode bound(TableMetadata metadata, ClusteringBound<?> bound)
    {
        ObjectNode out = F.objectNode();
        out.set("clustering", clustering(metadata, bound)); // a prefix; {} for an open end
        out.put("inclusive", bound.isInclusive());
        return out;
    }

    private static JsonNode deletion(DeletionTime deletion)
    {
        if (deletion.isLive())
            return NullNode.instance;
        ObjectNode out = F.objectNode();
        out.put("markedForDeleteAt", Long.toString(deletion.markedForDeleteAt()));
        out.put("localDeletionTime", deletion.localDeletionTime());
        return out;
    }

    private static ObjectNode row(TableMetadata metadata, Row row)
    {
        ObjectNode out = F.objectNode();
        Clustering<?> clustering = row.clustering();
        out.set("clustering", clustering(metadata, clustering)); // the static clustering has size 0: {}
        LivenessInfo liveness = row.primaryKeyLivenessInfo();
        if (liveness.isEmpty())
            out.putNull("liveness");
        else
        {
            ObjectNode l = out.putObject("liveness");
            l.put("timestamp", Long.toString(liveness.timestamp()));
            if (liveness.isExpiring())
            {
                l.put("ttl", liveness.ttl());
                l.put("localExpirationTime", liveness.localExpirationTime());
            }
        }
        Row.Deletion deletion = row.deletion();
        JsonNode d = deletion(deletion.time());
        if (d.isObject() && deletion.isShadowable())
            ((ObjectNode) d).put("shadowable", true);
        out.set("deletion", d);
        ObjectNode cells = out.putObject("cells");
        for (ColumnData data : row)
        {
            ColumnMetadata column = data.column();
            if (column.isSimple())
            {
                cells.set(column.name.toString(), cell(column, (Cell<?>) data, null));
            }
            else
            {
                ComplexColumnData complex = (ComplexColumnData) data;
                ObjectNode c = cells.putObject(column.name.toString());
                c.set("deletion", deletion(complex.complexDeletion()));
                ArrayNode list = c.putArray("cells");
                for (Cell<?> cell : complex)
                    list.add(cell(column, cell, cell.path().get(0)));
            }
        }
        return out;
    }

    /** A simple cell (path null) or one cell of a non-frozen collection or UDT. */
    private static ObjectNode cell(ColumnMetadata column, Cell<?> cell, ByteBuffer path)
    {
        ObjectNode out = F.objectNode();
        AbstractType<?> type = column.type;
        if (path != null)
            out.set("path", path(type, path));
        if (cell.isTombstone())
            out.putNull("value");
        else if (cell.isCounterCell())
            // The cell holds a counter context (one shard per replica/counter id): its value is the sum.
            out.put("value", Long.toString(CounterContext.instance().total(cell)));
        else if (type instanceof SetType && type.isMultiCell())
            out.putNull("value"); // a set element is the path; its cell value is empty
        else
            out.set("value", value(cellValueType(type, path), cell.buffer()));
        out.put("timestamp", Long.toString(cell.timestamp()));
        if (cell.isTombstone())
        {
            out.put("tombstone", true);
            out.put("localDeletionTime", cell.localDeletionTime());
        }
        else if (cell.isExpiring())
        {
            out.put("ttl", cell.ttl());
            out.put("localExpirationTime", cell.localDeletionTime());
        }
        return out;
    }

    /** The type of one cell's value: a non-frozen collection or UDT stores one element per cell. */
    private static AbstractType<?> cellValueType(AbstractType<?> type, ByteBuffer path)
    {
        if (!type.isMultiCell())
            return type;
        if (type instanceof ListType)
            return ((ListType<?>) type).getElementsType();
        if (type instanceof MapType)
            return ((MapType<?, ?>) type).getValuesType();
        if (type instanceof TupleType) // a UDT, or a dropped UDT column (whose type Cassandra expands to a tuple)
            return ((TupleType) type).type(ByteBufferUtil.toShort(path));
        throw new IllegalStateException("no cell value type for " + type.asCQL3Type());
    }

    private static JsonNode path(AbstractType<?> type, ByteBuffer path)
    {
        if (type instanceof ListType)
            return value(TimeUUIDType.instance, path); // list cells are keyed by a timeuuid
        if (type instanceof SetType)
            return value(((SetType<?>) type).getElementsType(), path);
        if (type instanceof MapType)
            return value(((MapType<?, ?>) type).getKeysType(), path);
        if (type instanceof UserType)
            return F.textNode(((UserType) type).fieldNameAsString(ByteBufferUtil.toShort(path)));
        if (type instanceof TupleType) // a dropped non-frozen UDT: field names are gone, use the position
            return F.textNode(Short.toString(ByteBufferUtil.toShort(path)));
        throw new IllegalStateException("no cell path for " + type.asCQL3Type());
    }

    /** A serialized value of the given type, as the dump format says. */
    static JsonNode value(AbstractType<?> type, ByteBuffer bytes)
    {
        if (bytes == null)
            return NullNode.instance;
        if (type instanceof ReversedType)
            type = ((ReversedType<?>) type).baseType;
        bytes = bytes.duplicate();
        // "An empty value of a non-text type: null". A blob counts as text here: 0x is a real
        // value to Cassandra (BytesType.isEmptyValueMeaningless() is false, as for text and
        // ascii, and unlike int, uuid, timestamp...), so an empty blob is "", not null.
        if (!bytes.hasRemaining() && !(type instanceof UTF8Type || type instanceof AsciiType || type instanceof BytesType))
            return NullNode.instance;

        if (type instanceof Int32Type)
            return F.numberNode(bytes.getInt(bytes.position()));
        if (type instanceof ShortType)
            return F.numberNode((int) bytes.getShort(bytes.position()));
        if (type instanceof ByteType)
            return F.numberNode((int) bytes.get(bytes.position()));
        if (type instanceof LongType || type instanceof CounterColumnType)
            return F.textNode(Long.toString(bytes.getLong(bytes.position())));
        if (type instanceof IntegerType)
            return F.textNode(new BigInteger(ByteBufferUtil.getArray(bytes)).toString());
        if (type instanceof DecimalType)
            return F.textNode(DecimalType.instance.compose(bytes).toString());
        if (type instanceof FloatType)
            return number((double) bytes.getFloat(bytes.position())); // widening is exact
        if (type instanceof DoubleType)
            return number(bytes.getDouble(bytes.position()));
        if (type instanceof BooleanType)
            return F.booleanNode(bytes.get(bytes.position()) != 0);
        if (type instanceof UTF8Type || type instanceof AsciiType)
            return F.textNode(new String(ByteBufferUtil.getArray(bytes), java.nio.charset.StandardCharsets.UTF_8));
        if (type instanceof BytesType)
            return F.textNode(Base64.getEncoder().encodeToString(ByteBufferUtil.getArray(bytes)));
        if (type instanceof UUIDType || type instanceof TimeUUIDType || type instanceof LexicalUUIDType)
            return F.textNode(new UUID(bytes.getLong(bytes.position()), bytes.getLong(bytes.position() + 8)).toString());
        if (type instanceof TimestampType)
            return F.textNode(isoMillis(bytes.getLong(bytes.position())));
        if (type instanceof SimpleDateType)
            // days since the epoch, stored unsigned with 2^31 as the epoch
            return F.textNode(LocalDate.ofEpochDay(Integer.toUnsignedLong(bytes.getInt(bytes.position())) - (1L << 31)).toString());
        if (type instanceof TimeType)
            return F.textNode(timeOfDay(bytes.getLong(bytes.position())));
        if (type instanceof InetAddressType)
            return F.textNode(inet(bytes));
        if (type instanceof DurationType)
        {
            Duration d = DurationType.instance.compose(bytes);
            ObjectNode out = F.objectNode();
            out.put("months", d.getMonths());
            out.put("days", d.getDays());
            out.put("nanoseconds", Long.toString(d.getNanoseconds()));
            return out;
        }
        if (type instanceof VectorType)
        {
            VectorType<?> vector = (VectorType<?>) type;
            ArrayNode out = F.arrayNode();
            for (ByteBuffer element : vector.split(bytes))
                out.add(value(vector.elementType, element));
            return out;
        }
        if (type instanceof UserType) // frozen (multi-cell UDTs arrive cell by cell)
        {
            UserType udt = (UserType) type;
            ByteBuffer[] fields = udt.split(ByteBufferAccessor.instance, bytes);
            ObjectNode out = F.objectNode();
            for (int i = 0; i < udt.size(); i++) // a value may stop early: missing trailing fields are null
                out.set(udt.fieldNameAsString(i), i < fields.length ? value(udt.fieldType(i), fields[i]) : NullNode.instance);
            return out;
        }
        if (type instanceof TupleType)
        {
            TupleType tuple = (TupleType) type;
            ByteBuffer[] components = tuple.split(ByteBufferAccessor.instance, bytes);
            ArrayNode out = F.arrayNode();
            for (int i = 0; i < tuple.size(); i++)
                out.add(i < components.length ? value(tuple.type(i), components[i]) : NullNode.instance);
            return out;
        }
        if (type instanceof ListType || type instanceof SetType)
        {
            AbstractType<?> elements = type instanceof ListType ? ((ListType<?>) type).getElementsType() : ((SetType<?>) type).getElementsType();
            ArrayNode out = F.arrayNode();
            int n = CollectionSerializer.readCollectionSize(bytes, ByteBufferAccessor.instance);
            int offset = CollectionSerializer.sizeOfCollectionSize();
            for (int i = 0; i < n; i++)
            {
                ByteBuffer element = CollectionSerializer.readValue(bytes, ByteBufferAccessor.instance, offset);
                offset += CollectionSerializer.sizeOfValue(element, ByteBufferAccessor.instance);
                out.add(value(elements, element));
            }
            return out;
        }
        if (type instanceof MapType)
        {
            MapType<?, ?> map = (MapType<?, ?>) type;
            ArrayNode out = F.arrayNode();
            int n = CollectionSerializer.readCollectionSize(bytes, ByteBufferAccessor.instance);
            int offset = CollectionSerializer.sizeOfCollectionSize();
            for (int i = 0; i < n; i++)
            {
                ByteBuffer k = CollectionSerializer.readValue(bytes, ByteBufferAccessor.instance, offset);
                offset += CollectionSerializer.sizeOfValue(k, ByteBufferAccessor.instance);
                ByteBuffer v = CollectionSerializer.readValue(bytes, ByteBufferAccessor.instance, offset);
                offset += CollectionSerializer.sizeOfValue(v, ByteBufferAccessor.instance);
                ArrayNode pair = out.addArray();
                pair.add(value(map.getKeysType(), k));
                pair.add(value(map.getValuesType(), v));
            }
            return out;
        }
        throw new IllegalArgumentException("no JSON form for CQL type " + type.asCQL3Type());
    }

    private static JsonNode number(double d)
    {
        if (Double.isNaN(d))
            return F.textNode("NaN");
        if (Double.isInfinite(d))
            return F.textNode(d > 0 ? "Infinity" : "-Infinity");
        return F.numberNode(d);
    }

    /** JavaScript's Date.prototype.toISOString(): always milliseconds; years outside 0..9999 as ±YYYYYY. */
    static String isoMillis(long millis)
    {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000L), (int) Math.floorMod(millis, 1000L) * 1_000_000, ZoneOffset.UTC);
        int y = t.getYear();
        String year = y >= 0 && y <= 9999 ? String.format("%04d", y) : (y < 0 ? "-" : "+") + String.format("%06d", Math.abs((long) y));
        return String.format("%s-%02d-%02dT%02d:%02d:%02d.%03dZ", year, t.getMonthValue(), t.getDayOfMonth(),
                             t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1_000_000);
    }

    /** HH:MM:SS.nnnnnnnnn from nanoseconds since midnight. */
    static String timeOfDay(long nanos)
    {
        long seconds = nanos / 1_000_000_000L;
        return String.format("%02d:%02d:%02d.%09d", seconds / 3600, (seconds / 60) % 60, seconds % 60, nanos % 1_000_000_000L);
    }

    private static String inet(ByteBuffer bytes)
    {
        try
        {
            // getHostAddress(): IPv6 as 8 groups, lower-case, no "::" compression. Note that
            // Java turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into the IPv4 address.
            return InetAddress.getByAddress(ByteBufferUtil.getArray(bytes)).getHostAddress();
        }
        catch (UnknownHostException e)
        {
            throw new IllegalArgumentException("inet value of " + bytes.remaining() + " bytes", e);
        }
    }
}
