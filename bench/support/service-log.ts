import { readFileSync } from 'node:fs';

/** The warnings and errors in a service's log (Nest writes the level in upper case). */
export function logProblems(logFile: string): string[] {
  try {
    return readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => /\b(WARN|ERROR|FATAL)\b|Error:/.test(line));
  } catch {
    return [];
  }
}
