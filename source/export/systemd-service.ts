import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {shlexSplit} from '../config/shlex.js';
import type {StreamConfig, WatcherConfig} from '../config/types.js';
import {environmentAssignment, environmentName, execLine, execWord, plainValue, type ReferenceResolver} from './systemd-quote.js';
import {UnitText, type ExportWarning} from './unit-text.js';

/** What a watcher's unit needs to know about the rest of the configuration. */
type ServiceContext = {
	/** User units (`systemctl --user`): no User=/Group=, wanted by default.target. */
	readonly user: boolean;
	/** `[circus] umask`. */
	readonly umask?: number;
	/** The socket units this watcher inherits, in the order procui passes them (fd 3, 4, …). */
	readonly sockets: readonly string[];
	/** Instances of watchers that start before this one (higher priority), as unit names. */
	readonly after: readonly string[];
	/** The file the configuration came from, for the header. */
	readonly source: string;
};

/** systemd's names for Linux's resource limits (systemd.exec(5) "Process properties"). */
const limitNames: Readonly<Record<string, string>> = {
	as: 'LimitAS', core: 'LimitCORE', cpu: 'LimitCPU', data: 'LimitDATA', fsize: 'LimitFSIZE',
	locks: 'LimitLOCKS', memlock: 'LimitMEMLOCK', msgqueue: 'LimitMSGQUEUE', nice: 'LimitNICE',
	nofile: 'LimitNOFILE', nproc: 'LimitNPROC', rss: 'LimitRSS', rtprio: 'LimitRTPRIO',
	rttime: 'LimitRTTIME', sigpending: 'LimitSIGPENDING', stack: 'LimitSTACK',
};

/** The unit name of a watcher's template (`web@.service`) and of one instance. */
export const templateName = (watcher: string): string => `${watcher}@.service`;
export const instanceName = (watcher: string, wid: number): string => `${watcher}@${wid}.service`;

/** `SIGTERM` for 15: the first name Node lists for the number. */
export function signalName(signal: number): string | undefined {
	return Object.entries(os.constants.signals).find(([, number]) => number === signal)?.[0];
}

/**
The template unit `NAME@.service` of one watcher: instance `%i` is procui's `$(circus.wid)`.
Options systemd has no word for are comments in the unit, and warnings in `warnings`.
*/
export function serviceUnit(watcher: WatcherConfig, context: ServiceContext, warnings: ExportWarning[]): string {
	const unit = new UnitText(`watcher ${watcher.name}`, watcher.origin, warnings);
	const set = (key: string): boolean => Object.hasOwn(watcher.raw, key);
	const resolve = referenceResolver(watcher, context, unit);
	const instances = watcher.numprocesses === 1 ? '1' : `{1..${watcher.numprocesses}}`;
	unit.comment(`procui watcher "${watcher.name}" from ${context.source}, exported by \`procui export systemd\`.`);
	unit.comment(`One instance per process (%i is $(circus.wid)): ${watcher.name}@${instances}.service`);

	unit.set('Unit', 'Description', `procui watcher ${plainValue(watcher.name)}, process %i`);
	if (context.after.length > 0) {
		unit.note('Unit', `priority = ${watcher.priority}: starts after the watchers with a higher priority`);
		unit.set('Unit', 'After', context.after.join(' '));
	}

	for (const socket of context.sockets) {
		unit.set('Unit', 'Requires', socket);
		unit.set('Unit', 'After', socket);
	}

	unit.set('Service', 'Type', 'simple');
	unit.set('Service', 'WorkingDirectory', plainValue(watcher.workingDir));
	identity(watcher, context, unit);
	if (context.umask !== undefined) {
		unit.set('Service', 'UMask', context.umask.toString(8).padStart(4, '0'));
	}

	environment(watcher, resolve, unit);
	unit.set('Service', 'ExecStart', execStart(watcher, resolve, unit));
	if (watcher.sendHup) {
		unit.note('Service', 'send_hup = true: a reload sends SIGHUP instead of restarting');
		unit.set('Service', 'ExecReload', '/bin/kill -HUP $MAINPID');
	}

	restartPolicy(watcher, unit, set);
	const stopSignal = signalName(watcher.stopSignal);
	if (stopSignal === undefined) {
		unit.gap('Service', `stop_signal = ${watcher.stopSignal}: not a signal systemd can name; KillSignal= left at SIGTERM`, true);
	} else {
		unit.set('Service', 'KillSignal', stopSignal);
	}

	// procui signals the process group; the control group is systemd's closest (and stricter) match.
	unit.set('Service', 'KillMode', 'control-group');
	unit.set('Service', 'TimeoutStopSec', seconds(watcher.gracefulTimeout));
	if (watcher.maxAge > 0) {
		unit.note('Service', 'max_age: the process is stopped after this long, then restarted');
		unit.set('Service', 'RuntimeMaxSec', seconds(watcher.maxAge));
		if (watcher.maxAgeVariance > 0) {
			unit.set('Service', 'RuntimeRandomizedExtraSec', seconds(watcher.maxAgeVariance));
		}
	}

	for (const [name, value] of Object.entries(watcher.rlimits)) {
		unit.set('Service', limitNames[name]!, value === null ? 'infinity' : String(value));
	}

	if (context.sockets.length > 0) {
		unit.set('Service', 'Sockets', context.sockets.join(' '));
	}

	streams(watcher, unit, set);
	install(watcher, context, unit);
	return unit.render();
}

function restartPolicy(watcher: WatcherConfig, unit: UnitText, set: (key: string) => boolean): void {
	unit.set('Service', 'Restart', watcher.respawn ? 'always' : 'no');
	const flapping = watcher.flapping;
	if (!flapping.enabled) {
		unit.set('Unit', 'StartLimitIntervalSec', '0');
	} else if (watcher.respawn) {
		unit.note('Unit', `flapping: ${flapping.attempts} restarts within ${flapping.window} s stop the unit`);
		unit.set('Unit', 'StartLimitIntervalSec', seconds(flapping.window));
		unit.set('Unit', 'StartLimitBurst', String(flapping.attempts));
		unit.gap('Unit', `flapping.retry_in = ${flapping.retryIn}, flapping.max_retry = ${flapping.maxRetry}: systemd does not retry a unit that hit its start limit; \`systemctl reset-failed\` and start it again`, set('flapping.retry_in') || set('flapping.max_retry'));
	}

	if (set('max_retry')) {
		unit.gap('Service', `max_retry = ${watcher.maxRetry}: systemd counts failed starts with the start limit above only`, true);
	}

	if (watcher.backoff && watcher.respawn) {
		unit.gap('Service', 'procui.backoff: procui waits longer after each crash; systemd restarts after RestartSec= (100 ms) every time', set('procui.backoff'));
	}

	if (watcher.warmupDelay > 0) {
		unit.gap('Service', `warmup_delay = ${watcher.warmupDelay}: systemd starts the instances together`, true);
	}
}

function identity(watcher: WatcherConfig, context: ServiceContext, unit: UnitText): void {
	for (const [option, key, value] of [['uid', 'User', watcher.uid], ['gid', 'Group', watcher.gid]] as const) {
		if (value === undefined) {
			continue;
		}

		if (context.user) {
			unit.gap('Service', `${option} = ${value}: a user unit runs as its user; ${key}= left out`, true);
		} else {
			unit.set('Service', key, plainValue(value));
		}
	}
}

function environment(watcher: WatcherConfig, resolve: ReferenceResolver, unit: UnitText): void {
	if (watcher.copyEnv) {
		unit.gap('Service', 'copy_env = true: a unit does not inherit the environment procui was started in; put what it needs in Environment= (or EnvironmentFile=)', true);
	}

	if (watcher.copyPath) {
		unit.gap('Service', 'copy_path = true: procui\'s module path has no meaning here; set PYTHONPATH in Environment=', true);
	}

	if (watcher.pty) {
		unit.gap('Service', 'pty: procui runs this in a pseudo-terminal; systemd gives it none (stdout and stderr are separate, output may be block-buffered)', Object.hasOwn(watcher.raw, 'pty'));
	}

	for (const [name, value] of Object.entries(watcher.env)) {
		if (!environmentName.test(name)) {
			unit.gap('Service', `env ${JSON.stringify(name)}: not a variable name systemd accepts; left out`, true);
			continue;
		}

		// Environment= expands no variables: an unset $(circus.env.X) stays as written, as in procui.
		const inEnvironment: ReferenceResolver = (key, written) => (key.startsWith('env.') ? undefined : resolve(key, written));
		unit.set('Service', 'Environment', environmentAssignment(name, value, inEnvironment));
	}
}

/** `$(circus.wid)` is the instance; a socket is the fd systemd passes it as; an unset
`$(circus.env.X)` is systemd's `${X}`. */
function referenceResolver(watcher: WatcherConfig, context: ServiceContext, unit: UnitText): ReferenceResolver {
	return (key, written) => {
		if (key === 'wid') {
			return '%i';
		}

		if (key.startsWith('sockets.')) {
			const index = context.sockets.indexOf(`${key.slice('sockets.'.length)}.socket`);
			if (index === -1) {
				unit.warn(`$(circus.${key}): ${watcher.useSockets ? 'no such socket' : 'use_sockets is false'}; left as written`);
				return undefined;
			}

			return String(3 + index);
		}

		if (key.startsWith('env.')) {
			return `\${${written.slice('env.'.length)}}`;
		}

		return undefined;
	};
}

function execStart(watcher: WatcherConfig, resolve: ReferenceResolver, unit: UnitText): string {
	const line = watcher.args ? `${watcher.cmd} ${watcher.args}` : watcher.cmd;
	if (watcher.shell) {
		const shellArgs = watcher.shellArgs ? shlexSplit(watcher.shellArgs) : [];
		// As Circus runs it: the shell's own arguments follow the command line ($0, $1, ...).
		return execLine([watcher.executable ?? '/bin/sh', '-c', line, ...shellArgs], resolve);
	}

	const words = shlexSplit(line);
	if (watcher.executable === undefined) {
		return execLine([program(words[0] ?? '', watcher, unit), ...words.slice(1)], resolve);
	}

	unit.note('Service', `executable = ${watcher.executable}: runs it with argv[0] = ${words[0] ?? ''}`);
	// `@`: systemd's prefix for "the second word is argv[0]".
	return `@${execWord(program(watcher.executable, watcher, unit), resolve)} ${words.map(word => execWord(word, resolve)).join(' ')}`;
}

/** Where systemd looks for a command given by name (systemd.service(5) "Command lines"). */
const systemdPath = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
The program as systemd must name it: procui finds `./app` in the working directory and `app` in
the child's PATH; systemd takes an absolute path, or a name it looks up in its own fixed path.
*/
function program(word: string, watcher: WatcherConfig, unit: UnitText): string {
	if (word.includes('/')) {
		return path.resolve(watcher.workingDir, word);
	}

	if (!word.includes('$(') && !systemdPath.some(folder => isExecutable(path.join(folder, word)))) {
		unit.warn(`${word}: not found in ${systemdPath.join(':')} on this machine, where systemd looks for a command given by name; give its absolute path`);
	}

	return word;
}

function isExecutable(file: string): boolean {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}

function streams(watcher: WatcherConfig, unit: UnitText, set: (key: string) => boolean): void {
	if (set('procui.scrollback')) {
		unit.gap('Service', 'procui.scrollback: output not sent to a file goes to the journal (journalctl -u)', true);
	}

	if (watcher.closeChildStdout) {
		unit.set('Service', 'StandardOutput', 'null');
	} else if (watcher.stdoutStream !== undefined) {
		stream('stdout_stream', 'StandardOutput', watcher.stdoutStream, unit, set);
	}

	if (watcher.closeChildStderr) {
		unit.set('Service', 'StandardError', 'null');
	} else if (watcher.stderrStream !== undefined) {
		stream('stderr_stream', 'StandardError', watcher.stderrStream, unit, set);
	}
}

function stream(option: string, key: string, config: StreamConfig, unit: UnitText, set: (key: string) => boolean): void {
	if (config.class === 'NullStream') {
		unit.set('Service', key, 'null');
		return;
	}

	if (config.class === 'StdoutStream' || config.class === 'FancyStdoutStream') {
		unit.set('Service', key, 'journal');
		if (config.color !== undefined) {
			unit.gap('Service', `${option}.color: the journal has no colours per watcher`, set(`${option}.color`));
		}
	} else if (config.filename !== undefined) {
		unit.set('Service', key, `append:${plainValue(config.filename)}`);
		const rotates = config.class === 'TimedRotatingFileStream' || (config.class === 'FileStream' && config.maxBytes > 0);
		if (rotates || config.class === 'WatchedFileStream') {
			unit.gap('Service', `${option}.class = ${config.class}: systemd keeps the file open and never rotates it; rotate it with logrotate's copytruncate`, true);
		}
	}

	if (config.timeFormat !== undefined) {
		unit.gap('Service', `${option}.time_format: systemd writes lines without a time prefix (the journal keeps times)`, set(`${option}.time_format`));
	}
}

function install(watcher: WatcherConfig, context: ServiceContext, unit: UnitText): void {
	if (watcher.onDemand) {
		unit.note('Install', `on_demand = true: started by ${context.sockets.join(', ') || 'its socket'} on the first connection; enable the socket, not this unit`);
		if (watcher.numprocesses > 1) {
			unit.gap('Install', `numprocesses = ${watcher.numprocesses} with on_demand: a connection starts instance 1 only; start the others with systemctl start ${watcher.name}@{2..${watcher.numprocesses}}.service`, true);
		}

		return;
	}

	if (!watcher.autostart) {
		unit.note('Install', 'autostart = false: not enabled by the commands procui prints; start it by hand');
	}

	unit.set('Install', 'WantedBy', context.user ? 'default.target' : 'multi-user.target');
}

/** Seconds as systemd reads them: a bare number is seconds; fractions become milliseconds. */
export function seconds(value: number): string {
	return Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}ms`;
}
