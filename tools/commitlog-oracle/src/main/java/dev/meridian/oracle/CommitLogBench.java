package dev.meridian.oracle;

import java.io.IOException;
import java.util.List;

import org.apache.cassandra.db.Mutation;
import org.apache.cassandra.db.commitlog.CommitLogDescriptor;
import org.apache.cassandra.db.commitlog.CommitLogReadHandler;
import org.apache.cassandra.db.commitlog.CommitLogReader;
import org.apache.cassandra.io.util.File;

/**
 * The baseline of bench/commitlog: Cassandra's own CommitLogReader reading the same
 * segments over and over, for a warm-up and then a measured interval, counting what it
 * deserializes. Prints one JSON line: bytes, mutations, seconds and the rates.
 */
final class CommitLogBench
{
    private CommitLogBench() {}

    static void run(List<String> segments, double seconds) throws IOException
    {
        long bytesPerPass = 0;
        for (String segment : segments)
            bytesPerPass += new File(segment).length();

        Counter counter = new Counter();
        CommitLogReader reader = new CommitLogReader();
        // Warm-up: let the JIT compile the read path before anything is measured.
        long warmupEnd = System.nanoTime() + (long) (seconds / 2 * 1e9);
        while (System.nanoTime() < warmupEnd)
            pass(reader, counter, segments);

        counter.mutations = 0;
        long passes = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end)
        {
            pass(reader, counter, segments);
            passes++;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long bytes = passes * bytesPerPass;
        System.out.printf("{\"reader\":\"cassandra\",\"passes\":%d,\"bytes\":%d,\"mutations\":%d,\"seconds\":%.3f,\"mbPerSecond\":%.2f,\"mutationsPerSecond\":%.0f,\"errors\":%d}%n",
                          passes, bytes, counter.mutations, elapsed, bytes / elapsed / 1e6, counter.mutations / elapsed, counter.errors);
    }

    private static void pass(CommitLogReader reader, Counter counter, List<String> segments) throws IOException
    {
        for (String segment : segments)
            reader.readCommitLogSegment(counter, new File(segment), true);
    }

    private static final class Counter implements CommitLogReadHandler
    {
        long mutations;
        long errors;

        public boolean shouldSkipSegmentOnError(CommitLogReadException exception)
        {
            errors++;
            return false;
        }

        public void handleUnrecoverableError(CommitLogReadException exception)
        {
            errors++;
        }

        public void handleMutation(Mutation m, int size, int entryLocation, CommitLogDescriptor desc)
        {
            mutations++;
        }
    }
}
