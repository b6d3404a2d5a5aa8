/**
Every subcommand's command line, as data: the flags meow reads, the help `procui SUB --help`
prints, the list an unknown flag is answered with, and what shell completion offers. Plain data,
light to import: `procui ctl` loads it on every call.
*/
import {ctlCommands} from '../control/ctl-args.js';
import type {CommandSpec, FlagSpec} from './args.js';

const endpointFlag = {
	type: 'string',
	value: 'URL',
	description: 'the daemon\'s endpoint: ipc:///path.sock, tcp://127.0.0.1:PORT, ssh://[USER@]HOST[/path.sock]',
} as const satisfies FlagSpec;

const commandFlag = {type: 'string', shortFlag: 'c', isMultiple: true, value: 'CMD', description: 'run CMD as a watcher (repeatable), with or without a CONFIG'} as const satisfies FlagSpec;

const configNote = 'CONFIG is a Circus INI file or a Procfile; by default ./procui.ini, ./circus.ini or ./Procfile.';

/** `procui [CONFIG] [-c CMD ...]`: the supervisor and the full-screen UI in one process. */
/** The UI's mouse: clicks select, the wheel scrolls; `--no-mouse` leaves the terminal's own selection alone. */
const mouseFlag = {type: 'boolean', default: true, description: 'clicks select and the wheel scrolls (--no-mouse: off, for the terminal\'s own selection)'} as const;

export const tuiSpec = {
	name: '',
	summary: 'supervisor and full-screen UI in one process',
	usage: ['[CONFIG] [-c CMD ...] [--endpoint URL] [--no-mouse]'],
	description: `${configNote}\nThe supervisor listens on --endpoint (or the default) for ctl, logs and attach.`,
	flags: {
		command: commandFlag,
		endpoint: {type: 'string', value: 'URL', description: 'control endpoint: ipc:///path.sock or tcp://127.0.0.1:PORT'},
		mouse: mouseFlag,
	},
	examples: ['examples/circus.ini', '-c "npm run dev" -c "npm run worker"'],
} as const satisfies CommandSpec;

export const attachSpec = {
	name: 'attach',
	summary: 'the full-screen UI on a running daemon; quitting detaches',
	usage: ['attach [--endpoint URL] [--no-mouse]'],
	flags: {endpoint: endpointFlag, mouse: mouseFlag},
	examples: ['attach', 'attach --endpoint ssh://deploy@web1'],
} as const satisfies CommandSpec;

/** The flags of `procui daemon`; what `--detach` leaves out when it starts the daemon again (source/cli/detach.ts). */
export const daemonSpec = {
	name: 'daemon',
	summary: 'run the supervisor headless',
	usage: ['daemon [CONFIG] [-c CMD ...] [--endpoint URL] [--detach] [--pidfile FILE]'],
	description: configNote,
	flags: {
		command: commandFlag,
		endpoint: {type: 'string', value: 'URL', description: 'control endpoint: ipc:///path.sock or tcp://127.0.0.1:PORT'},
		detach: {type: 'boolean', shortFlag: 'd', default: false, description: 'return once the daemon is ready; it keeps running in the background'},
		pidfile: {type: 'string', value: 'FILE', description: 'write the daemon\'s pid to FILE (refused while FILE names a live process)'},
		logLevel: {type: 'string', value: 'LEVEL', description: 'debug, info, warning, error (default: [circus] loglevel, info)'},
		logOutput: {type: 'string', value: 'FILE', description: 'procui\'s own log: \'-\' for stderr (the default), a file, syslog://HOST[:PORT]?FACILITY or syslog:///dev/log'},
		metrics: {type: 'string', value: 'ADDR', description: 'serve Prometheus metrics on http://ADDR/metrics (HOST:PORT, or PORT on 127.0.0.1)'},
	},
	examples: ['daemon examples/circus.ini', 'daemon --detach --pidfile /run/procui.pid circus.ini'],
} as const satisfies CommandSpec;

export const checkSpec = {
	name: 'check',
	summary: 'validate a configuration, start nothing',
	usage: ['check [CONFIG] [-c CMD ...]'],
	description: `${configNote}\nEvery warning and error is printed with file and line; exit 0 when the daemon would start, 1 when not.`,
	flags: {command: commandFlag},
	examples: ['check examples/circus.ini'],
} as const satisfies CommandSpec;

const ctlCommandNames = Object.keys(ctlCommands);

export const ctlSpec = {
	name: 'ctl',
	summary: 'control a running supervisor (circusctl\'s commands)',
	usage: ['ctl [--endpoint URL] [--json] [--timeout S] COMMAND [ARGS]', 'ctl help [COMMAND]'],
	description: 'ctl\'s own flags go before COMMAND; the command\'s options, after it.\nExit status: 0 ok, 3 error reply, 1 cannot connect or timed out, 2 usage.',
	sections: [{
		title: 'Commands (circusctl\'s, then a PTY process\'s terminal; `procui ctl help COMMAND` shows one)',
		lines: ctlCommandNames.reduce<string[]>((lines, name) => {
			const last = lines.at(-1);
			if (last !== undefined && last.length + name.length + 2 <= 92) {
				lines[lines.length - 1] = `${last}, ${name}`;
			} else {
				lines.push(name);
			}

			return lines;
		}, []),
	}],
	flags: {
		endpoint: endpointFlag,
		json: {type: 'boolean', default: false, description: 'print the reply as JSON'},
		timeout: {type: 'string', value: 'S', description: 'seconds to wait for the reply (default 5; 300 for commands that wait for their effect)'},
	},
	examples: ['ctl status', 'ctl incr worker 2', 'ctl --json stats web', 'ctl --endpoint ssh://deploy@web1 restart web', 'ctl input repl --enter \'print(6*7)\'', 'ctl screen repl'],
} as const satisfies CommandSpec;

export const logsSpec = {
	name: 'logs',
	summary: 'the output of a running supervisor: scrollback, then live with -f',
	usage: ['logs [WATCHER[.PID]] [-n LINES] [-f] [--json] [--no-color] [--endpoint URL]'],
	description: 'The last LINES lines of every watcher, one watcher or one process, interleaved by time and\nprefixed `<time> <watcher>.<pid> |`; with -f, then live output until interrupted.',
	flags: {
		endpoint: endpointFlag,
		lines: {type: 'string', shortFlag: 'n', value: 'LINES', description: 'how many lines of scrollback (default 100)'},
		follow: {type: 'boolean', shortFlag: 'f', default: false, description: 'then follow the live output until interrupted'},
		json: {type: 'boolean', default: false, description: 'one JSON object per line'},
		color: {type: 'boolean', negatable: true, description: 'colour the prefixes (default: when stdout is a terminal and NO_COLOR is unset)'},
	},
	examples: ['logs web -n 20', 'logs -f', 'logs web.4242 --json'],
} as const satisfies CommandSpec;

export const proxySpec = {
	name: 'proxy',
	summary: 'bridge stdin/stdout to the control socket on this host (the remote half of ssh://)',
	usage: ['proxy [--endpoint URL]'],
	description: 'Run by `ssh` for a client given an ssh:// endpoint; not meant to be typed.',
	flags: {endpoint: {type: 'string', value: 'URL', description: 'the local endpoint: ipc:///path.sock or tcp://127.0.0.1:PORT'}},
	examples: ['proxy --endpoint ipc:///run/user/1000/procui/procui.sock'],
} as const satisfies CommandSpec;

/** The formats `procui export` writes. */
export const exportFormats = ['systemd', 'procfile'] as const;

export const exportSpec = {
	name: 'export',
	summary: 'the configuration as systemd units or a Procfile',
	usage: ['export systemd [CONFIG] [--out DIR] [--user]', 'export procfile [CONFIG]'],
	description: [
		'systemd: a template unit NAME@.service per watcher (instances 1..numprocesses) and a',
		'NAME.socket per [socket:NAME]; printed with a header line per file, or written into DIR.',
		'procfile: one `name: command` line per watcher.',
		'What the target cannot say is a comment in the output and a warning on stderr.',
	].join('\n'),
	flags: {
		out: {type: 'string', value: 'DIR', description: 'write the unit files into DIR (created if missing) instead of printing them'},
		user: {type: 'boolean', default: false, description: 'user units (systemctl --user): no User=/Group=, wanted by default.target'},
	},
	examples: ['export systemd circus.ini --out units', 'export procfile circus.ini > Procfile'],
} as const satisfies CommandSpec;

/** The shells `procui completion` writes for. */
export const shells = ['bash', 'zsh', 'fish'] as const;

export const completionSpec = {
	name: 'completion',
	summary: 'print a shell completion script',
	usage: ['completion bash|zsh|fish'],
	description: [
		'Completes subcommands, their flags, ctl commands, and the watcher names of the running daemon',
		'(asked with `procui ctl list`, 1 s at most). Load it:',
		'  bash   source <(procui completion bash)',
		'  zsh    source <(procui completion zsh)',
		'  fish   procui completion fish | source',
	].join('\n'),
	flags: {},
	examples: ['completion bash > ~/.local/share/bash-completion/completions/procui'],
} as const satisfies CommandSpec;

/** Every subcommand's spec, the bare `procui` first. */
export const commandSpecs: readonly CommandSpec[] = [tuiSpec, attachSpec, daemonSpec, checkSpec, ctlSpec, logsSpec, exportSpec, completionSpec, proxySpec];
