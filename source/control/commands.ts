import type {Arbiter} from '../core/arbiter.js';
import {fnmatchToRegExp} from '../config/fnmatch.js';
import {maxNumprocesses, oneOf, seconds, signal, wholeNumber} from '../config/values.js';
import {CommandError} from '../core/errors.js';
import {commandSpec, isCommandName, type CommandName} from '../core/vocabulary.js';
import {errno, errorReply, nowSeconds, type Properties, type Reply, type Request} from './protocol.js';
import {processRow, watcherRow, watchersInConfigOrder} from './views.js';
import {configCommands} from './config-commands.js';
import {logsCommand, searchCommand} from './logs-command.js';
import {terminalCommands} from './terminal-commands.js';
import {flag, optionalProperty, pid, property} from './request-values.js';
import {stringProperty, type CommandContext, type Handler} from './handler.js';

export type {CommandContext, Handler} from './handler.js';

/** `incr`/`decr`'s `nb`: at least one process, at most a watcher's ceiling. */
const count = wholeNumber(1, maxNumprocesses);

const matchModes = oneOf(['simple', 'glob', 'regex'] as const);

/** Watchers a `name` property designates, with Circus's `match` (simple, glob, regex). */
function matchWatchers(arbiter: Arbiter, properties: Properties): string[] {
	const name = stringProperty(properties, 'name');
	if (name === undefined) {
		return arbiter.orderedWatchers().map((watcher) => watcher.name);
	}

	const match = property(properties, 'match', matchModes, 'glob');
	let names: string[];
	if (match === 'simple') {
		names = arbiter.watchers.has(name.toLowerCase()) ? [name.toLowerCase()] : [];
	} else {
		let pattern: RegExp;
		try {
			// Circus's glob is fnmatch.translate of the lower-cased pattern (circus/commands/restart.py),
			// `[...]` sets included, and its regex the lower-cased pattern matched at the start of the
			// name (Python's re.match); watcher names are lower case.
			pattern = match === 'glob' ? fnmatchToRegExp(name.toLowerCase()) : new RegExp(`^(?:${name.toLowerCase()})`, 'u');
		} catch {
			throw new CommandError(`invalid ${match} pattern: ${name}`, 'message');
		}

		names = arbiter.orderedWatchers().map((watcher) => watcher.name).filter((candidate) => pattern.test(candidate));
	}

	if (names.length === 0) {
		throw new CommandError(`program ${name} not found`, 'message');
	}

	return names;
}

const handlers: {readonly [K in CommandName]: Handler} = {
	async start(arbiter, properties) {
		return arbiter.startWatchers(matchWatchers(arbiter, properties));
	},
	async stop(arbiter, properties) {
		return arbiter.stopWatchers(matchWatchers(arbiter, properties));
	},
	async restart(arbiter, properties) {
		return arbiter.restartWatchers(matchWatchers(arbiter, properties));
	},
	async reload(arbiter, properties) {
		const graceful = flag(properties, 'graceful', true);
		// Checked like every switch, though procui's reload has one order (new processes first).
		flag(properties, 'sequential', false);
		return arbiter.reloadWatchers(matchWatchers(arbiter, properties), graceful);
	},
	async quit(arbiter) {
		return arbiter.quit();
	},
	async incr(arbiter, properties) {
		return arbiter.incr(stringProperty(properties, 'name', true), property(properties, 'nb', count, 1));
	},

	async decr(arbiter, properties) {
		// No upper bound: Circus's decr stops at 0 (`decr web 100` on 2 processes leaves 0).
		return arbiter.decr(stringProperty(properties, 'name', true), property(properties, 'nb', wholeNumber(1), 1));
	},

	numprocesses(arbiter, properties) {
		const name = stringProperty(properties, 'name');
		if (name !== undefined) {
			const watcher = arbiter.get(name);
			return {numprocesses: watcher.processes.size, watcher_name: watcher.name};
		}

		return {numprocesses: [...arbiter.watchers.values()].reduce((sum, watcher) => sum + watcher.processes.size, 0)};
	},
	numwatchers(arbiter) {
		return {numwatchers: arbiter.watchers.size};
	},
	list(arbiter, properties) {
		const name = stringProperty(properties, 'name');
		if (name !== undefined) {
			return {pids: arbiter.get(name).running.map((record) => record.pid).sort((a, b) => a - b)};
		}

		return {watchers: [...arbiter.watchers.keys()].sort()};
	},
	status(arbiter, properties) {
		const name = stringProperty(properties, 'name');
		if (name !== undefined) {
			// Circus overwrites "ok" with the watcher's state.
			return {status: arbiter.get(name).status};
		}

		return {statuses: Object.fromEntries([...arbiter.watchers.values()].map((watcher) => [watcher.name, watcher.status]))};
	},
	stats(arbiter, properties, context) {
		const name = stringProperty(properties, 'name');
		const processPid = optionalProperty(properties, 'process', pid) ?? optionalProperty(properties, 'pid', pid);
		// Checked like every switch; procui's reply is the same either way.
		flag(properties, 'extended', false);
		const sample = context.stats.sample();
		if (name === undefined) {
			return {infos: Object.fromEntries([...arbiter.watchers.values()].map((watcher) => [watcher.name, Object.fromEntries(watcher.running.map((record) => [record.pid, processRow(record, sample)]))]))};
		}

		const watcher = arbiter.get(name);
		if (processPid !== undefined) {
			const record = watcher.findProcess(processPid);
			if (!record) {
				throw new CommandError(`process ${processPid} not found in watcher ${watcher.name}`, 'message');
			}

			return {process: record.pid, info: processRow(record, sample)};
		}

		return {name: watcher.name, info: Object.fromEntries([...watcher.processes.values()].map((record) => [record.pid, processRow(record, sample)]))};
	},
	dstats(_arbiter, _properties, context) {
		return {info: context.stats.self()};
	},
	async signal(arbiter, properties, context) {
		const name = stringProperty(properties, 'name', true);
		const signum = optionalProperty(properties, 'signum', signal);
		if (signum === undefined) {
			throw new CommandError('missing property: signum', 'message');
		}

		return arbiter.signal(name, {
			signum,
			pid: optionalProperty(properties, 'pid', pid),
			childpid: optionalProperty(properties, 'childpid', pid),
			children: flag(properties, 'children', false),
			recursive: flag(properties, 'recursive', false),
		}, (target, recursive) => context.stats.children(target, recursive));
	},

	async kill(arbiter, properties) {
		// The config's rules: a graceful_timeout the config would refuse (negative, not a number,
		// longer than a timer can wait) would otherwise SIGKILL at once.
		return arbiter.kill(stringProperty(properties, 'name', true), optionalProperty(properties, 'pid', pid), optionalProperty(properties, 'signum', signal), optionalProperty(properties, 'graceful_timeout', seconds()));
	},

	async reloadconfig(_arbiter, _properties, context) {
		return context.reloadConfig();
	},
	globaloptions(_arbiter, properties, context) {
		const options = context.globalOptions();
		const key = stringProperty(properties, 'option');
		if (key !== undefined) {
			if (!(key in options)) {
				throw new CommandError(`unknown global option: ${key}`, 'message');
			}

			return {options: {[key]: options[key]}};
		}

		return {options};
	},
	// Watchers in configuration order, as the UI lists them.
	overview(arbiter, _properties, context) {
		const sample = context.stats.sample();
		return {watchers: watchersInConfigOrder(arbiter).map((watcher) => watcherRow(watcher, sample))};
	},
	listsockets(_arbiter, _properties, context) {
		return {sockets: context.listSockets()};
	},
	logs: logsCommand,
	search: searchCommand,
	...configCommands,
	...terminalCommands,
};


/** Answer one request. Never throws: every failure is an error reply with Circus's errno. */
export async function dispatch(arbiter: Arbiter, request: Request, context: CommandContext): Promise<Reply> {
	if (!isCommandName(request.command)) {
		return errorReply(request.id, `unknown command: '${request.command}'`, errno.unknownCommand);
	}

	const handler = handlers[request.command];
	const spec = commandSpec(request.command);
	const properties = request.properties ?? {};
	const unknown = Object.keys(properties).filter((key) => key !== 'waiting' && !spec.properties.includes(key));
	if (unknown.length > 0) {
		const takes = spec.properties.length === 0 ? 'it takes none' : `it takes ${spec.properties.join(', ')}`;
		return errorReply(request.id, `unknown propert${unknown.length === 1 ? 'y' : 'ies'} for ${request.command}: ${unknown.join(', ')} (${takes}, and waiting)`, errno.messageError);
	}

	let waiting: boolean;
	try {
		waiting = flag(properties, 'waiting', true);
	} catch (error) {
		return errorReply(request.id, (error as Error).message, errno.messageError);
	}

	if (!waiting && spec.waits === 'effect') {
		// Circus's default: answer at once, let the effect complete in the background.
		void Promise.resolve().then(async () => handler(arbiter, properties, context)).catch((error: unknown) => {
			arbiter.log('warning', `${request.command} (not waited for) failed: ${error instanceof Error ? error.message : String(error)}`);
		});
		return {status: 'ok', id: request.id, time: nowSeconds()};
	}

	try {
		const fields = await handler(arbiter, properties, context);
		return {status: 'ok', ...fields, id: request.id, time: nowSeconds()};
	} catch (error) {
		if (error instanceof CommandError) {
			const code = error.kind === 'message' ? errno.messageError : error.kind === 'os' ? errno.osError : errno.commandError;
			return errorReply(request.id, error.message, code);
		}

		const message = error instanceof Error ? error.message : String(error);
		return errorReply(request.id, message, errno.commandError);
	}
}
