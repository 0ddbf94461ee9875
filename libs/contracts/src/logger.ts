/** The logging surface Meridian's libraries write to; Nest's Logger satisfies it. */
export interface Logger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}
