package dev.meridian.oracle;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.cassandra.config.Config;
import org.apache.cassandra.config.DataStorageSpec;
import org.apache.cassandra.config.DatabaseDescriptor;
import org.apache.cassandra.db.Mutation;
import org.apache.cassandra.db.commitlog.CommitLogDescriptor;
import org.apache.cassandra.db.commitlog.CommitLogPosition;
import org.apache.cassandra.db.commitlog.CommitLogReadHandler;
import org.apache.cassandra.db.commitlog.CommitLogReader;
import org.apache.cassandra.db.commitlog.CommitLogSegment;
import org.apache.cassandra.db.partitions.PartitionUpdate;
import org.apache.cassandra.dht.Murmur3Partitioner;
import org.apache.cassandra.io.util.File;
import org.apache.cassandra.schema.TableId;

/**
 * The commit log oracle: reads Cassandra commit log segments with Cassandra's own
 * CommitLogReader and prints every partition update it deserializes, one JSON object a
 * line, in the dump format of libs/commitlog/docs/dump-format.md.
 *
 * <pre>
 * CommitLogOracle --schema schema.json [--cdc-idx] segment.log...
 * </pre>
 *
 * stdout: JSON Lines only. stderr: one line per mutation of a table the schema does not
 * describe ({@code unknown table id <id> at <segment>:<position>}), one line per read error,
 * and Cassandra's own warnings. Exit status: 0; 1 after a read error that is not just the
 * torn tail of a live segment (see Handler.error); 2 for bad usage or an unusable schema.
 */
public final class CommitLogOracle
{
    private CommitLogOracle() {}

    public static void main(String[] args) throws IOException
    {
        String schemaFile = null;
        boolean cdcIdx = false;
        double benchSeconds = 0;
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--schema":
                    if (++i == args.length)
                        usage("--schema needs a file");
                    schemaFile = args[i];
                    break;
                case "--cdc-idx":
                    cdcIdx = true;
                    break;
                case "--bench":
                    if (++i == args.length)
                        usage("--bench needs a number of seconds");
                    benchSeconds = Double.parseDouble(args[i]);
                    break;
                default:
                    if (args[i].startsWith("--"))
                        usage("unknown option " + args[i]);
                    segments.add(args[i]);
            }
        }
        if (schemaFile == null || segments.isEmpty())
            usage("need --schema and at least one segment");

        // Client mode: an empty in-memory Config, no cassandra.yaml, no data directories, and
        // (unlike tool mode) no system keyspaces in Schema, so the only tables Cassandra knows
        // are those of the description and everything else is reported as an unknown table,
        // exactly as the decoder sees it. Mutation deserialization decorates keys, which needs
        // a partitioner: Murmur3, as CQLSSTableWriter does (the token plays no part in the output).
        DatabaseDescriptor.clientInitialization(true, () -> {
            Config config = new Config();
            // Derived by applySimpleConfig() in daemon/tool mode but not in client mode, and read
            // by IMutation's static initializer (a write-side limit; unused when reading).
            config.max_mutation_size = new DataStorageSpec.IntKibibytesBound(config.commitlog_segment_size.toKibibytes() / 2);
            return config;
        });
        if (DatabaseDescriptor.getPartitioner() == null)
            DatabaseDescriptor.setPartitionerUnsafe(Murmur3Partitioner.instance);
        try
        {
            SchemaLoader.register(new ObjectMapper().readTree(Path.of(schemaFile).toFile()));
        }
        catch (Exception e) // unreadable JSON, an unparsable CQL type, a table Cassandra rejects...
        {
            usage("cannot load the schema " + schemaFile + ": " + e);
        }

        if (benchSeconds > 0)
        {
            CommitLogBench.run(segments, benchSeconds);
            System.exit(0);
        }

        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        Handler handler = new Handler(out, System.err);
        OracleReader reader = new OracleReader(handler);
        for (String segment : segments)
        {
            File file = new File(segment);
            handler.startSegment(file.name());
            try
            {
                // No _cdc.idx: no CDC write has been synced to the segment yet (or it is not a
                // cdc_raw segment); it is then read as far as its sync markers go.
                Long offset = cdcIdx ? cdcIndexOffset(file) : null;
                if (offset != null)
                    handler.limit = offset;
                // tolerateTruncation: any segment may be the one still being written; the
                // reader stops at the last sync marker the file holds.
                reader.readCommitLogSegment(handler, file, true);
            }
            catch (IOException | RuntimeException e)
            {
                handler.error(e.toString(), false);
            }
            out.flush();
        }
        out.flush();
        System.out.flush();
        // Cassandra's classes leave non-daemon threads behind (approximate clock, etc.).
        System.exit(handler.failed ? 1 : 0);
    }

    private static void usage(String message)
    {
        System.err.println("commitlog-oracle: " + message);
        System.err.println("usage: commitlog-oracle --schema schema.json [--cdc-idx | --bench SECONDS] segment.log...");
        System.exit(2);
    }

    /**
     * The durable offset Cassandra wrote to CommitLog-&lt;v&gt;-&lt;id&gt;_cdc.idx beside the
     * segment (first line; a second line COMPLETED once the segment is closed), or null.
     */
    private static Long cdcIndexOffset(File segment) throws IOException
    {
        String name = segment.name();
        if (!name.endsWith(".log"))
            return null;
        Path idx = segment.toPath().resolveSibling(name.substring(0, name.length() - 4) + "_cdc.idx");
        try
        {
            String first = Files.readString(idx, StandardCharsets.UTF_8).split("\n", 2)[0].trim();
            return first.isEmpty() ? null : Long.parseLong(first);
        }
        catch (NoSuchFileException e)
        {
            return null;
        }
    }

    /**
     * Prints what CommitLogReader hands over. Errors never stop the run: each is reported
     * and reading goes on as far as CommitLogReader can, as CommitLogReplayer does with an
     * error it tolerates (shouldSkipSegmentOnError returns false): a bad entry CRC skips
     * that entry, a bad size or size CRC the rest of its sync section, a bad sync marker
     * the rest of the segment.
     */
    static final class Handler implements CommitLogReadHandler
    {
        private final ObjectMapper json = new ObjectMapper();
        private final Writer out;
        private final PrintStream err;
        String segment;
        /** With --cdc-idx: entries ending past this (logical) offset are not durable yet. */
        long limit;
        /** The end of the last entry read from this segment whose checksums were good. */
        long reached;
        boolean failed;

        Handler(Writer out, PrintStream err)
        {
            this.out = out;
            this.err = err;
        }

        void startSegment(String name)
        {
            segment = name;
            limit = Long.MAX_VALUE;
            reached = 0;
        }

        /**
         * The offset of an entry's first byte (its size field). CommitLogReader reports
         * entryLocation = the reader's position after the entry: size (4), size CRC (4),
         * mutation (size), CRC (4). In a compressed segment that position is logical: each
         * sync section is decompressed into a FileSegmentInputStream that starts at the
         * section's offset in the uncompressed segment buffer the node wrote into
         * (CommitLogSegmentReader.CompressedSegmenter: header length, then + 8 for each sync
         * marker, + each section's uncompressed length), which is the offset space that
         * CommitLogPosition and _cdc.idx use. So the same formula holds for both.
         */
        static long entryStart(int entryLocation, int size)
        {
            return (long) entryLocation - size - CommitLogSegment.ENTRY_OVERHEAD_SIZE;
        }

        @Override
        public void handleMutation(Mutation mutation, int size, int entryLocation, CommitLogDescriptor desc)
        {
            if (entryLocation > limit)
                return;
            long position = entryStart(entryLocation, size);
            try
            {
                // Several partition updates of one mutation (a batch, several tables of one
                // keyspace and key) share the position, in their serialized order.
                for (PartitionUpdate update : mutation.getPartitionUpdates())
                {
                    String line;
                    try
                    {
                        line = json.writeValueAsString(DumpJson.partition(segment, position, update));
                    }
                    catch (RuntimeException e) // a value this tool cannot render (a custom type...)
                    {
                        error("cannot print the update of " + update.metadata() + " at " + position + ": " + e, false);
                        continue;
                    }
                    out.write(line);
                    out.write('\n');
                }
            }
            catch (IOException e)
            {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void unknownTable(TableId id, int size, int entryLocation)
        {
            if (entryLocation <= limit)
                err.println("unknown table id " + id + " at " + segment + ":" + entryStart(entryLocation, size));
        }

        @Override
        public boolean shouldSkipSegmentOnError(CommitLogReadException e)
        {
            error(e.getMessage() + " (" + e.reason + ")", e.permissible);
            return false;
        }

        @Override
        public void handleUnrecoverableError(CommitLogReadException e)
        {
            error(e.getMessage() + " (" + e.reason + ")", e.permissible);
        }

        /**
         * Every read error is printed. Whether it fails the run: with --cdc-idx, an error
         * past the durable offset is only the torn tail of a segment still being written,
         * and any error before it is real; without, Cassandra's own verdict decides
         * ("permissible": what replay tolerates at the end of the last segment, which is
         * how every segment is read here since any of them may be the live one).
         */
        void error(String message, boolean permissible)
        {
            boolean benign = limit != Long.MAX_VALUE ? reached >= limit : permissible;
            err.println((benign ? "warning: " : "error: ") + segment + ": " + message);
            failed |= !benign;
        }
    }

    /**
     * CommitLogReader, unchanged except that it names the mutations it drops for an unknown
     * table: readMutation catches UnknownTableException itself and only counts it per table
     * id (getInvalidMutations), so we watch those counts around each call. Deserialization,
     * validation and every other decision stay Cassandra's.
     */
    static final class OracleReader extends CommitLogReader
    {
        private final Handler handler;
        private final Map<TableId, Integer> invalidSeen = new HashMap<>();

        OracleReader(Handler handler)
        {
            this.handler = handler;
        }

        @Override
        protected void readMutation(CommitLogReadHandler h, byte[] buffer, int size, CommitLogPosition minPosition,
                                    int entryLocation, CommitLogDescriptor desc) throws IOException
        {
            handler.reached = Math.max(handler.reached, entryLocation);
            super.readMutation(h, buffer, size, minPosition, entryLocation, desc);
            for (Map.Entry<TableId, AtomicInteger> e : getInvalidMutations())
            {
                int count = e.getValue().get();
                Integer seen = invalidSeen.put(e.getKey(), count);
                if (seen == null || seen != count)
                    handler.unknownTable(e.getKey(), size, entryLocation);
            }
        }
    }
}
