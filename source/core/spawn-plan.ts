import type {WatcherConfig} from '../config/types.js';
import {resolveSpawnTemplate, watcherSocketNames} from '../config/substitute.js';
import {shlexSplit} from '../config/shlex.js';
import {applyPythonEnv} from '../config/python-env.js';
import {watcherVariable} from '../io/adopted.js';

/** What one spawn of a watcher runs: argv, environment and working directory. */
type SpawnPlan = {
	readonly file: string;
	/** argv[0] as the program sees it. */
	readonly argv0: string;
	readonly args: readonly string[];
	readonly env: Readonly<Record<string, string>>;
	readonly cwd: string;
	/** The sockets the process inherits (`use_sockets`), as the supervisor's descriptors; the
	process gets them as fd 3, 4, ... in this order, which is what `$(circus.sockets.NAME)` says. */
	readonly extraFds: readonly number[];
	/** `close_child_stdout` / `close_child_stderr`: that stream goes to /dev/null, as in Circus. */
	readonly nullStdout: boolean;
	readonly nullStderr: boolean;
};

/** A watcher's sockets for one spawn: the descriptors to pass, and each name's number in the child. */
function passedSockets(config: WatcherConfig, bound: Readonly<Record<string, number>>): {fds: number[]; numbers: Record<string, number>} {
	const fds: number[] = [];
	const numbers: Record<string, number> = {};
	if (config.useSockets) {
		for (const name of watcherSocketNames(config)) {
			const fd = bound[name];
			if (fd !== undefined) {
				numbers[name] = 3 + fds.length;
				fds.push(fd);
			}
		}
	}

	return {fds, numbers};
}

/** The environment a watcher's programs get: `copy_env`, `env` (with `$(circus.wid)` and socket
substitutions), `copy_path` and `virtualenv`. Its processes and its hooks alike. */
export function watcherEnv(
	config: WatcherConfig,
	context: {readonly wid: number; readonly sockets: Readonly<Record<string, number>>},
	environ: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
	const env: Record<string, string> = {};
	if (config.copyEnv) {
		for (const [key, value] of Object.entries(environ)) {
			if (value !== undefined) {
				env[key] = value;
			}
		}
	}

	for (const [key, value] of Object.entries(config.env)) {
		env[key] = resolveSpawnTemplate(value, context);
	}

	if (config.python !== undefined) {
		applyPythonEnv(env, config.python, config.env);
	}

	// Names the watcher to its descendants: one that outlives its parent and is adopted by the
	// supervisor (a child subreaper) is stopped with this watcher.
	env[watcherVariable] = config.name;
	return env;
}

/** Build the spawn for slot `wid`: substitutions, shell or shlex, environment. Throws on a bad
command line (an unclosed quote), which the watcher reports as a spawn failure. `sockets`: the
supervisor's descriptor of each bound socket, by name. */
export function planSpawn(
	config: WatcherConfig,
	wid: number,
	sockets: Readonly<Record<string, number>>,
	environ: Readonly<Record<string, string | undefined>>,
): SpawnPlan {
	const passed = passedSockets(config, sockets);
	const context = {wid, sockets: passed.numbers};
	const line = resolveSpawnTemplate(config.args ? `${config.cmd} ${config.args}` : config.cmd, context);
	const env = watcherEnv(config, context, environ);
	if (config.pty && env.TERM === undefined) {
		// A terminal: programs colour their output as they would for a person.
		env.TERM = 'xterm-256color';
	}

	const common = {env, cwd: config.workingDir, extraFds: passed.fds, nullStdout: config.closeChildStdout, nullStderr: config.closeChildStderr};
	if (config.shell) {
		// As Circus's Popen(shell=True): `shell_args` follow the command line, as the script's $0,
		// $1, ...; `executable` is the shell (argv[0] its path, as Python passes it).
		const shellArgs = config.shellArgs ? shlexSplit(resolveSpawnTemplate(config.shellArgs, context)) : [];
		const shell = config.executable ?? '/bin/sh';
		return {file: shell, argv0: config.executable ?? 'sh', args: ['-c', line, ...shellArgs], ...common};
	}

	const argv = shlexSplit(line);
	if (argv.length === 0) {
		throw new Error('the command is empty');
	}

	return {file: config.executable ?? argv[0]!, argv0: argv[0]!, args: argv.slice(1), ...common};
}
