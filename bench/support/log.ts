/** Progress lines on stderr, each stamped with the seconds since the benchmark began; stdout keeps the report. */
export function progressLog(name: string): (line: string) => void {
  const began = performance.now();
  return (line) => {
    process.stderr.write(`[${name} +${((performance.now() - began) / 1000).toFixed(1)}s] ${line}\n`);
  };
}
