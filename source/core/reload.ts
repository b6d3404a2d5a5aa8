import {diffConfigs} from '../config/diff.js';
import type {Config, SocketConfig} from '../config/types.js';
import type {Arbiter} from './arbiter.js';
import {CommandError} from './errors.js';

/** The supervisor's sockets, as reloadconfig changes them. */
export type SocketRebinder = {
	/** Close these (every watcher that uses them is stopped). */
	close(names: readonly string[]): void;
	/** Bind these; throws a SocketError when one cannot be bound. */
	bind(sockets: readonly SocketConfig[]): Promise<void>;
};

/** What a reload needs of the arbiter beyond its public methods: to take the new configuration
as its own, which says which `[circus]` options it could not apply. */
export type ReloadTarget = {
	readonly arbiter: Arbiter;
	readonly adopt: (next: Config, changedOptions: readonly string[]) => readonly string[];
};

/**
`reloadconfig`: read the file again and apply the difference. Unchanged watchers are untouched,
a numprocesses-only change rescales, a changed watcher restarts with its new options, removed ones
stop and go, new ones are added (and started when autostart, unless on_demand). Sockets that were
added or changed are bound again (after the watchers that use them stopped, before they start),
removed ones are closed.
*/
export async function applyReload(target: ReloadTarget, load: () => Config, sockets?: SocketRebinder): Promise<Record<string, unknown>> {
	const {arbiter} = target;
	const log = (level: 'info' | 'warning' | 'error', message: string): void => {
		arbiter.log(level, message);
	};
	let next: Config;
	try {
		next = load();
	} catch (error) {
		// The running configuration stays; the reply says why the new one was refused.
		throw new CommandError(`the configuration was not reloaded: ${error instanceof Error ? error.message : String(error)}`, 'message');
	}

	const diff = diffConfigs(arbiter.config, next);
	const byName = new Map(next.watchers.map((watcher) => [watcher.name, watcher]));
	log('info', `reloadconfig: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.numprocessesOnly.length} rescaled, ${diff.unchanged.length} unchanged`);
	await Promise.all(diff.removed.map(async (name) => arbiter.removeWatcher(name, false)));
	await Promise.all(diff.numprocessesOnly.map(async (name) => arbiter.command(`rescale ${name}`, {}, () => {
		const watcher = arbiter.get(name);
		const config = byName.get(name)!;
		watcher.reconfigure(config);
		watcher.setNumprocesses(watcher.numprocesses);
	})));
	const wasActive = new Set(diff.changed.filter((name) => arbiter.get(name).desired === 'active'));
	const marks = new Map<string, number>();
	await arbiter.stopWatchers(diff.changed, {marks});
	const rebound = new Set([...diff.sockets.added, ...diff.sockets.changed]);
	let socketError: string | undefined;
	if (sockets && rebound.size + diff.sockets.removed.length > 0) {
		sockets.close([...diff.sockets.removed, ...diff.sockets.changed]);
		// An on_demand wait may still hold an old socket: it must be gone before the new one binds.
		await arbiter.releaseSockets();
		// One at a time: a socket that cannot be bound does not keep the others from it.
		for (const socket of next.sockets.filter((candidate) => rebound.has(candidate.name))) {
			try {
				await sockets.bind([socket]);
			} catch (error) {
				socketError = error instanceof Error ? error.message : String(error);
				log('error', `reloadconfig: ${socketError}`);
			}
		}
	}

	await Promise.all(diff.changed.map(async (name) => {
		const watcher = arbiter.get(name);
		await arbiter.command(`reconfigure ${name}`, {}, () => {
			watcher.reconfigure(byName.get(name)!);
		});
		// Not if someone stopped it meanwhile: theirs is the later intent.
		const stoppedSince = watcher.userStops !== marks.get(name);
		if (!stoppedSince && (wasActive.has(name) || (watcher.config.autostart && !watcher.config.onDemand))) {
			await arbiter.startWatchers([name]).catch(() => undefined);
		}
	}));
	for (const name of diff.added) {
		const config = byName.get(name)!;
		await arbiter.addWatcher(config, config.autostart && !config.onDemand).catch(() => undefined);
	}

	const needRestart = target.adopt(next, diff.arbiterOptions);
	if (needRestart.length > 0) {
		log('warning', `reloadconfig: [circus] ${needRestart.join(', ')} changed; ${needRestart.length === 1 ? 'it takes' : 'they take'} effect when procui restarts`);
	}

	for (const warning of next.warnings) {
		log('warning', `${warning.origin.file}:${warning.origin.line}: ${warning.message}`);
	}

	return {
		added: diff.added,
		removed: diff.removed,
		changed: diff.changed,
		rescaled: diff.numprocessesOnly,
		...(needRestart.length === 0 ? {} : {restart_needed: needRestart}),
		...(socketError === undefined ? {} : {socket_error: socketError}),
	};
}
