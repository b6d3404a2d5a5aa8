#!/usr/bin/env node
// Build procui's native pieces from source/io/native/: at install (the package ships the C source,
// not binaries for one machine) and in `npm run build`.
// - dist/procui-exec: every child procui starts goes through it, so without a C compiler the build
//   fails, saying so.
// - dist/procui-reaper.node: a small Node-API addon that makes `procui daemon` a child subreaper.
//   It needs Node's headers (shipped with Node's own builds); without them procui works, without
//   the subreaper, and the build says so.
// - dist/procui-spawn.node: a Node-API addon that starts procui-exec with posix_spawn instead of
//   forking the supervisor. Without it (no headers, no posix_spawn_file_actions_addchdir_np)
//   procui starts processes through child_process, and the build says so.
// - dist/procui-text.node: a Node-API addon that numbers output into lines and turns a terminal's
//   CRLF back into LF, one call per chunk. Without it the same scans run in JavaScript.
// - dist/procui-memory.node: a Node-API addon (C++, for its one call into V8) that tells V8 memory
//   is low, so that the UI gives back a flood's memory at once. Without it (no C++ compiler, no
//   headers) the UI collects from JavaScript, and gives the young generation back later.
import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const native = path.join(root, 'source', 'io', 'native');
const dist = path.join(root, 'dist');
const compilers = [...(process.env.CC ? [process.env.CC] : []), 'cc', 'gcc', 'clang'];
const cxxCompilers = [...(process.env.CXX ? [process.env.CXX] : []), 'c++', 'g++', 'clang++'];

/** Compile with the first compiler found; the compiler's name, or undefined when there is none. */
function compile(args, candidates = compilers) {
	for (const compiler of candidates) {
		const result = childProcess.spawnSync(compiler, args, {stdio: ['ignore', 'inherit', 'inherit']});
		if (result.error?.code === 'ENOENT') {
			continue;
		}

		return {compiler, ok: result.status === 0, status: result.status ?? result.signal};
	}

	return undefined;
}

fs.mkdirSync(dist, {recursive: true});
const exec = compile(['-O2', '-Wall', '-o', path.join(dist, 'procui-exec'), path.join(native, 'procui-exec.c')]);
if (exec === undefined) {
	process.stderr.write(`procui: cannot build its native helper (procui-exec): no C compiler found (tried ${compilers.join(', ')}).
procui starts every process through it. Install a C compiler (Debian/Ubuntu: apt-get install gcc;
Fedora: dnf install gcc; Alpine: apk add build-base), or set CC, then install procui again.
`);
	process.exit(1);
}

if (!exec.ok) {
	process.stderr.write(`procui: building its native helper with \`${exec.compiler}\` failed (exit ${exec.status}); see the compiler's messages above.\n`);
	process.exit(1);
}

const headers = path.join(process.execPath, '..', '..', 'include', 'node');
const reaper = fs.existsSync(path.join(headers, 'node_api.h'))
	? compile(['-O2', '-Wall', '-shared', '-fPIC', `-I${headers}`, '-o', path.join(dist, 'procui-reaper.node'), path.join(native, 'procui-reaper.c')])
	: undefined;
if (!reaper?.ok) {
	process.stderr.write(`procui: built without procui-reaper.node (${reaper === undefined ? `no Node headers in ${headers}` : `\`${reaper.compiler}\` failed`}): \`procui daemon\` will not be a child subreaper.\n`);
}

const spawner = fs.existsSync(path.join(headers, 'node_api.h'))
	? compile(['-O2', '-Wall', '-shared', '-fPIC', `-I${headers}`, '-o', path.join(dist, 'procui-spawn.node'), path.join(native, 'procui-spawn.c')])
	: undefined;
if (!spawner?.ok) {
	process.stderr.write(`procui: built without procui-spawn.node (${spawner === undefined ? `no Node headers in ${headers}` : `\`${spawner.compiler}\` failed`}): processes will be started by forking the supervisor (slower under churn).\n`);
}

const text = fs.existsSync(path.join(headers, 'node_api.h'))
	? compile(['-O3', '-Wall', '-shared', '-fPIC', `-I${headers}`, '-o', path.join(dist, 'procui-text.node'), path.join(native, 'procui-text.c')])
	: undefined;
if (!text?.ok) {
	process.stderr.write(`procui: built without procui-text.node (${text === undefined ? `no Node headers in ${headers}` : `\`${text.compiler}\` failed`}): output is numbered into lines in JavaScript (more CPU under a flood).\n`);
}

const memory = fs.existsSync(path.join(headers, 'v8.h'))
	? compile(['-O2', '-Wall', '-shared', '-fPIC', '-fno-exceptions', '-fno-rtti', '-std=c++17', '-DNODE_GYP_MODULE_NAME=procui_memory', `-I${headers}`, '-o', path.join(dist, 'procui-memory.node'), path.join(native, 'procui-memory.cc')], cxxCompilers)
	: undefined;
if (!memory?.ok) {
	process.stderr.write(`procui: built without procui-memory.node (${memory === undefined ? `no C++ compiler or no Node headers in ${headers}` : `\`${memory.compiler}\` failed`}): the UI will give back a flood's memory more slowly.\n`);
}
