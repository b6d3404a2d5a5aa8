import {shlexQuote} from '../config/shlex.js';
import {stderrApart} from '../config/stream-options.js';
import type {StreamConfig, WatcherConfig} from '../config/types.js';
import {watcherFromOptions} from '../config/watcher-from-options.js';
import {CommandError, validated} from '../core/errors.js';
import {stringProperty, type Handlers} from './handler.js';
import {flag} from './request-values.js';

/**
`options` and `get`: every option of the watcher with the value in effect, as Circus's
`Watcher.options()` lists its `optnames` (circus/watcher.py): numbers as numbers, switches as
booleans, `env` an object, `null` where unset; read from the parsed config, so substitutions are
done and a default shows even when the file does not name it. Options without a typed value here
(free-form ones kept for plugins, `hooks.*`, `rlimit_*`, `stdout_stream.*`, `flapping.*`) are
shown as written, as Circus keeps free-form ones. `numprocesses` is the running count (`incr`).
*/
function watcherOptions(config: WatcherConfig, numprocesses: number): Record<string, unknown> {
	return {
		...config.raw,
		numprocesses,
		warmup_delay: config.warmupDelay,
		working_dir: config.workingDir,
		uid: config.uid ?? null,
		gid: config.gid ?? null,
		send_hup: config.sendHup,
		stop_signal: config.stopSignal,
		stop_children: config.stopChildren,
		shell: config.shell,
		shell_args: config.shellArgs ?? null,
		env: {...config.env},
		max_retry: config.maxRetry,
		cmd: config.cmd,
		args: config.args,
		respawn: config.respawn,
		graceful_timeout: config.gracefulTimeout,
		executable: config.executable ?? null,
		use_sockets: config.useSockets,
		priority: config.priority,
		copy_env: config.copyEnv,
		singleton: config.singleton,
		stdout_stream_conf: streamConf(config.stdoutStream),
		on_demand: config.onDemand,
		stderr_stream_conf: streamConf(config.stderrStream),
		max_age: config.maxAge,
		max_age_variance: config.maxAgeVariance,
		close_child_stdin: config.closeChildStdin,
		close_child_stdout: config.closeChildStdout,
		close_child_stderr: config.closeChildStderr,
		// Options of the watcher that Circus keeps outside `optnames`, and procui's own.
		autostart: config.autostart,
		copy_path: config.copyPath,
		// Whether the flapping rule is on (off too with `flapping.active = false`), and its settings.
		check_flapping: config.flapping.enabled,
		'flapping.attempts': config.flapping.attempts,
		'flapping.window': config.flapping.window,
		'flapping.retry_in': config.flapping.retryIn,
		'flapping.max_retry': config.flapping.maxRetry,
		pty: config.pty,
		'procui.backoff': config.backoff,
		'procui.scrollback': config.scrollback,
	};
}

/** `stdout_stream_conf` / `stderr_stream_conf`: the stream's options under their INI names; `{}` without a stream, as in Circus. */
function streamConf(stream: StreamConfig | undefined): Record<string, unknown> {
	if (stream === undefined) {
		return {};
	}

	const conf: Record<string, unknown> = {class: stream.class, max_bytes: stream.maxBytes, backup_count: stream.backupCount, rotate_interval: stream.rotateInterval, utc: stream.utc};
	for (const [key, value] of [['filename', stream.filename], ['time_format', stream.timeFormat], ['rotate_when', stream.rotateWhen], ['color', stream.color]] as const) {
		if (value !== undefined) {
			conf[key] = value;
		}
	}

	return conf;
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
		return {options: {...watcherOptions(watcher.config, watcher.numprocesses), streams: streamsText(watcher.config)}};
	},
	get(arbiter, properties) {
		const watcher = arbiter.get(stringProperty(properties, 'name', true));
		const keys = properties.keys;
		if (!Array.isArray(keys) || keys.length === 0) {
			throw new CommandError('missing property: keys (a list of option names)', 'message');
		}

		const all = watcherOptions(watcher.config, watcher.numprocesses);
		const options: Record<string, unknown> = {};
		for (const key of keys) {
			const name = String(key).toLowerCase();
			// Own keys only: `in` would find `constructor` and `__proto__` on every object.
			if (!Object.hasOwn(all, name)) {
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
			// Circus passes a list as it is, one argument per item: each is quoted so that the
			// shlex split at spawn gives it back whole (`"a b"` stays one argument).
			options.args = args.map((arg) => shlexQuote(String(arg))).join(' ');
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

	return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, option]) => {
		if (key.toLowerCase() === 'env' && typeof option === 'object' && option !== null && !Array.isArray(option)) {
			return [key, envLine(option as Record<string, unknown>)];
		}

		return [key, typeof option === 'string' ? option : JSON.stringify(option)];
	}));
}

/**
Circus's shape for `env` in `add` and `set`, an object of names and values, as the option's
`KEY=value, KEY2=value2` line, which is read as the config reads it. A comma or `=` where the line
cannot hold it is refused: the line has no way to quote one.
*/
function envLine(env: Readonly<Record<string, unknown>>): string {
	return Object.entries(env).map(([name, raw]) => {
		const value = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
		if (value === undefined) {
			throw new CommandError(`env: expected a text value for ${JSON.stringify(name)}, got ${JSON.stringify(raw)}`, 'message');
		}

		if (name.trim() === '' || /[=,]/.test(name) || value.includes(',')) {
			throw new CommandError(`env: ${JSON.stringify(name)}: names cannot be empty or hold "=" or ",", and values cannot hold ","; got ${JSON.stringify(`${name}=${value}`)}`, 'message');
		}

		return `${name}=${value}`;
	}).join(', ');
}

