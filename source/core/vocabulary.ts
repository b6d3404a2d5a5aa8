/**
The command vocabulary: every command procui answers, once. The control server's handlers are
typed by it (a command without a handler, or a handler without a command, does not compile);
`procui ctl` parses its words and prints its usage from it; the UI's `:` prompt completes and
parses with it and `?` lists it; the metrics label latencies by it. Adding a command is an entry
here, and the compiler asks for its handler.
*/
import os from 'node:os';

/** A request's properties, as the wire carries them. */
export type Properties = Readonly<Record<string, unknown>>;

/** How `procui ctl` and the `:` prompt read a command's words (circusctl's forms). */
export type CtlCommand = {
	/** The form after `procui ctl`, circusctl's. */
	readonly usage: string;
	/** One line for help. */
	readonly description: string;
	/** Long options besides `--waiting`/`--no-waiting`: a flag, or one that takes a value. */
	readonly options?: Readonly<Record<string, 'flag' | 'value'>>;
	/** Positional arguments accepted: [least, most]. */
	readonly arity: readonly [number, number];
	/** For `add`: the index of the positional where a command line starts; from there on nothing is an option. */
	readonly commandStartsAt?: number;
	/** The request's properties; throws a UsageError naming a wrong argument. */
	readonly build: (positionals: readonly string[], options: ReadonlyMap<string, string | true>) => Properties;
};

/** One command. */
export type CommandSpec = {
	/** One line for help. */
	readonly description: string;
	/** The properties a request may carry besides `waiting`; any other is refused with its name. */
	readonly properties: readonly string[];
	/**
	- `effect`: waits for its effect (processes running, stopped, drained) unless the request says
	  `waiting: false`, when the reply comes as soon as the command is accepted (Circus's default);
	- `command`: runs on the scheduler and replies once it ran (it may wait behind others);
	- `read`: answers from the current state at once.
	*/
	readonly waits: 'effect' | 'command' | 'read';
	/** What an ok reply carries besides status, id and time. */
	readonly reply: string;
	/** Its words for `procui ctl` and the `:` prompt; absent for the commands of procui's own
	clients (the UI, `procui logs`, subscribers), which send requests, not words. */
	readonly words?: Omit<CtlCommand, 'description'>;
};

/** A wrong argument, reported with the command's usage. */
export class UsageError extends Error {}

const matchModes = ['simple', 'glob', 'regex'];

const nameOnly = (positionals: readonly string[]): Properties => optional({name: positionals[0]});

const startStopWords = (verb: string): Omit<CtlCommand, 'description'> => ({
	usage: `${verb} [name] [--match simple|glob|regex]`,
	options: {match: 'value'},
	arity: [0, 1],
	build(positionals, options) {
		const match = options.get('match');
		if (match !== undefined && (match === true || !matchModes.includes(match))) {
			throw new UsageError(`Expected \`--match\` to be one of ${matchModes.join(', ')}, got \`${String(match)}\``);
		}

		return optional({name: positionals[0], match});
	},
});

const noWords = (usage: string): Omit<CtlCommand, 'description'> => ({usage, arity: [0, 0], build: () => ({})});

/** Every command, by name. */
export const vocabulary = {
	add: {
		description: 'Add a watcher running cmd (and start it with --start)',
		properties: ['name', 'cmd', 'args', 'options', 'start'],
		waits: 'effect',
		reply: 'nothing more',
		words: {
			usage: 'add [--start] <name> <cmd...>',
			options: {start: 'flag'},
			arity: [2, Number.POSITIVE_INFINITY],
			commandStartsAt: 1,
			build: ([name, ...command], options) => ({name, cmd: command.join(' '), start: options.has('start')}),
		},
	},
	rm: {
		description: 'Remove a watcher (leaving its processes running with --nostop)',
		properties: ['name', 'nostop'],
		waits: 'effect',
		reply: 'nothing more',
		words: {
			usage: 'rm <name> [--nostop]',
			options: {nostop: 'flag'},
			arity: [1, 1],
			build: ([name], options) => ({name, nostop: options.has('nostop')}),
		},
	},
	start: {
		description: 'Start a watcher, the watchers a pattern matches, or all of them',
		properties: ['name', 'match'],
		waits: 'effect',
		reply: 'info: per watcher, the processes started, or what superseded the start',
		words: startStopWords('start'),
	},
	stop: {
		description: 'Stop a watcher, the watchers a pattern matches, or all of them',
		properties: ['name', 'match'],
		waits: 'effect',
		reply: 'info: null, or per watcher what superseded the stop',
		words: startStopWords('stop'),
	},
	restart: {
		description: 'Restart a watcher, the watchers a pattern matches, or all of them',
		properties: ['name', 'match'],
		waits: 'effect',
		reply: 'info: per watcher, as start',
		words: startStopWords('restart'),
	},
	reload: {
		description: 'Reload a watcher or all: new processes first, then stop the old ones (--terminate: at once)',
		properties: ['name', 'match', 'graceful', 'sequential'],
		waits: 'effect',
		reply: 'nothing more',
		words: {
			usage: 'reload [name] [--terminate] [--sequential]',
			options: {terminate: 'flag', sequential: 'flag'},
			arity: [0, 1],
			build: ([name], options) => optional({name, graceful: !options.has('terminate'), sequential: options.has('sequential')}),
		},
	},
	reloadconfig: {
		description: 'Read the configuration file again and apply the changes',
		properties: [],
		waits: 'effect',
		reply: 'added, removed, changed, rescaled: watcher names; restart_needed: [circus] options that need a restart; socket_error',
		words: noWords('reloadconfig'),
	},
	quit: {
		description: 'Stop every watcher, then the supervisor',
		properties: [],
		waits: 'effect',
		reply: 'nothing more',
		words: noWords('quit'),
	},
	incr: {
		description: 'Add nb processes (default 1) to a watcher',
		properties: ['name', 'nb'],
		waits: 'command',
		reply: 'numprocesses: the new count (singleton: true when capped at 1)',
		words: {usage: 'incr <name> [nb]', arity: [1, 2], build: ([name, nb]) => countProperties(name, nb)},
	},
	decr: {
		description: 'Remove nb processes (default 1) from a watcher',
		properties: ['name', 'nb'],
		waits: 'command',
		reply: 'numprocesses: the new count',
		words: {usage: 'decr <name> [nb]', arity: [1, 2], build: ([name, nb]) => countProperties(name, nb)},
	},
	numprocesses: {
		description: 'Number of processes of a watcher, or of all',
		properties: ['name'],
		waits: 'read',
		reply: 'numprocesses (and watcher_name)',
		words: {usage: 'numprocesses [name]', arity: [0, 1], build: nameOnly},
	},
	numwatchers: {
		description: 'Number of watchers',
		properties: [],
		waits: 'read',
		reply: 'numwatchers',
		words: noWords('numwatchers'),
	},
	list: {
		description: 'The watchers, or the pids of one watcher',
		properties: ['name'],
		waits: 'read',
		reply: 'watchers: names, or pids: of one watcher',
		words: {usage: 'list [name]', arity: [0, 1], build: nameOnly},
	},
	listsockets: {
		description: 'The sockets procui holds',
		properties: [],
		waits: 'read',
		reply: 'sockets: name, host, port, fd of each',
		words: noWords('listsockets'),
	},
	status: {
		description: 'State of a watcher, or of all',
		properties: ['name'],
		waits: 'read',
		reply: 'status: the watcher\'s state, or statuses: by watcher',
		words: {usage: 'status [name]', arity: [0, 1], build: nameOnly},
	},
	stats: {
		description: 'CPU and memory of processes: all, one watcher\'s, or one',
		properties: ['name', 'process', 'pid', 'extended'],
		waits: 'read',
		reply: 'infos: by watcher and pid; info: of one watcher or process',
		words: {
			usage: 'stats [--extended] [name] [pid]',
			options: {extended: 'flag'},
			arity: [0, 2],
			build: ([name, pid], options) => optional({name, process: pid === undefined ? undefined : parsePid(pid), extended: options.has('extended')}),
		},
	},
	dstats: {
		description: 'CPU and memory of the supervisor itself',
		properties: [],
		waits: 'read',
		reply: 'info: the supervisor\'s own figures and counters',
		words: noWords('dstats'),
	},
	get: {
		description: 'Values of a watcher\'s options',
		properties: ['name', 'keys'],
		waits: 'read',
		reply: 'options: the values asked for',
		words: {usage: 'get <name> <key...>', arity: [2, Number.POSITIVE_INFINITY], build: ([name, ...keys]) => ({name, keys})},
	},
	options: {
		description: 'All of a watcher\'s options',
		properties: ['name'],
		waits: 'read',
		reply: 'options: every option as written, and numprocesses, pty, streams',
		words: {usage: 'options <name>', arity: [1, 1], build: nameOnly},
	},
	set: {
		description: 'Change a watcher\'s options',
		properties: ['name', 'options'],
		waits: 'command',
		reply: 'nothing more',
		words: {
			usage: 'set <name> <key> <value> [<key> <value>...]',
			arity: [3, Number.POSITIVE_INFINITY],
			build([name, ...pairs]) {
				if (pairs.length % 2 !== 0) {
					throw new UsageError(`Expected key/value pairs after the watcher's name, got an odd number of words: ${pairs.join(' ')}`);
				}

				const options: Record<string, string> = {};
				for (let index = 0; index < pairs.length; index += 2) {
					options[pairs[index]!] = pairs[index + 1]!;
				}

				return {name, options};
			},
		},
	},
	globaloptions: {
		description: 'The supervisor\'s own options',
		properties: ['option'],
		waits: 'read',
		reply: 'options: all, or the one asked for',
		words: {usage: 'globaloptions [key]', arity: [0, 1], build: ([option]) => optional({option})},
	},
	signal: {
		description: 'Send a signal to a watcher\'s processes, one process, or their children',
		properties: ['name', 'pid', 'childpid', 'signum', 'children', 'recursive'],
		waits: 'command',
		reply: 'nothing more',
		words: {
			usage: 'signal <name> [<pid> [<childpid>]] [--children] [--recursive] <signum>',
			options: {children: 'flag', recursive: 'flag'},
			arity: [2, 4],
			build(positionals, options) {
				const [name, ...rest] = positionals;
				const signum = parseSignal(rest.pop()!);
				const [pid, childpid] = rest.map(text => parsePid(text));
				return optional({name, pid, childpid, signum, children: options.has('children'), recursive: options.has('recursive')});
			},
		},
	},
	kill: {
		description: 'Stop a watcher\'s processes or one process now: signal, wait, then SIGKILL',
		properties: ['name', 'pid', 'signum', 'graceful_timeout'],
		waits: 'effect',
		reply: 'nothing more',
		words: {
			usage: 'kill <name> [pid] [--signum S] [--graceful_timeout T]',
			options: {signum: 'value', graceful_timeout: 'value'},
			arity: [1, 2],
			build([name, pid], options) {
				const signum = options.get('signum');
				const timeout = options.get('graceful_timeout');
				return optional({
					name,
					pid: pid === undefined ? undefined : parsePid(pid),
					signum: typeof signum === 'string' ? parseSignal(signum) : undefined,
					graceful_timeout: typeof timeout === 'string' ? parseSeconds(timeout) : undefined,
				});
			},
		},
	},
	overview: {
		description: 'Every watcher with its processes, state and figures, in configuration order (the UI\'s view)',
		properties: [],
		waits: 'read',
		reply: 'watchers: one row per watcher',
	},
	logs: {
		description: 'The scrollback of a watcher\'s processes, or of one process',
		properties: ['name', 'pid', 'lines'],
		waits: 'read',
		reply: 'lines, processes, streams (what their files dropped or lost)',
	},
	search: {
		description: 'Find the lines of a watcher\'s, a process\'s or every watcher\'s whole scrollback that contain a text',
		properties: ['name', 'pid', 'query', 'limit'],
		waits: 'read',
		reply: 'total, matches (newest first, each with back: the newer lines of the same source), searched, partial',
	},
	input: {
		description: 'Type into a PTY process: data is written to its terminal (--enter: then Enter)',
		properties: ['name', 'pid', 'data'],
		waits: 'command',
		reply: 'pid, bytes',
		words: {
			usage: 'input <name> [pid] [--pid PID] [--enter] <data>',
			options: {pid: 'value', enter: 'flag'},
			arity: [2, 3],
			build(positionals, options) {
				const data = `${positionals.at(-1)!}${options.has('enter') ? '\r' : ''}`;
				if (data === '') {
					throw new UsageError('Expected the text to type, got an empty argument (--enter alone sends Enter)');
				}

				return optional({name: positionals[0], pid: terminalPid(positionals.slice(1, -1), options), data});
			},
		},
	},
	resize: {
		description: 'Resize the terminal of a PTY process (it gets SIGWINCH)',
		properties: ['name', 'pid', 'columns', 'rows'],
		waits: 'command',
		reply: 'pid, columns, rows',
		words: {
			usage: 'resize <name> [pid] [--pid PID] <columns> <rows>',
			options: {pid: 'value'},
			arity: [3, 4],
			build(positionals, options) {
				const [rows, columns] = [positionals.at(-1)!, positionals.at(-2)!].map((text, index) => parseDimension(text, index === 0 ? 'rows' : 'columns'));
				return optional({name: positionals[0], pid: terminalPid(positionals.slice(1, -2), options), columns, rows});
			},
		},
	},
	screen: {
		description: 'The screen of a PTY process (ctl prints it as text; the reply carries its newest raw output)',
		properties: ['name', 'pid'],
		waits: 'read',
		reply: 'pid, data (the newest raw output, base64), end (its byte offset), alternate, columns, rows',
		words: {
			usage: 'screen <name> [pid] [--pid PID]',
			options: {pid: 'value'},
			arity: [1, 2],
			build: (positionals, options) => optional({name: positionals[0], pid: terminalPid(positionals.slice(1), options)}),
		},
	},
} as const satisfies Readonly<Record<string, CommandSpec>>;

/** The name of a command the handlers answer (`subscribe` and `unsubscribe` are the connection's own). */
export type CommandName = keyof typeof vocabulary;

/** Every name a request may carry: the vocabulary's, and the connection's own two. */
export const requestNames: readonly string[] = [...Object.keys(vocabulary), 'subscribe', 'unsubscribe'].sort();

export function isCommandName(name: string): name is CommandName {
	return Object.hasOwn(vocabulary, name);
}

export function commandSpec(name: CommandName): CommandSpec {
	return vocabulary[name];
}

/** The commands `procui ctl` and the `:` prompt take as words, by name, in the vocabulary's order. */
export const ctlCommands: Readonly<Record<string, CtlCommand>> = Object.fromEntries(Object.entries(vocabulary as Readonly<Record<string, CommandSpec>>)
	.filter(([, spec]) => spec.words !== undefined)
	.map(([name, spec]) => [name, {...spec.words!, description: spec.description}]));

function countProperties(name: string, nb: string | undefined): Properties {
	if (nb !== undefined && !/^[1-9]\d*$/.test(nb)) {
		throw new UsageError(`Expected \`nb\` to be a positive whole number, got \`${nb}\``);
	}

	return {name, nb: nb === undefined ? 1 : Number(nb)};
}

function parsePid(text: string): number {
	if (!/^[1-9]\d*$/.test(text)) {
		throw new UsageError(`Expected a pid (a positive whole number), got \`${text}\``);
	}

	return Number(text);
}

/** A terminal command's pid: positional (circusctl's form) or `--pid`; none means the watcher's only process. */
function terminalPid(positionals: readonly string[], options: ReadonlyMap<string, string | true>): number | undefined {
	const option = options.get('pid');
	const positional = positionals[0];
	if (option !== undefined && positional !== undefined && option !== positional) {
		throw new UsageError(`Expected one pid, got \`${positional}\` and \`--pid ${String(option)}\``);
	}

	const text = positional ?? option;
	return text === undefined ? undefined : parsePid(String(text));
}

function parseDimension(text: string, what: 'columns' | 'rows'): number {
	if (!/^[1-9]\d*$/.test(text) || Number(text) > 1000) {
		throw new UsageError(`Expected \`${what}\` to be a whole number from 1 to 1000, got \`${text}\``);
	}

	return Number(text);
}

function parseSeconds(text: string): number {
	const seconds = Number(text);
	if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
		throw new UsageError(`Expected \`--graceful_timeout\` to be a number of seconds, got \`${text}\``);
	}

	return seconds;
}

/** A signal as the server takes it: a number, or a canonical name such as `SIGHUP`. */
function parseSignal(text: string): number | string {
	if (/^\d+$/.test(text)) {
		return Number(text);
	}

	const upper = text.toUpperCase();
	const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
	if (!Object.hasOwn(os.constants.signals, name)) {
		throw new UsageError(`Expected a signal name (HUP, SIGTERM) or number, got \`${text}\``);
	}

	return name;
}

/** Properties without the ones left undefined, so the request carries only what was given. */
function optional(properties: Readonly<Record<string, unknown>>): Properties {
	return Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined));
}
