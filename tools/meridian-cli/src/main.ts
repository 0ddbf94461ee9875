import { main } from './commands';

// The exit code is set rather than process.exit() called, so that piped output is flushed first.
void main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
