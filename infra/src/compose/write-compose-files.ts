import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { renderComposeFiles } from './compose-files';
import { errorMessage } from '@meridian/contracts';

/** `npm run compose:files`: writes the rendered files of infra/compose (see compose-files.ts). */
async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..', '..');
  for (const { file, content } of renderComposeFiles()) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), content);
    process.stdout.write(`wrote ${file}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${errorMessage(error)}\n`);
  process.exit(1);
});
