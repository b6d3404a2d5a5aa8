#!/usr/bin/env node
import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
Node 22.1+ can keep V8's compiled code of the modules loaded from here on (procui's, meow's, Ink's)
between runs; Node 20 has no such cache. Not in Node's default place, a directory under the
temporary one that any user can create first: code found there runs as whoever starts procui. The
cache goes in procui's own `procui-UID` there (the default endpoint's, without XDG_RUNTIME_DIR), and
only if that is ours and nobody else can write to it. A run that cannot use it compiles as before.
*/
function enableCompileCache(): void {
	const enable = (module as {enableCompileCache?: (directory: string) => unknown}).enableCompileCache;
	const uid = process.getuid?.();
	if (enable === undefined || uid === undefined) {
		return;
	}

	const directory = path.join(os.tmpdir(), `procui-${uid}`);
	try {
		fs.mkdirSync(directory, {mode: 0o700});
	} catch {
		// There already (judged below), or no temporary directory to write to.
	}

	try {
		const info = fs.lstatSync(directory);
		if (info.isDirectory() && info.uid === uid && (info.mode & 0o022) === 0) {
			enable(path.join(directory, 'compile-cache'));
		}
	} catch {
		// No such directory: no cache.
	}
}

enableCompileCache();

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
		const {runCtl} = await import('./source/cli/ctl.js');
		return runCtl(rest);
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

const code = await main(process.argv.slice(2));
if (code !== undefined) {
	process.exitCode = code;
}
