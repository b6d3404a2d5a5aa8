import {watcherSocketNames} from './substitute.js';
import type {Config, SocketConfig, WatcherConfig} from './types.js';

/** What `reloadconfig` has to do, by name (circus/arbiter.py `reload_from_config`). */
export type ConfigDiff = {
	/** Watchers only in the new config: create (and start if autostart). */
	readonly added: readonly string[];
	/** Watchers only in the old config: stop and remove. */
	readonly removed: readonly string[];
	/** Watchers with any option other than numprocesses changed, or using a socket that
	changed: stop and re-create. */
	readonly changed: readonly string[];
	/** Watchers where only numprocesses changed: set the new count, keep the processes. */
	readonly numprocessesOnly: readonly string[];
	readonly unchanged: readonly string[];
	/** `[circus]` options whose written value changed, by name (Circus restarts the whole
	arbiter; procui applies what it can and names the rest). */
	readonly arbiterOptions: readonly string[];
	/** The same for sockets: rebind the added and changed ones, close the removed ones. */
	readonly sockets: {
		readonly added: readonly string[];
		readonly removed: readonly string[];
		readonly changed: readonly string[];
		readonly unchanged: readonly string[];
	};
};

/**
Compare two configurations by watcher and socket name. Where an option is written (its origin)
does not count; everything else does, including the environment.
*/
export function diffConfigs(old: Config, next: Config): ConfigDiff {
	const sockets = diffByName(old.sockets, next.sockets, socket => canonical(withoutOrigin(socket)));
	const touchedSockets = new Set([...sockets.added, ...sockets.removed, ...sockets.changed]);
	const oldWatchers = new Map(old.watchers.map(watcher => [watcher.name, watcher]));
	const newWatchers = new Map(next.watchers.map(watcher => [watcher.name, watcher]));
	const changed: string[] = [];
	const numprocessesOnly: string[] = [];
	const unchanged: string[] = [];
	for (const [name, watcher] of newWatchers) {
		const before = oldWatchers.get(name);
		if (before === undefined) {
			continue;
		}

		const usesTouchedSocket = watcherSocketNames(watcher).some(socket => touchedSockets.has(socket));
		if (usesTouchedSocket || canonical(comparable(before)) !== canonical(comparable(watcher))) {
			changed.push(name);
		} else if (before.numprocesses === watcher.numprocesses) {
			unchanged.push(name);
		} else {
			numprocessesOnly.push(name);
		}
	}

	return {
		added: [...newWatchers.keys()].filter(name => !oldWatchers.has(name)),
		removed: [...oldWatchers.keys()].filter(name => !newWatchers.has(name)),
		changed,
		numprocessesOnly,
		unchanged,
		arbiterOptions: [...new Set([...Object.keys(old.arbiter.raw), ...Object.keys(next.arbiter.raw)])].filter(key => old.arbiter.raw[key] !== next.arbiter.raw[key]).sort(),
		sockets,
	};
}

function diffByName<T extends {readonly name: string}>(old: readonly T[], next: readonly T[], key: (item: T) => string) {
	const before = new Map(old.map(item => [item.name, key(item)]));
	const after = new Map(next.map(item => [item.name, key(item)]));
	return {
		added: [...after.keys()].filter(name => !before.has(name)),
		removed: [...before.keys()].filter(name => !after.has(name)),
		changed: [...after.keys()].filter(name => before.has(name) && before.get(name) !== after.get(name)),
		unchanged: [...after.keys()].filter(name => before.get(name) === after.get(name)),
	};
}

/** A watcher without what does not count: where it was written, and its process count. */
function comparable(watcher: WatcherConfig): unknown {
	const {origin: _origin, numprocesses: _numprocesses, raw, ...rest} = watcher;
	const {numprocesses: _rawNumprocesses, ...otherRaw} = raw;
	return {...rest, raw: otherRaw};
}

function withoutOrigin(socket: SocketConfig): unknown {
	const {origin: _origin, ...rest} = socket;
	return rest;
}

/** JSON with object keys sorted, so that equal values give equal text. */
function canonical(value: unknown): string {
	return JSON.stringify(value, (_key, item: unknown) => {
		if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
			return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : (a > b ? 1 : 0))));
		}

		return item;
	});
}
