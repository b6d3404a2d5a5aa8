/**
`procui ctl COMMAND ...`: circusctl's command forms turned into a request.

`argv` is what follows `ctl` and its global flags (`--endpoint`, `--timeout`, `--json`, which the
CLI reads). Options may appear anywhere among the arguments, as `--name value` or
`--name=value`; `--` ends them. For `add`, everything after the watcher's name is its command,
options included. Commands wait for their effect by default (`waiting: true`, unlike
circusctl); `--no-waiting` asks for the reply as soon as the command is accepted.
*/
import os from 'node:os';
import type {Properties} from './protocol.js';

export type CtlRequest = {
	readonly command: string;
	readonly properties: Properties;
};

export type CtlArgsResult = CtlRequest | {readonly error: string};

/** How one ctl command reads its arguments. */
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

/** A wrong argument, reported with the command's usage. */
class UsageError extends Error {}

const matchModes = ['simple', 'glob', 'regex'];

const nameOnly = (positionals: readonly string[]): Properties => optional({name: positionals[0]});

const startStop = (verb: string): CtlCommand => ({
	usage: `${verb} [name] [--match simple|glob|regex]`,
	description: `${verb.charAt(0).toUpperCase()}${verb.slice(1)} a watcher, the watchers a pattern matches, or all of them`,
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

const noArguments = (description: string, usage: string): CtlCommand => ({usage, description, arity: [0, 0], build: () => ({})});

/** Every `procui ctl` command, by name; also the source of `procui ctl --help`. */
export const ctlCommands: Readonly<Record<string, CtlCommand>> = {
	add: {
		usage: 'add [--start] <name> <cmd...>',
		description: 'Add a watcher running cmd (and start it with --start)',
		options: {start: 'flag'},
		arity: [2, Number.POSITIVE_INFINITY],
		commandStartsAt: 1,
		build: ([name, ...command], options) => ({name, cmd: command.join(' '), start: options.has('start')}),
	},
	rm: {
		usage: 'rm <name> [--nostop]',
		description: 'Remove a watcher (leaving its processes running with --nostop)',
		options: {nostop: 'flag'},
		arity: [1, 1],
		build: ([name], options) => ({name, nostop: options.has('nostop')}),
	},
	start: startStop('start'),
	stop: startStop('stop'),
	restart: startStop('restart'),
	reload: {
		usage: 'reload [name] [--terminate] [--sequential]',
		description: 'Reload a watcher or all: new processes first, then stop the old ones (--terminate: at once)',
		options: {terminate: 'flag', sequential: 'flag'},
		arity: [0, 1],
		build: ([name], options) => optional({name, graceful: !options.has('terminate'), sequential: options.has('sequential')}),
	},
	reloadconfig: noArguments('Read the configuration file again and apply the changes', 'reloadconfig'),
	quit: noArguments('Stop every watcher, then the supervisor', 'quit'),
	incr: {
		usage: 'incr <name> [nb]',
		description: 'Add nb processes (default 1) to a watcher',
		arity: [1, 2],
		build: ([name, nb]) => countProperties(name, nb),
	},
	decr: {
		usage: 'decr <name> [nb]',
		description: 'Remove nb processes (default 1) from a watcher',
		arity: [1, 2],
		build: ([name, nb]) => countProperties(name, nb),
	},
	numprocesses: {usage: 'numprocesses [name]', description: 'Number of processes of a watcher, or of all', arity: [0, 1], build: nameOnly},
	numwatchers: noArguments('Number of watchers', 'numwatchers'),
	list: {usage: 'list [name]', description: 'The watchers, or the pids of one watcher', arity: [0, 1], build: nameOnly},
	listsockets: noArguments('The sockets procui holds', 'listsockets'),
	status: {usage: 'status [name]', description: 'State of a watcher, or of all', arity: [0, 1], build: nameOnly},
	stats: {
		usage: 'stats [--extended] [name] [pid]',
		description: 'CPU and memory of processes: all, one watcher\'s, or one',
		options: {extended: 'flag'},
		arity: [0, 2],
		build: ([name, pid], options) => optional({name, process: pid === undefined ? undefined : parsePid(pid), extended: options.has('extended')}),
	},
	dstats: noArguments('CPU and memory of the supervisor itself', 'dstats'),
	get: {
		usage: 'get <name> <key...>',
		description: 'Values of a watcher\'s options',
		arity: [2, Number.POSITIVE_INFINITY],
		build: ([name, ...keys]) => ({name, keys}),
	},
	options: {usage: 'options <name>', description: 'All of a watcher\'s options', arity: [1, 1], build: nameOnly},
	set: {
		usage: 'set <name> <key> <value> [<key> <value>...]',
		description: 'Change a watcher\'s options',
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
	globaloptions: {
		usage: 'globaloptions [key]',
		description: 'The supervisor\'s own options',
		arity: [0, 1],
		build: ([option]) => optional({option}),
	},
	signal: {
		usage: 'signal <name> [<pid> [<childpid>]] [--children] [--recursive] <signum>',
		description: 'Send a signal to a watcher\'s processes, one process, or their children',
		options: {children: 'flag', recursive: 'flag'},
		arity: [2, 4],
		build(positionals, options) {
			const [name, ...rest] = positionals;
			const signum = parseSignal(rest.pop()!);
			const [pid, childpid] = rest.map(text => parsePid(text));
			return optional({name, pid, childpid, signum, children: options.has('children'), recursive: options.has('recursive')});
		},
	},
	kill: {
		usage: 'kill <name> [pid] [--signum S] [--graceful_timeout T]',
		description: 'Stop a watcher\'s processes or one process now: signal, wait, then SIGKILL',
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
};

/** Turn `procui ctl` arguments into a request, or say what is wrong with them. */
export function parseCtlArgs(argv: readonly string[]): CtlArgsResult {
	const [command, ...rest] = argv;
	if (command === undefined || command === '') {
		return {error: `no command given; the commands are: ${Object.keys(ctlCommands).join(', ')}`};
	}

	const spec = Object.hasOwn(ctlCommands, command) ? ctlCommands[command] : undefined;
	if (spec === undefined) {
		return {error: `unknown command \`${command}\`; the commands are: ${Object.keys(ctlCommands).join(', ')}`};
	}

	const usage = `usage: procui ctl ${spec.usage}`;
	const parsed = splitOptions(rest, spec);
	if (typeof parsed === 'string') {
		return {error: `${parsed} for \`${command}\`; ${usage}`};
	}

	const {positionals, options} = parsed;
	const [least, most] = spec.arity;
	if (positionals.length < least || positionals.length > most) {
		const expected = least === most ? `${least}` : most === Number.POSITIVE_INFINITY ? `at least ${least}` : `${least} to ${most}`;
		return {error: `\`${command}\` takes ${expected} argument${expected === '1' ? '' : 's'}, got ${positionals.length}; ${usage}`};
	}

	let properties: Properties;
	try {
		properties = spec.build(positionals, options);
	} catch (error) {
		if (error instanceof UsageError) {
			return {error: `${error.message}; ${usage}`};
		}

		throw error;
	}

	return {command, properties: {...properties, waiting: !options.has('no-waiting')}};
}

function splitOptions(argv: readonly string[], spec: CtlCommand): {positionals: string[]; options: Map<string, string | true>} | string {
	const known: Readonly<Record<string, 'flag' | 'value'>> = {...spec.options, waiting: 'flag', 'no-waiting': 'flag'};
	const positionals: string[] = [];
	const options = new Map<string, string | true>();
	let optionsEnded = false;
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]!;
		if (spec.commandStartsAt !== undefined && positionals.length > spec.commandStartsAt) {
			optionsEnded = true;
		}

		if (optionsEnded || !argument.startsWith('--')) {
			positionals.push(argument);
			continue;
		}

		if (argument === '--') {
			optionsEnded = true;
			continue;
		}

		const equals = argument.indexOf('=');
		const name = argument.slice(2, equals === -1 ? undefined : equals);
		const kind = Object.hasOwn(known, name) ? known[name] : undefined;
		if (kind === undefined) {
			return `unknown option \`--${name}\``;
		}

		if (kind === 'flag') {
			if (equals !== -1) {
				return `option \`--${name}\` takes no value`;
			}

			options.set(name, true);
		} else if (equals === -1) {
			const value = argv[index + 1];
			if (value === undefined) {
				return `option \`--${name}\` needs a value`;
			}

			options.set(name, value);
			index++;
		} else {
			options.set(name, argument.slice(equals + 1));
		}
	}

	if (options.has('waiting') && options.has('no-waiting')) {
		return '`--waiting` and `--no-waiting` contradict each other';
	}

	return {positionals, options};
}

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
