#!/usr/bin/env node
// After tsc, in `npm run build`: the modules of the two commands whose start matters, each with
// everything it imports (procui's modules and meow) in one file.
//
// `procui daemon` (dist/source/cli/daemon-command.js, in place of the module tsc made): loaded as
// some 120 modules, the daemon's start ran Node's module loader (URL to path, path normalizing) hot
// enough for V8 to optimize it, which alone keeps the optimizing compiler's 4.5 MiB resident; as one
// module it does not (see cli.tsx), and it starts a little sooner.
//
// `procui ctl` (dist/source/cli/ctl.cjs, beside tsc's ctl.js): a command run once per request, from
// scripts too, whose start is most of its time. One CommonJS file, because cli.tsx runs it with V8's
// code cache of it (Node 20 keeps none for ES modules), from the second run on.
//
// node-pty stays outside: it loads its native part by a path of its own; for ctl, so does
// @xterm/headless, which only `ctl screen` loads (190 KB every other command would parse). The
// modules keep their places relative to dist/ (dist/source/<layer>/), which is how they find
// procui's native parts (../../procui-*.node), the stream writer's thread (../io/stream-worker.js)
// and package.json.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'source', 'cli');

// meow's bundled dependencies set up normalize-package-data (semver's regular expressions, the
// SPDX license lists) when imported, for `result.pkg`, which procui never reads (it gives meow its
// `pkg`): in the two bundles here that happens on first use instead. `ctl status` 5 ms sooner
// (88.5 against 93.5 ms with NODE_EXTRA_CA_CERTS set); the daemon's start not measured. They also
// hold `promisify(execFile);`, a statement left over from a dependency whose result nothing
// keeps: it alone loads node:child_process (and with it node:dgram and net's internals), ~0.8 ms
// of every start (`node -e "require('net');require('child_process')"` against `require('net')`).
// Both go. The other commands import meow as it is.
const meowRewrites = [
	['var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);', 'const normalizePackageData = (...parameters) => getDefaultExportFromCjs(requireNormalize())(...parameters);'],
	['import { execFile } from \'node:child_process\';\n', ''],
	['\npromisify(execFile);\n', '\n'],
];
const lazyPackageNormalizer = {
	name: 'meow-lazy-package-normalizer',
	setup(build) {
		build.onLoad({filter: /[\\/]meow[\\/]build[\\/]dependencies\.js$/}, async ({path: file}) => {
			let text = await fs.promises.readFile(file, 'utf8');
			for (const [eager, lazy] of meowRewrites) {
				if (text.split(eager).length !== 2) {
					throw new Error(`${file}: meow's bundled dependencies no longer read as scripts/bundle.js expects; update its rewrites (it looks for exactly one of: ${JSON.stringify(eager)})`);
				}

				text = text.replace(eager, lazy);
			}

			if (/\bexecFile\b/.test(text)) {
				throw new Error(`${file}: meow's bundled dependencies use execFile somewhere else now; scripts/bundle.js must keep node:child_process`);
			}

			return {contents: text, loader: 'js'};
		});
	},
};

// esbuild's CommonJS output wraps the require() of every module imported as an ES module
// (node:fs, node:process, ...) in __toESM, which defines a getter on a new object for each
// property the module has: node:process has some 150, and ctl's bundle wraps it four times. An
// object whose prototype is the module reads the same values, at no cost: imports are only read,
// and esbuild calls an imported function as `(0, ns.name)(...)`, without `this`. `procui ctl
// status` 4–6 ms sooner (41.2 and 42.2 against 47.6 and 46.4 ms, medians of 30, alternated; `node
// -e 0` 26–28 ms). The replacement keeps the helper's lines and columns, so the source maps hold.
const cheapToEsm = 'var __toESM=(mod,isNodeMode)=>typeof mod=="object"&&mod!==null||typeof mod=="function"?__create(mod,isNodeMode||!mod.__esModule?{default:{value:mod,enumerable:!0}}:{}):{default:mod}';

async function useCheapInterop(file) {
	const text = await fs.promises.readFile(file, 'utf8');
	if (text.includes(cheapToEsm)) {
		return;
	}

	// Minified (`var __toESM=(mod,...))`, then `,` and the next helper) or not (over several lines,
	// ending `))`, then `;`): what follows is kept.
	const match = /var __toESM ?= ?\(mod, ?isNodeMode, ?target\) ?=> ?\(target ?= ?mod ?!= ?null ?\? ?__create\(__getProtoOf\(mod\)\) ?: ?\{\}, ?__copyProps\([^]*?\bmod\n?\)\)/.exec(text);
	if (match === null || text.split('var __toESM').length !== 2) {
		throw new Error(`${file}: esbuild's __toESM no longer reads as scripts/bundle.js expects; update useCheapInterop`);
	}

	const lines = match[0].split('\n');
	const padding = Math.max(0, lines.at(-1).length - (lines.length === 1 ? cheapToEsm.length : 0));
	const replacement = lines.length === 1 ? cheapToEsm.padEnd(match[0].length) : `${cheapToEsm}${'\n'.repeat(lines.length - 1)}${' '.repeat(padding)}`;
	if (lines.length === 1 && cheapToEsm.length > match[0].length) {
		throw new Error(`${file}: the cheaper __toESM is longer than esbuild's; it would move the columns after it`);
	}

	await fs.promises.writeFile(file, text.slice(0, match.index) + replacement + text.slice(match.index + match[0].length));
}

// A CommonJS file has no import.meta; the modules here want its `url` (meow's importMeta, the
// request id's require of node:crypto, cli.tsx's package.json).
const importMetaBanner = '"use strict";const procuiImportMeta = {url: require("node:url").pathToFileURL(__filename).href};';

const common = {
	bundle: true,
	platform: 'node',
	target: 'node20',
	plugins: [lazyPackageNormalizer],
	// Composed with tsc's maps: a stack trace under --enable-source-maps names the TypeScript.
	sourcemap: true,
	minifyWhitespace: true,
	minifySyntax: true,
	logLevel: 'warning',
};

// A CommonJS file for the entry point, dist/cli.js (dist/package.json says so; dist/source and
// dist/test stay ES modules): Node starts a CommonJS main without its ES module loader, whose own
// code, and the facades it makes of node:fs and the other built-ins, cost ~5 ms of every command's
// start, `ctl` included. The subcommands it imports stay ES modules. Not bundled: the entry point is
// cli.tsx alone. Made from tsc's ES module: run again without tsc, this script leaves it as it is.
const entry = path.join(root, 'dist', 'cli.js');
if (!(await fs.promises.readFile(entry, 'utf8')).includes(importMetaBanner)) {
	await build({
		entryPoints: [entry],
		outfile: entry,
		allowOverwrite: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		sourcemap: true,
		logLevel: 'warning',
		define: {'import.meta': 'procuiImportMeta'},
		banner: {js: importMetaBanner},
	});
}

for (const [directory, type] of [['dist', 'commonjs'], ['dist/source', 'module'], ['dist/test', 'module']]) {
	await fs.promises.writeFile(path.join(root, directory, 'package.json'), `${JSON.stringify({type})}\n`);
}

await build({
	...common,
	entryPoints: [path.join(cli, 'daemon-command.js')],
	outfile: path.join(cli, 'daemon-command.js'),
	allowOverwrite: true,
	format: 'esm',
	external: ['node-pty'],
});

const ctl = await build({
	...common,
	metafile: true,
	entryPoints: [path.join(cli, 'ctl.js')],
	outfile: path.join(cli, 'ctl.cjs'),
	format: 'cjs',
	external: ['node-pty', '@xterm/headless'],
	define: {'import.meta': 'procuiImportMeta'},
	banner: {js: importMetaBanner},
});

await useCheapInterop(entry);
await useCheapInterop(path.join(cli, 'ctl.cjs'));

// cli.tsx runs ctl's bundle as a script, where import() has no loader: it would fail when reached.
const late = Object.values(ctl.metafile.outputs).flatMap(({imports}) => imports).filter(({kind}) => kind === 'dynamic-import');
if (late.length > 0) {
	throw new Error(`ctl's bundle imports ${late.map(({path: name}) => name).join(', ')} with import(), which cannot run there: require it (see source/cli/screen-text.ts)`);
}
