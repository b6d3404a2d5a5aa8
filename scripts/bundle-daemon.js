#!/usr/bin/env node
// After tsc, in `npm run build`: `procui daemon`'s module, dist/source/cli/daemon-command.js, and
// everything it imports (procui's core, config, control and io, and meow) become that one file.
// Loaded as some 120 modules, the daemon's start ran Node's module loader (URL to path, path
// normalizing) hot enough for V8 to optimize it, which alone keeps the optimizing compiler's
// 4.5 MiB resident; as one module it does not (see cli.tsx), and it starts a little sooner.
// node-pty stays outside: it loads its native part by a path of its own. The modules keep their
// places relative to dist/ (dist/source/<layer>/), which is how they find procui's native parts
// (../../procui-*.node) and the stream writer's thread (../io/stream-worker.js).
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(root, 'dist', 'source', 'cli', 'daemon-command.js');

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
