import {diffConfigs} from '../config/diff.js';
import type {Config} from '../config/types.js';
import type {Arbiter} from '../core/arbiter.js';
import {CommandError} from '../core/errors.js';

/**
`reloadconfig`: read the file again and apply the difference. Unchanged watchers are untouched,
a numprocesses-only change rescales, a changed watcher restarts with its new options, removed ones
stop and go, new ones are added (and started when autostart).
*/
export async function reloadConfig(
	arbiter: Arbiter,
	load: () => Config,
	log: (level: 'info' | 'warning' | 'error', message: string) => void,
): Promise<Record<string, unknown>> {
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
		watcher.config = config;
		watcher.setNumprocesses(config.numprocesses);
	})));
	await Promise.all(diff.changed.map(async (name) => {
		const watcher = arbiter.get(name);
		const wasActive = watcher.desired === 'active';
		await arbiter.stopWatchers([name]);
		await arbiter.command(`reconfigure ${name}`, {}, () => {
			watcher.config = byName.get(name)!;
			watcher.numprocesses = watcher.config.numprocesses;
		});
		if (wasActive || watcher.config.autostart) {
			await arbiter.startWatchers([name]).catch(() => undefined);
		}
	}));
	for (const name of diff.added) {
		const config = byName.get(name)!;
		await arbiter.addWatcher(config, config.autostart && !config.onDemand).catch(() => undefined);
	}

	arbiter.config = {...next, watchers: next.watchers};
	for (const warning of next.warnings) {
		log('warning', `${warning.origin.file}:${warning.origin.line}: ${warning.message}`);
	}

	return {added: diff.added, removed: diff.removed, changed: diff.changed, rescaled: diff.numprocessesOnly};
}
