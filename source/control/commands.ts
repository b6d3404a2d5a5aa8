import os from 'node:os';
import type {Arbiter} from '../core/arbiter.js';
import {CommandError} from '../core/errors.js';
import type {Watcher} from '../core/watcher.js';
import {errno, errorReply, nowSeconds, type Properties, type Reply, type Request} from './protocol.js';
import {processRow, watcherRow, watchersInConfigOrder, type StatsProvider} from './views.js';
import {configCommands} from './config-commands.js';
import {logsCommand} from './logs-command.js';

/** A command handler: properties in, reply fields out (or a CommandError). */
export type Handler = (arbiter: Arbiter, properties: Properties, context: CommandContext) => Promise<Record<string, unknown>> | Record<string, unknown>;

export type CommandContext = {
	readonly stats: StatsProvider;
	/** Re-read the configuration file (reloadconfig, SIGHUP). */
	readonly reloadConfig: () => Promise<Record<string, unknown>>;
	/** Endpoint and other global options, for `globaloptions`. */
	readonly globalOptions: () => Record<string, unknown>;
	readonly listSockets: () => Array<Record<string, unknown>>;
};

export function stringProperty(properties: Properties, key: string, required: true): string;
export function stringProperty(properties: Properties, key: string, required?: false): string | undefined;
export function stringProperty(properties: Properties, key: string, required = false): string | undefined {
	const value = properties[key];
	if (value === undefined || value === null || value === '') {
		if (required) {
			throw new CommandError(`missing property: ${key}`, 'message');
		}

		return undefined;
	}

	if (typeof value !== 'string' && typeof value !== 'number') {
		throw new CommandError(`property ${key} must be a string, got ${JSON.stringify(value)}`, 'message');
	}

	return String(value);
}

function intProperty(properties: Properties, key: string, fallback: number): number {
	const value = properties[key];
	if (value === undefined || value === null) {
		return fallback;
	}

	const number = typeof value === 'number' ? value : Number(value);
	if (!Number.isInteger(number)) {
		throw new CommandError(`property ${key} must be a whole number, got ${JSON.stringify(value)}`, 'message');
	}

	return number;
}

export function signalProperty(value: unknown): number {
	if (typeof value === 'number' && Number.isInteger(value) && value > 0) {
		return value;
	}

	if (typeof value === 'string') {
		if (/^\d+$/.test(value)) {
			return Number(value);
		}

		const upper = value.toUpperCase();
		const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
		const number = (os.constants.signals as Record<string, number>)[name];
		if (number !== undefined) {
			return number;
		}
	}

	throw new CommandError(`unknown signal: ${JSON.stringify(value)}`, 'message');
}

function globToRegExp(glob: string): RegExp {
	const escaped = glob.replaceAll(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
	return new RegExp(`^${escaped}$`, 'i');
}

/** Watchers a `name` property designates, with Circus's `match` (simple, glob, regex). */
function matchWatchers(arbiter: Arbiter, properties: Properties): string[] {
	const name = stringProperty(properties, 'name');
	if (name === undefined) {
		return arbiter.orderedWatchers().map((watcher) => watcher.name);
	}

	const match = stringProperty(properties, 'match') ?? 'glob';
	let names: string[];
	if (match === 'simple') {
		names = arbiter.watchers.has(name.toLowerCase()) ? [name.toLowerCase()] : [];
	} else if (match === 'glob' || match === 'regex') {
		let pattern: RegExp;
		try {
			pattern = match === 'glob' ? globToRegExp(name) : new RegExp(name);
		} catch {
			throw new CommandError(`invalid ${match} pattern: ${name}`, 'message');
		}

		names = arbiter.orderedWatchers().map((watcher) => watcher.name).filter((candidate) => pattern.test(candidate));
	} else {
		throw new CommandError(`match must be simple, glob or regex, got ${JSON.stringify(match)}`, 'message');
	}

	if (names.length === 0) {
		throw new CommandError(`program ${name} not found`, 'message');
	}

	return names;
}

function oneWatcher(arbiter: Arbiter, properties: Properties): Watcher {
	return arbiter.get(stringProperty(properties, 'name', true));
}

const handlers: Record<string, Handler> = {
	async start(arbiter, properties) {
		return arbiter.startWatchers(matchWatchers(arbiter, properties));
	},
	async stop(arbiter, properties) {
		await arbiter.stopWatchers(matchWatchers(arbiter, properties));
		return {info: null};
	},
	async restart(arbiter, properties) {
		return arbiter.restartWatchers(matchWatchers(arbiter, properties));
	},
	async reload(arbiter, properties) {
		const graceful = properties.graceful !== false;
		return arbiter.reloadWatchers(matchWatchers(arbiter, properties), graceful);
	},
	async quit(arbiter) {
		return arbiter.quit();
	},
	async incr(arbiter, properties) {
		const watcher = oneWatcher(arbiter, properties);
		const nb = intProperty(properties, 'nb', 1);
		if (watcher.config.singleton) {
			return {numprocesses: 1, singleton: true};
		}

		await arbiter.command(`incr ${watcher.name}`, {}, () => {
			watcher.setNumprocesses(watcher.numprocesses + nb);
		});
		return {numprocesses: watcher.numprocesses};
	},
	async decr(arbiter, properties) {
		const watcher = oneWatcher(arbiter, properties);
		const nb = intProperty(properties, 'nb', 1);
		await arbiter.command(`decr ${watcher.name}`, {}, () => {
			watcher.setNumprocesses(watcher.numprocesses - nb);
		});
		return watcher.config.singleton ? {numprocesses: watcher.numprocesses, singleton: true} : {numprocesses: watcher.numprocesses};
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
		const pidText = stringProperty(properties, 'process') ?? stringProperty(properties, 'pid');
		const sample = context.stats.sample();
		if (name === undefined) {
			return {infos: Object.fromEntries([...arbiter.watchers.values()].map((watcher) => [watcher.name, Object.fromEntries(watcher.running.map((record) => [record.pid, processRow(record, sample)]))]))};
		}

		const watcher = arbiter.get(name);
		if (pidText !== undefined) {
			const record = watcher.findProcess(Number(pidText));
			if (!record) {
				throw new CommandError(`process ${pidText} not found in watcher ${watcher.name}`, 'message');
			}

			return {process: record.pid, info: processRow(record, sample)};
		}

		return {name: watcher.name, info: Object.fromEntries([...watcher.processes.values()].map((record) => [record.pid, processRow(record, sample)]))};
	},
	dstats(_arbiter, _properties, context) {
		return {info: context.stats.self()};
	},
	async signal(arbiter, properties, context) {
		const watcher = oneWatcher(arbiter, properties);
		const signum = signalProperty(properties.signum);
		const pidText = stringProperty(properties, 'pid');
		const children = properties.children === true;
		const recursive = properties.recursive === true;
		await arbiter.command(`signal ${watcher.name}`, {}, () => {
			const targets = pidText === undefined ? watcher.running : [watcher.findProcess(Number(pidText))];
			if (targets.some((record) => record === undefined)) {
				throw new CommandError(`process ${pidText} not found in watcher ${watcher.name}`, 'message');
			}

			for (const record of targets) {
				sendSignal(context.stats, record!.pid, signum, children, recursive);
			}
		});
		return {};
	},
	async kill(arbiter, properties) {
		const watcher = oneWatcher(arbiter, properties);
		const signum = properties.signum === undefined ? watcher.config.stopSignal : signalProperty(properties.signum);
		const timeout = properties.graceful_timeout === undefined ? watcher.config.gracefulTimeout : Number(properties.graceful_timeout);
		const pidText = stringProperty(properties, 'pid');
		await arbiter.command(`kill ${watcher.name}`, {}, () => {
			const pid = pidText === undefined ? undefined : Number(pidText);
			if (pid !== undefined && !watcher.findProcess(pid)) {
				throw new CommandError(`process ${pidText} not found in watcher ${watcher.name}`, 'message');
			}

			const killed = new Set(watcher.kill(pid, signum, timeout));
			return () => [...watcher.processes.values()].some((record) => killed.has(record.pid) && !record.drained) ? undefined : {};
		});
		return {};
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
	...configCommands,
};

function sendSignal(stats: StatsProvider, pid: number, signum: number, children: boolean, recursive: boolean): void {
	const targets = children || recursive ? stats.children(pid, recursive) : [];
	if (!children) {
		targets.unshift(pid);
	}

	for (const target of targets) {
		try {
			process.kill(target, signum);
		} catch {
			// Already gone.
		}
	}
}

/** The names of every command, for help and completion. */
export const commandNames: readonly string[] = [...Object.keys(handlers), 'subscribe', 'unsubscribe'].sort();

/** Commands whose effect may complete after the reply when `waiting` is false. */
const backgroundable = new Set(['start', 'stop', 'restart', 'reload', 'quit', 'kill', 'rm', 'reloadconfig']);

/** Answer one request. Never throws: every failure is an error reply with Circus's errno. */
export async function dispatch(arbiter: Arbiter, request: Request, context: CommandContext): Promise<Reply> {
	const handler = Object.hasOwn(handlers, request.command) ? handlers[request.command] : undefined;
	if (!handler) {
		return errorReply(request.id, `unknown command: '${request.command}'`, errno.unknownCommand);
	}

	const properties = request.properties ?? {};
	if (properties.waiting === false && backgroundable.has(request.command)) {
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
