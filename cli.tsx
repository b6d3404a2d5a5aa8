#!/usr/bin/env node
import fs from 'node:fs';
import {daemonFlags} from './source/cli/daemon-flags.js';

// Each subcommand is imported only when it runs: `procui ctl status` must start about as fast as
// `node -e 0`, so it must not load the supervisor, the UI or meow.

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

  CONFIG is a Circus INI file or a Procfile; by default ./procui.ini, ./circus.ini or ./Procfile.

  Options (daemon)
    -c, --command CMD    run CMD as a watcher (repeatable)
    --endpoint URL       control endpoint: ipc:///path.sock or tcp://127.0.0.1:PORT
    --detach, -d         return once the daemon is ready; it keeps running in the background
    --pidfile FILE       write the daemon's pid to FILE
    --log-level LEVEL    debug, info, warning, error (default: [circus] loglevel, info)
    --log-output FILE    where procui's own log goes ('-' for stderr, the default)

  Examples
    $ procui daemon examples/circus.ini
    $ procui ctl status
    $ procui ctl incr worker 2
`;

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

	if (subcommand === 'daemon' || subcommand === 'check') {
		const parsed = await cli(rest);
		const source = {file: parsed.input[0], commands: parsed.flags.command ?? [], useDefault: true};
		if (parsed.input.length > 1) {
			process.stderr.write(`procui ${subcommand}: expected one CONFIG, got ${parsed.input.length}: ${parsed.input.join(' ')}\n`);
			return 2;
		}

		if (subcommand === 'check') {
			const {runCheck} = await import('./source/cli/check.js');
			return runCheck(source);
		}

		const {detach, reportToParent} = await import('./source/cli/detach.js');
		if (parsed.flags.detach) {
			return detach(argv);
		}

		const {runDaemon} = await import('./source/cli/daemon.js');
		await runDaemon({
			source,
			endpoint: parsed.flags.endpoint,
			pidfile: parsed.flags.pidfile,
			logLevel: parsed.flags.logLevel,
			logOutput: parsed.flags.logOutput,
			onReady: (endpoint) => {
				reportToParent(`ready ${endpoint}`);
			},
			onFailure: (message) => {
				reportToParent(`error: ${message}`);
			},
		});
		return undefined;
	}

	if (subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
		await cli(['--help']);
		return 0;
	}

	const {looksLikeConfig, runTui} = await import('./source/cli/tui.js');
	if (subcommand === undefined || subcommand.startsWith('-') || looksLikeConfig(subcommand)) {
		return runTui(argv);
	}

	process.stderr.write(`procui: unknown command ${JSON.stringify(subcommand)} (and no such configuration file).\n${help}`);
	return 2;

	async function cli(args: readonly string[] = []) {
		const {default: meow} = await import('meow');
		return meow(help, {importMeta: import.meta, argv: [...args], flags: daemonFlags, allowUnknownFlags: false, description: false});
	}
}

const code = await main(process.argv.slice(2));
if (code !== undefined) {
	process.exitCode = code;
}
