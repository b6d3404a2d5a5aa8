#!/usr/bin/env node
import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

let privateDirectoryFound: {readonly directory: string | undefined} | undefined;

/**
procui's own directory under the temporary one (the default endpoint's, without XDG_RUNTIME_DIR),
made if missing, for the compiled code kept between runs. Not in a directory any user could have
created first: code found there runs as whoever starts procui. So only if it is ours and nobody
else can write to it; undefined otherwise, and a run then compiles as if there were no cache.
*/
function privateDirectory(): string | undefined {
	// Once per run: on Node 22 both Node's compile cache and ctl's code cache ask.
	privateDirectoryFound ??= {directory: findPrivateDirectory()};
	return privateDirectoryFound.directory;
}

function findPrivateDirectory(): string | undefined {
	const uid = process.getuid?.();
	if (uid === undefined) {
		return undefined;
	}

	const directory = path.join(os.tmpdir(), `procui-${uid}`);
	try {
		fs.mkdirSync(directory, {mode: 0o700});
	} catch {
		// There already (judged below), or no temporary directory to write to.
	}

	try {
		const info = fs.lstatSync(directory);
		return info.isDirectory() && info.uid === uid && (info.mode & 0o022) === 0 ? directory : undefined;
	} catch {
		return undefined;
	}
}

/** Node 22.1+ can keep V8's compiled code of the ES modules loaded from here on (procui's, meow's, Ink's) between runs. */
function enableCompileCache(): void {
	const enable = (module as {enableCompileCache?: (directory: string) => unknown}).enableCompileCache;
	const directory = enable === undefined || process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : privateDirectory();
	if (directory !== undefined) {
		enable!(path.join(directory, 'compile-cache'));
	}
}

enableCompileCache();

const require = module.createRequire(import.meta.url);

/**
Run a CommonJS bundle of the build (scripts/bundle.js) with V8's code cache of it, which Node keeps
for no code run this way: `procui ctl` is started once per request, and compiling its 230 KB (meow
with it) was a third of what it spent before it sent one. The cache is the private directory's
`code-cache/NAME-NODEVERSION-ARCH.v8` (V8 rejects one from another V8 or other flags), headed by the
bundle's identity when it was made, inode, size and change time, since V8 checks only the source's
length: a rebuilt or reinstalled bundle is a new one. A run without a usable cache compiles as
usual and, once its command is done (`keep`), leaves one for the next. The bundle cannot use a
dynamic import() (a script run this way has no loader for it without an experimental flag): it
requires what it loads late.
*/
function runBundle(relative: string): {readonly exports: Record<string, unknown>; keep(): void} {
	const vm = require('node:vm') as typeof import('node:vm');
	const file = fileURLToPath(new URL(relative, import.meta.url));
	const fd = fs.openSync(file, 'r');
	let source: string;
	let identity: Buffer;
	try {
		const info = fs.fstatSync(fd, {bigint: true});
		identity = Buffer.from(`${info.dev}:${info.ino}:${info.size}:${info.ctimeNs}\n`);
		source = fs.readFileSync(fd, 'utf8');
	} finally {
		fs.closeSync(fd);
	}

	// Node's own switch for its compile cache turns this one off too.
	const directory = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : privateDirectory();
	const cacheFile = directory === undefined ? undefined : path.join(directory, 'code-cache', `${path.basename(file)}-${process.version}-${process.arch}.v8`);
	let cachedData: Buffer | undefined;
	try {
		const kept = cacheFile === undefined ? undefined : fs.readFileSync(cacheFile);
		cachedData = kept !== undefined && kept.length > identity.length && kept.subarray(0, identity.length).equals(identity) ? kept.subarray(identity.length) : undefined;
	} catch {
		// None yet.
	}

	const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {filename: file, cachedData});
	const moduleObject = {exports: {} as Record<string, unknown>};
	(script.runInThisContext() as (...parameters: unknown[]) => void).call(moduleObject.exports, moduleObject.exports, module.createRequire(file), moduleObject, file, path.dirname(file));
	return {
		exports: moduleObject.exports,
		keep() {
			if (cacheFile === undefined || (cachedData !== undefined && !script.cachedDataRejected)) {
				return;
			}

			const partial = `${cacheFile}.${process.pid}`;
			try {
				fs.mkdirSync(path.dirname(cacheFile), {mode: 0o700, recursive: true});
				fs.writeFileSync(partial, Buffer.concat([identity, script.createCachedData()]), {mode: 0o600, flag: 'wx'});
				fs.renameSync(partial, cacheFile);
			} catch {
				// No cache this time: the next run compiles too.
				fs.rmSync(partial, {force: true});
			}
		},
	};
}

// Each subcommand is imported only when it runs: `procui ctl status` must start about as fast as
// `node -e 0`, so it must not load the supervisor or the UI. Each subcommand reads its own flags with
// meow (source/cli/command-specs.ts) and answers its own --help.

const help = `
  procui: a process supervisor with a full-screen terminal UI (Circus-compatible).

  Usage
    $ procui [CONFIG] [-c CMD ...]          supervisor and full-screen UI in one process
    $ procui attach [--endpoint URL]        the full-screen UI on a running daemon
    $ procui daemon [CONFIG] [-c CMD ...]   run the supervisor headless
    $ procui check CONFIG                   validate a configuration, start nothing
    $ procui ctl COMMAND [ARGS]             control a running supervisor (circusctl's commands)
    $ procui logs [WATCHER[.PID]] [-n N] [-f]  its output: scrollback, then live with -f
    $ procui export systemd|procfile CONFIG  the configuration as systemd units or a Procfile
    $ procui completion bash|zsh|fish       print a shell completion script
    $ procui proxy [--endpoint URL]         bridge stdin/stdout to the control socket (for ssh://)

  --endpoint also takes ssh://[USER@]HOST[:PORT][/path/to.sock] (attach, ctl, logs): the system ssh
  runs \`procui proxy\` there ($PROCUI_REMOTE_COMMAND overrides \`procui\`; $PROCUI_SSH_OPTIONS adds ssh options).

  CONFIG is a Circus INI file or a Procfile; by default ./procui.ini, ./circus.ini or ./Procfile.

  \`procui COMMAND --help\` shows a command's usage and options.

  Options
    -c, --command CMD   run CMD as a watcher (repeatable)
    --endpoint URL      control endpoint: ipc:///path.sock or tcp://127.0.0.1:PORT
    -h, --help          this overview
    -v, --version       procui's version

  Examples
    $ procui daemon examples/circus.ini
    $ procui ctl status
    $ procui ctl incr worker 2
`;

/**
V8's tiering for the daemon, set before it loads its code. V8 optimizes a function once it has run
some 66 KB of bytecode a few times over, and a small one the first time. Starting and stopping 100
processes three times is enough for a few functions (path handling, a watcher's count of its
processes), and the first optimization pages in the optimizing compiler's code and data: 4.5 MiB
of the daemon's resident memory for as long as it runs. With a budget 16 times larger and no early
optimization of small functions, a supervisor that starts and stops processes and answers requests
now and then runs without the compiler. Only together with the daemon's one-module bundle
(scripts/bundle.js): loading ~120 modules runs Node's own loader hot enough to be optimized
whatever the flags say. W1's daemon with 100 processes, RSS after 15 s: 54.5 MiB; with these flags
alone 53.9 (one function optimized), bundled alone 53.9 (four), both 49.3 (none).

Output is where the daemon's time goes, and there the larger budget cost a PTY flood 17 % more CPU
(200 MB of `cat` on a terminal, four alternating pairs: 8.3–8.7 s/GB against 6.8–7.5 without the
flags). So once its processes have written `restoreAfterBytes` in all, the daemon goes back to
V8's defaults (`restore`, as `node --v8-options` lists them) for the rest of its life: a flood is
optimized within its first seconds, an idle supervisor never pays for the compiler. V8 11 (Node 20)
only: V8 12 (Node 22) counts invocations instead, has neither flag, and would print an error for
each; there the daemon runs with V8's own tiering.
*/
const daemonTiering = process.versions.v8.startsWith('11.')
	? {flags: '--interrupt-budget=1048576 --max-bytecode-size-for-early-opt=0', restore: '--interrupt-budget=67584 --max-bytecode-size-for-early-opt=81', restoreAfterBytes: 16 * 1024 * 1024}
	: undefined;

async function main(argv: readonly string[]): Promise<number | undefined> {
	const [subcommand, ...rest] = argv;
	if (subcommand === 'ctl') {
		const ctl = runBundle('./source/cli/ctl.cjs');
		const code = await (ctl.exports.runCtl as typeof import('./source/cli/ctl.js').runCtl)(rest);
		ctl.keep();
		return code;
	}

	if (subcommand === 'attach') {
		const {runAttach} = await import('./source/cli/tui.js');
		return runAttach(rest);
	}

	if (subcommand === 'logs') {
		const {runLogs} = await import('./source/cli/logs.js');
		return runLogs(rest);
	}

	if (subcommand === 'proxy') {
		const {runProxy} = await import('./source/cli/proxy.js');
		return runProxy(rest);
	}

	if (subcommand === 'export') {
		const {runExport} = await import('./source/cli/export.js');
		return runExport(rest);
	}

	if (subcommand === 'completion') {
		const {runCompletion} = await import('./source/cli/completion.js');
		return runCompletion(rest);
	}

	if (subcommand === '--version' || subcommand === '-v') {
		const {version} = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};
		process.stdout.write(`${version}\n`);
		return 0;
	}

	if (subcommand === 'check') {
		const [{parseCommand, usageError}, {checkSpec}, {runCheck}] = await Promise.all([import('./source/cli/args.js'), import('./source/cli/command-specs.js'), import('./source/cli/check.js')]);
		const parsed = await parseCommand(checkSpec, rest);
		if ('exit' in parsed) {
			return parsed.exit;
		}

		if (parsed.input.length > 1) {
			return usageError(checkSpec, `expected one CONFIG, got ${parsed.input.length}: ${parsed.input.join(' ')}`).exit;
		}

		return runCheck({file: parsed.input[0], commands: parsed.flags.command, useDefault: true});
	}

	if (subcommand === 'daemon') {
		let afterOutput: Parameters<typeof import('./source/cli/daemon-command.js').runDaemonCommand>[1];
		if (daemonTiering !== undefined) {
			const {default: v8} = await import('node:v8');
			v8.setFlagsFromString(daemonTiering.flags);
			afterOutput = {
				bytes: daemonTiering.restoreAfterBytes,
				callback() {
					v8.setFlagsFromString(daemonTiering.restore);
					return `${daemonTiering.restoreAfterBytes / 1024 / 1024} MiB of output read: V8's own tiering from now on (${daemonTiering.restore})`;
				},
			};
		}

		const {runDaemonCommand} = await import('./source/cli/daemon-command.js');
		return runDaemonCommand(argv, afterOutput);
	}

	if (subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
		process.stdout.write(help);
		return 0;
	}

	const {looksLikeConfig, runTui} = await import('./source/cli/tui.js');
	if (subcommand === undefined || subcommand.startsWith('-') || looksLikeConfig(subcommand)) {
		return runTui(argv);
	}

	process.stderr.write(`procui: unknown command ${JSON.stringify(subcommand)} (and no such configuration file).\n${help}`);
	return 2;
}

// No top-level await: the build makes this file CommonJS (scripts/bundle.js).
// An endpoint that cannot be read (PROCUI_ENDPOINT, a flag) is the user's to fix: say so, without a stack.
void main(process.argv.slice(2)).then((code) => {
	if (code !== undefined) {
		process.exitCode = code;
	}
}, (error: unknown) => {
	if (error instanceof Error && error.name === 'EndpointError') {
		process.stderr.write(`procui: ${error.message}\n`);
		process.exitCode = 2;
		return;
	}

	throw error;
});
