import { parseJavaVersion } from './java-runtime';

describe('parseJavaVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "25.0.3" 2026-04-21 LTS', 25],
    ['java version "1.8.0_292"', 8],
    ['openjdk version "11" 2018-09-25', 11],
  ])('reads %s as Java %d', (output, major) => {
    expect(parseJavaVersion(output)?.major).toBe(major);
  });

  it('gives up on output that is not java -version', () => {
    expect(parseJavaVersion('command not found')).toBeUndefined();
  });
});
