import { z } from 'zod';

/**
 * `POST /api/offsets/reset`: where a paused destination reads on from when it resumes.
 * `writetime` replays what Meridian received at or after that Cassandra writetime.
 */
export const offsetResetSchema = z
  .strictObject({
    destination: z.string().min(1, 'destination must name a destination'),
    to: z.enum(['earliest', 'latest', 'writetime']),
    /** An ISO-8601 time, or microseconds since the epoch as Cassandra's writetime() gives them. */
    writetime: z.string().optional(),
  })
  .superRefine((reset, ctx) => {
    if (reset.to === 'writetime' && reset.writetime === undefined) {
      ctx.addIssue({ code: 'custom', path: ['writetime'], message: 'writetime is required when to is "writetime"' });
    } else if (reset.to !== 'writetime' && reset.writetime !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['writetime'], message: `writetime is only taken with to "writetime", not "${reset.to}"` });
    } else if (reset.writetime !== undefined && writetimeMs(reset.writetime) === undefined) {
      ctx.addIssue({ code: 'custom', path: ['writetime'], message: 'writetime must be an ISO-8601 time (2026-11-21T10:00:00Z) or microseconds since the epoch' });
    }
  });

export type OffsetReset = z.output<typeof offsetResetSchema>;

/** A writetime given as an ISO-8601 time or as microseconds since the epoch, in milliseconds. */
export function writetimeMs(writetime: string): number | undefined {
  if (/^\d{1,19}$/.test(writetime)) return Number(BigInt(writetime) / 1000n);
  // Only full timestamps: Date.parse takes "1" or "May" too.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(writetime)) return undefined;
  const ms = Date.parse(writetime);
  return Number.isNaN(ms) ? undefined : ms;
}
