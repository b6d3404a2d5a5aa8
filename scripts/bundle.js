#!/usr/bin/env node
// After tsc, in `npm run build`: the modules of the two commands whose start matters, each with
// everything it imports (procui's modules and meow) in one file, in place of the module tsc made.
// `procui daemon` (dist/source/cli/daemon-command.js): loaded as some 120 modules, the daemon's
// start ran Node's module loader (URL to path, path normalizing) hot enough for V8 to optimize it,
// which alone keeps the optimizing compiler's 4.5 MiB resident; as one module it does not (see
// cli.tsx), and it starts a little sooner. `procui ctl` (dist/source/cli/ctl.js): a command run
// once per request, from scripts too; as one module it answers 7 ms sooner (`ctl status` against
// a daemon, 30 runs three times over: 62-65 ms against 70-72; `node -e 0`: 22).
// node-pty stays outside: it loads its native part by a path of its own. The modules keep their
// places relative to dist/ (dist/source/<layer>/), which is how they find procui's native parts
// (../../procui-*.node), the stream writer's thread (../io/stream-worker.js) and package.json.
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const commands = ['daemon-command.js', 'ctl.js'].map((name) => path.join(root, 'dist', 'source', 'cli', name));

for (const file of commands) {
	await build({
		entryPoints: [file],
		outfile: file,
		allowOverwrite: true,
		bundle: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		external: ['node-pty'],
		// Composed with tsc's maps: a stack trace under --enable-source-maps names the TypeScript.
		sourcemap: true,
		minifyWhitespace: true,
		minifySyntax: true,
		logLevel: 'warning',
	});
}
