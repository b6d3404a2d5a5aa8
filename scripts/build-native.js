#!/usr/bin/env node
// Build procui's native helper dist/procui-exec from source/io/native/procui-exec.c: at install
// (the package ships the C source, not a binary for one machine) and in `npm run build`.
// Every child procui starts goes through it, so without a C compiler the install fails, saying so.
import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'source', 'io', 'native', 'procui-exec.c');
const output = path.join(root, 'dist', 'procui-exec');
const compilers = [...(process.env.CC ? [process.env.CC] : []), 'cc', 'gcc', 'clang'];

fs.mkdirSync(path.dirname(output), {recursive: true});
for (const compiler of compilers) {
	const result = childProcess.spawnSync(compiler, ['-O2', '-Wall', '-o', output, source], {stdio: ['ignore', 'inherit', 'inherit']});
	if (result.error?.code === 'ENOENT') {
		continue;
	}

	if (result.status !== 0) {
		process.stderr.write(`procui: building its native helper with \`${compiler}\` failed (exit ${result.status ?? result.signal}); see the compiler's messages above.\n`);
		process.exit(1);
	}

	process.exit(0);
}

process.stderr.write(`procui: cannot build its native helper (procui-exec): no C compiler found (tried ${compilers.join(', ')}).
procui starts every process through it. Install a C compiler (Debian/Ubuntu: apt-get install gcc;
Fedora: dnf install gcc; Alpine: apk add build-base), or set CC, then install procui again.
`);
process.exit(1);
