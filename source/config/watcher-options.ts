import path from 'node:path';
import {defaultWatcher} from './defaults.js';
import {readEnvOption} from './env-option.js';
import {watcherEnv, type EnvSections} from './env-sections.js';
import {readFlapping} from './flapping-options.js';
import {readHooks} from './hook-options.js';
import type {IniSection} from './ini.js';
import type {IssueList} from './issues.js';
import {resolveConfigPath} from './relative-path.js';
import {readRlimits} from './rlimits.js';
import {envSubstitution, SectionReader} from './section-reader.js';
import {checkSpawn} from './spawn-checks.js';
import {readStream} from './stream-options.js';
import {caseInsensitiveEnv, socketReferences, watcherSocketNames} from './substitute.js';
import {pythonSysPath, readVirtualenv} from './python-env.js';
import type {FlappingConfig, PythonEnv, WatcherConfig} from './types.js';
import {boolean, numprocesses, seconds, signal, wholeNumber} from './values.js';
import {substituteOwnOptions} from './own-options.js';
import {warnLeftovers} from './watcher-leftovers.js';

/** What a watcher section is read against. */
export type WatcherContext = {
	/** The config file's folder: named in a warning when a relative path seems meant from there. */
	readonly configDir: string;
	/** The directory procui was started in: the default `working_dir`, and what relative paths mean (as in Circus). */
	readonly cwd: string;
	readonly envSections: EnvSections;
	/** Flapping defaults (from a `[plugin:...]` flapping section, or the plugin's defaults). */
	readonly flapping: FlappingConfig;
	/** `[circus] procui.scrollback`, or procui's default. */
	readonly scrollback: number;
	/** Names of the `[socket:...]` sections, lower-cased. */
	readonly sockets: ReadonlySet<string>;
	/** Warn about what a spawn would meet on this machine (spawn-checks.ts); off for `add` and `set`. */
	readonly checkHost?: boolean;
};

/**
One `[watcher:NAME]`, with Circus's defaults (circus/config.py, circus/watcher.py) and procui's
additions (`pty`, `procui.scrollback`, `procui.backoff`). Every option is kept as written in `raw`; options
procui does not have are warned about. A section without `cmd` loads (as in Circus); it cannot start.
*/
export function readWatcher(section: IniSection, context: WatcherContext, issues: IssueList): WatcherConfig {
	const name = section.name.slice('watcher:'.length).trim().toLowerCase();
	const env = watcherEnv(context.envSections, name, issues);
	const envEntry = section.entries.find(entry => entry.key === 'env');
	if (envEntry !== undefined) {
		Object.assign(env, readEnvOption(envEntry, {...context.envSections.global, ...env}, context.envSections.environ, issues));
	}

	const reader = new SectionReader(section, issues, envSubstitution(caseInsensitiveEnv(context.envSections.global, env), issues));
	reader.use('env');
	const cmdEntry = reader.entry('cmd');
	const cmd = cmdEntry === undefined ? '' : reader.substitute(cmdEntry).trim();
	if (cmd === '') {
		// Circus loads such a watcher (its hook test configs have them) and fails when it starts.
		issues.warn(cmdEntry?.origin ?? section.origin, `[${section.name}]: no \`cmd\`: loaded, but it cannot start until one is set`);
	}

	const base = defaultWatcher({
		name,
		cmd,
		origin: section.origin,
		workingDir: path.resolve(context.cwd),
		scrollback: context.scrollback,
		flapping: context.flapping,
	});
	const workingDir = reader.text('working_dir')?.trim();
	const text = (key: string): string | undefined => {
		const value = reader.text(key)?.trim();
		return value === undefined || value === '' ? undefined : value;
	};

	const executable = text('executable');
	const shellArgs = text('shell_args');
	const uid = text('uid');
	const gid = text('gid');
	const stdoutStream = readStream('stdout_stream', reader, context, issues);
	const stderrStream = readStream('stderr_stream', reader, context, issues);
	let parsed: WatcherConfig = {
		...base,
		args: reader.text('args')?.trim() ?? '',
		...(executable === undefined ? {} : {executable}),
		shell: reader.read('shell', boolean, base.shell),
		...(shellArgs === undefined ? {} : {shellArgs}),
		workingDir: workingDir === undefined || workingDir === '' ? base.workingDir : resolveConfigPath(workingDir, 'dir', context, {origin: reader.originOf('working_dir'), key: 'working_dir'}, issues),
		...(uid === undefined ? {} : {uid}),
		...(gid === undefined ? {} : {gid}),
		env,
		copyEnv: reader.read('copy_env', boolean, base.copyEnv),
		copyPath: reader.read('copy_path', boolean, base.copyPath),
		numprocesses: reader.read('numprocesses', numprocesses, base.numprocesses),
		warmupDelay: reader.read('warmup_delay', seconds(), base.warmupDelay),
		autostart: reader.read('autostart', boolean, base.autostart),
		respawn: reader.read('respawn', boolean, base.respawn),
		singleton: reader.read('singleton', boolean, base.singleton),
		priority: reader.read('priority', wholeNumber(), base.priority),
		stopSignal: reader.read('stop_signal', signal, base.stopSignal),
		stopChildren: reader.read('stop_children', boolean, base.stopChildren),
		gracefulTimeout: reader.read('graceful_timeout', seconds(), base.gracefulTimeout),
		maxRetry: reader.read('max_retry', wholeNumber(-1), base.maxRetry),
		maxAge: reader.read('max_age', seconds(), base.maxAge),
		maxAgeVariance: reader.read('max_age_variance', seconds(), base.maxAgeVariance),
		sendHup: reader.read('send_hup', boolean, base.sendHup),
		useSockets: reader.read('use_sockets', boolean, base.useSockets),
		onDemand: reader.read('on_demand', boolean, base.onDemand),
		closeChildStdin: reader.read('close_child_stdin', boolean, base.closeChildStdin),
		closeChildStdout: reader.read('close_child_stdout', boolean, base.closeChildStdout),
		closeChildStderr: reader.read('close_child_stderr', boolean, base.closeChildStderr),
		...(stdoutStream === undefined ? {} : {stdoutStream}),
		...(stderrStream === undefined ? {} : {stderrStream}),
		rlimits: readRlimits(reader, issues),
		flapping: readFlapping(reader, context.flapping, issues),
		backoff: reader.read('procui.backoff', boolean, base.backoff),
		pty: reader.read('pty', boolean, base.pty),
		scrollback: reader.read('procui.scrollback', wholeNumber(1), base.scrollback),
		raw: Object.fromEntries(section.entries.map(entry => [entry.key, entry.value])),
	};
	const python = readPython(parsed, reader, context, issues);
	const {hooks, timeout: hookTimeout} = readHooks(reader, parsed.workingDir, issues);
	if (Object.keys(hooks).length > 0) {
		parsed = {...parsed, hooks, hookTimeout};
	}

	warnLeftovers(reader, issues);
	checkCombinations(parsed, reader, context, issues);
	if (cmd === '') {
		return {...parsed, ...(python === undefined ? {} : {python})};
	}

	const substitutedRaw = Object.fromEntries(section.entries.map(entry => [entry.key, reader.substitute(entry)]));
	const watcher: WatcherConfig = {
		...parsed,
		...(python === undefined ? {} : {python}),
		cmd: substituteOwnOptions(parsed.cmd, 'cmd', parsed, substitutedRaw, reader, issues),
		args: substituteOwnOptions(parsed.args, 'args', parsed, substitutedRaw, reader, issues),
	};
	checkSpawn(watcher, substitutedRaw, key => reader.originOf(key), context.checkHost ? {path: context.envSections.global.PATH} : undefined, issues);
	return watcher;
}

/** `copy_path` and `virtualenv`, which Circus allows only with `copy_env` (circus/watcher.py). */
function readPython(watcher: WatcherConfig, reader: SectionReader, context: WatcherContext, issues: IssueList): PythonEnv | undefined {
	const venvText = reader.text('virtualenv')?.trim();
	const pyVer = reader.text('virtualenv_py_ver')?.trim();
	for (const [key, used] of [['copy_path', watcher.copyPath], ['virtualenv', venvText !== undefined && venvText !== '']] as const) {
		if (used && !watcher.copyEnv) {
			issues.error(reader.originOf(key), `${key}: needs \`copy_env = true\`, as in Circus`);
			return undefined;
		}
	}

	const sysPath = watcher.copyPath ? pythonSysPath(watcher.env.PATH ?? context.envSections.global.PATH, reader.originOf('copy_path'), issues) : undefined;
	const virtualenv = venvText === undefined || venvText === ''
		? undefined
		: readVirtualenv(resolveConfigPath(venvText, 'dir', context, {origin: reader.originOf('virtualenv'), key: 'virtualenv'}, issues), pyVer === '' ? undefined : pyVer, reader.originOf('virtualenv'), issues);
	if (sysPath === undefined && virtualenv === undefined) {
		return undefined;
	}

	return {...(sysPath === undefined ? {} : {sysPath}), ...(virtualenv === undefined ? {} : {virtualenv})};
}

/** Rules that involve two options. */
function checkCombinations(watcher: WatcherConfig, reader: SectionReader, context: WatcherContext, issues: IssueList): void {
	if (watcher.singleton && watcher.numprocesses > 1) {
		issues.error(reader.originOf('numprocesses'), `numprocesses: a singleton watcher runs at most 1 process, got ${watcher.numprocesses}`);
	} else if (watcher.numprocesses === 0 && reader.entry('numprocesses') !== undefined) {
		issues.warn(reader.originOf('numprocesses'), 'numprocesses: 0 starts no process until `incr`');
	}

	// Circus hands a child its own stdin unless close_child_stdin; procui's is the terminal or a
	// daemon's /dev/null, never something to share. stdout and stderr are applied (spawn.ts).
	if (reader.entry('close_child_stdin') !== undefined) {
		if (!watcher.closeChildStdin) {
			issues.warn(reader.originOf('close_child_stdin'), `close_child_stdin: procui never hands a child its own stdin: ${watcher.pty ? 'with pty = true it is the terminal' : 'with pty = false it is /dev/null'}; ignored`);
		} else if (watcher.pty) {
			issues.warn(reader.originOf('close_child_stdin'), 'close_child_stdin: with pty = true stdin is the terminal (what is typed in the UI reaches the process), not /dev/null; set pty = false for /dev/null');
		}
	}

	if (watcher.shellArgs !== undefined && !watcher.shell) {
		issues.warn(reader.originOf('shell_args'), 'shell_args: has no effect without `shell = true`; ignored');
	}

	if (watcher.onDemand && !watcherSocketNames(watcher).some(socket => context.sockets.has(socket))) {
		issues.warn(reader.originOf('on_demand'), 'on_demand: the command names no socket ($(circus.sockets.NAME)), so no connection can start this watcher; it starts only when asked');
	}

	for (const key of ['cmd', 'args'] as const) {
		for (const socket of socketReferences(watcher[key])) {
			if (!context.sockets.has(socket)) {
				issues.warn(reader.originOf(key), `${key}: $(circus.sockets.${socket}) names no [socket:${socket}] section; left as written`);
			} else if (!watcher.useSockets) {
				issues.warn(reader.originOf(key), `${key}: uses $(circus.sockets.${socket}) but \`use_sockets\` is false, so the process will not inherit the socket`);
			}
		}
	}
}
