import type {WatcherConfig} from '../config/types.js';
import {resolveSpawnTemplate} from '../config/substitute.js';
import {shlexSplit} from './shlex.js';

/** What one spawn of a watcher runs: argv, environment and working directory. */
export type SpawnPlan = {
	readonly file: string;
	/** argv[0] as the program sees it. */
	readonly argv0: string;
	readonly args: readonly string[];
	readonly env: Readonly<Record<string, string>>;
	readonly cwd: string;
};

/** Build the spawn for slot `wid`: substitutions, shell or shlex, environment. Throws on a bad
command line (an unclosed quote), which the watcher reports as a spawn failure. */
export function planSpawn(
	config: WatcherConfig,
	wid: number,
	sockets: Readonly<Record<string, number>>,
	environ: Readonly<Record<string, string | undefined>>,
): SpawnPlan {
	const line = resolveSpawnTemplate(config.args ? `${config.cmd} ${config.args}` : config.cmd, {wid, sockets});
	const env: Record<string, string> = {};
	if (config.copyEnv) {
		for (const [key, value] of Object.entries(environ)) {
			if (value !== undefined) {
				env[key] = value;
			}
		}
	}

	for (const [key, value] of Object.entries(config.env)) {
		env[key] = resolveSpawnTemplate(value, {wid, sockets});
	}

	if (config.pty && env.TERM === undefined) {
		// A terminal: programs colour their output as they would for a person.
		env.TERM = 'xterm-256color';
	}

	if (config.shell) {
		const shellArgs = config.shellArgs ? shlexSplit(config.shellArgs) : [];
		return {file: '/bin/sh', argv0: 'sh', args: [...shellArgs, '-c', line], env, cwd: config.workingDir};
	}

	const argv = shlexSplit(line);
	if (argv.length === 0) {
		throw new Error('the command is empty');
	}

	return {file: config.executable ?? argv[0]!, argv0: argv[0]!, args: argv.slice(1), env, cwd: config.workingDir};
}
