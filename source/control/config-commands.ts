import {stderrApart} from '../config/stream-options.js';
import type {WatcherConfig} from '../config/types.js';
import {watcherFromOptions} from '../config/watcher-from-options.js';
import {CommandError, validated} from '../core/errors.js';
import {stringProperty, type Handlers} from './handler.js';
import {flag} from './request-values.js';

/** `options` and `get`: a watcher's options as written, plus the values procui derived. */
function watcherOptions(raw: Readonly<Record<string, string>>, numprocesses: number): Record<string, unknown> {
	return {...raw, numprocesses};
}

/** What `options` says of where a watcher's output goes. */
function streamsText(config: WatcherConfig): string {
	if (config.closeChildStdout || config.closeChildStderr) {
		const apart = config.pty ? (stderrApart(config) ? 'a pipe of its own' : 'the terminal') : 'a pipe';
		const closed = [config.closeChildStdout ? 'stdout' : undefined, config.closeChildStderr ? 'stderr' : undefined].filter(Boolean).join('/');
		return `stdout to ${config.closeChildStdout ? '/dev/null' : config.pty ? 'the terminal' : 'a pipe'}, stderr to ${config.closeChildStderr ? '/dev/null' : apart} (close_child_${closed})${config.pty ? '; stdin is the terminal (PTY)' : ''}`;
	}

	if (!config.pty) {
		return 'stdout and stderr separate (pipes)';
	}

	return stderrApart(config) ? 'stdout on a terminal (PTY), stderr on a pipe of its own' : 'one stream (PTY): stdout and stderr are merged';
}

export const configCommands: Handlers<'options' | 'get' | 'set' | 'add' | 'rm'> = {
	options(arbiter, properties) {
		const watcher = arbiter.get(stringProperty(properties, 'name', true));
		return {options: {...watcherOptions(watcher.config.raw, watcher.numprocesses), pty: watcher.config.pty, streams: streamsText(watcher.config)}};
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
	async set(arbiter, properties) {
		const name = stringProperty(properties, 'name', true);
		const changes = stringOptions(properties.options);
		if (Object.keys(changes).length === 0) {
			throw new CommandError('missing property: options (option names and values)', 'message');
		}

		return arbiter.setOptions(name, changes);
	},
	async add(arbiter, properties) {
		const name = stringProperty(properties, 'name', true).toLowerCase();
		const cmd = stringProperty(properties, 'cmd', true);
		const args = properties.args;
		const options: Record<string, string> = {...stringOptions(properties.options), cmd};
		if (Array.isArray(args)) {
			options.args = args.map(String).join(' ');
		} else if (typeof args === 'string' && args !== '') {
			options.args = args;
		}

		const config = validated(() => watcherFromOptions(name, options, {cwd: process.cwd(), environ: process.env, scrollback: arbiter.config.arbiter.scrollback}));
		return arbiter.addWatcher(config, flag(properties, 'start', false));
	},
	async rm(arbiter, properties) {
		return arbiter.removeWatcher(stringProperty(properties, 'name', true), flag(properties, 'nostop', false));
	},
};

function stringOptions(value: unknown): Record<string, string> {
	if (value === undefined || value === null) {
		return {};
	}

	if (typeof value !== 'object' || Array.isArray(value)) {
		throw new CommandError(`options must be an object of option names and values, got ${JSON.stringify(value)}`, 'message');
	}

	return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, option]) => [key, typeof option === 'string' ? option : JSON.stringify(option)]));
}

