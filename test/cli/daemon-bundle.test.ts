/**
`procui daemon` and `procui ctl` load their code as one module each (the build bundles them,
scripts/bundle.js), so that Node's module loader never runs hot in the daemon (see cli.tsx) and
ctl answers sooner. Found by module hooks that list every file a process's main thread loads.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {afterEach, expect, it} from 'vitest';
import {cliPath, repoRoot, startDaemon, tempDir, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;
let dir: string | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
	if (dir !== undefined) {
		fs.rmSync(dir, {recursive: true, force: true});
		dir = undefined;
	}
});

/**
Module hooks: the environment that installs them, and the files of this repository (its
dependencies' aside) a process was seen to load so far: ES modules as Node resolves them, CommonJS ones as `require` loads them (the
CLI itself, dist/cli.js, is one), and bundles opened to run (ctl's, read by cli.tsx's runBundle);
and, as the process exits, the built-in modules it loaded.
*/
function importLog(): {env: NodeJS.ProcessEnv; files(): string[]; builtins(): string[]} {
	dir ??= tempDir();
	const log = path.join(dir, `imports-${Math.random().toString(36).slice(2)}.txt`);
	const hooks = path.join(dir, 'hooks.mjs');
	const register = path.join(dir, 'register.cjs');
	fs.writeFileSync(hooks, `import fs from 'node:fs';
export async function resolve(specifier, context, next) {
	const resolved = await next(specifier, context);
	fs.appendFileSync(process.env.PROCUI_IMPORT_LOG, resolved.url + '\\n');
	return resolved;
}
`);
	fs.writeFileSync(register, `const fs = require('node:fs');
const Module = require('node:module');
const {pathToFileURL} = require('node:url');
const note = (file) => fs.appendFileSync(process.env.PROCUI_IMPORT_LOG, pathToFileURL(file).href + '\\n');
Module.register(${JSON.stringify(pathToFileURL(hooks).href)});
const load = Module._load;
Module._load = function (request, parent, isMain) {
	try {
		const file = Module._resolveFilename(request, parent, isMain);
		if (file.endsWith('.js') || file.endsWith('.cjs')) note(file);
	} catch {}
	return load.apply(this, arguments);
};
const open = fs.openSync;
fs.openSync = function (file, ...rest) {
	if (typeof file === 'string' && file.endsWith('.cjs')) note(file);
	return open.call(this, file, ...rest);
};
process.on('exit', () => {
	const builtins = process.moduleLoadList.filter((name) => name.startsWith('NativeModule ')).map((name) => 'builtin:' + name.slice('NativeModule '.length));
	fs.appendFileSync(process.env.PROCUI_IMPORT_LOG, builtins.join('\\n') + '\\n');
});
`);
	return {
		env: {NODE_OPTIONS: `--require=${register}`, PROCUI_IMPORT_LOG: log},
		files: () => [...new Set(fs.readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith('file:')))]
			.map((url) => path.relative(repoRoot, fileURLToPath(url)))
			.filter((file) => !file.startsWith('..') && !file.startsWith('node_modules/')),
		builtins: () => fs.readFileSync(log, 'utf8').split('\n').filter((line) => line.startsWith('builtin:')).map((line) => line.slice('builtin:'.length)),
	};
}

it('the daemon imports two files of its own, the CLI and the daemon\'s bundle, and with them every module it runs', async () => {
	const imports = importLog();
	daemon = await startDaemon(`[watcher:w]\ncmd = sleep ${uniqueSleep()}\nnumprocesses = 3\n`, {env: imports.env});
	await waitFor(async () => (await daemon!.ok('status', {name: 'w'})).status === 'active', {what: 'w to run'});
	await daemon.ok('stop', {name: 'w', waiting: true});
	expect(imports.files()).toEqual(['dist/cli.js', 'dist/source/cli/daemon-command.js']);
});

it('procui ctl loads two files of its own, the CLI and ctl\'s bundle, and answers', async () => {
	daemon = await startDaemon(`[watcher:w]\ncmd = sleep ${uniqueSleep()}\n`);
	await waitFor(async () => (await daemon!.ok('status', {name: 'w'})).status === 'active', {what: 'w to run'});
	const imports = importLog();
	const ctl = childProcess.spawnSync(process.execPath, [cliPath, 'ctl', '--endpoint', daemon.endpoint, 'status', 'w'], {
		env: {...process.env, ...imports.env},
		encoding: 'utf8',
		timeout: 30_000,
	});
	expect(ctl.stderr).toBe('');
	expect(ctl.stdout.trim()).toBe('active');
	expect(ctl.status).toBe(0);
	expect(imports.files()).toEqual(['dist/cli.js', 'dist/source/cli/ctl.cjs']);
	// Nor, for a local endpoint, node:child_process (ssh:// alone needs it): meow's bundled
	// dependencies hold a dead `promisify(execFile)` that scripts/bundle.js removes (~0.8 ms).
	const builtins = imports.builtins();
	expect(builtins).toContain('net');
	expect(builtins).not.toContain('child_process');
});

it('goes back to V8\'s own tiering once its processes have written 16 MiB, not before (Node 20: see cli.tsx)', async () => {
	const tiering = /MiB of output read: V8's own tiering from now on/;
	daemon = await startDaemon([
		'[watcher:few]', 'cmd = head -c 100000 /dev/zero', 'pty = false', 'respawn = false', '',
		'[watcher:flood]', 'cmd = head -c 17000000 /dev/zero', 'pty = false', 'respawn = false', 'autostart = false', '',
	].join('\n'));
	await waitFor(async () => (await daemon!.ok('status', {name: 'few'})).status === 'stopped', {what: 'few to write its 100 KB and exit'});
	await daemon.flushLog();
	expect(daemon.stderr()).not.toMatch(tiering);
	await daemon.ok('start', {name: 'flood'});
	if (process.versions.v8.startsWith('11.')) {
		await daemon.logged(tiering);
	} else {
		// V8 12 has neither flag: the daemon never changed them, and never says so.
		await waitFor(async () => (await daemon!.ok('status', {name: 'flood'})).status === 'stopped', {what: 'flood to write its 17 MB and exit'});
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(tiering);
	}
});
