import {CommandError} from '../core/errors.js';
import type {Handler} from './commands.js';
import {stringProperty} from './commands.js';

/** `options` and `get`: a watcher's options as written, plus the values procui derived. */
function watcherOptions(raw: Readonly<Record<string, string>>, numprocesses: number): Record<string, unknown> {
	return {...raw, numprocesses};
}

export const configCommands: Record<string, Handler> = {
	options(arbiter, properties) {
		const watcher = arbiter.get(stringProperty(properties, 'name', true));
		return {options: {...watcherOptions(watcher.config.raw, watcher.numprocesses), pty: watcher.config.pty, streams: watcher.config.pty ? 'one stream (PTY): stdout and stderr are merged' : 'stdout and stderr separate'}};
	},
	get(arbiter, properties) {
		const watcher = arbiter.get(stringProperty(properties, 'name', true));
		const keys = properties.keys;
		if (!Array.isArray(keys) || keys.length === 0) {
			throw new CommandError('missing property: keys (a list of option names)', 'message');
		}

		const all = watcherOptions(watcher.config.raw, watcher.numprocesses);
		const options: Record<string, unknown> = {};
		for (const key of keys) {
			const name = String(key).toLowerCase();
			if (!(name in all)) {
				throw new CommandError(`${watcher.name} has no option ${JSON.stringify(String(key))}`, 'message');
			}

			options[name] = all[name];
		}

		return {options};
	},
	async rm(arbiter, properties) {
		return arbiter.removeWatcher(stringProperty(properties, 'name', true), properties.nostop === true);
	},
};
