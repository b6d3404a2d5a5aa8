import os from 'node:os';
import type {ArbiterConfig, FlappingConfig, Origin, WatcherConfig} from './types.js';

/** procui: lines kept in memory per process unless `procui.scrollback` says otherwise. */
export const defaultScrollback = 10_000;

/** Circus's graceful_timeout: seconds between the stop signal and SIGKILL. */
export const defaultGracefulTimeout = 30;

/** The flapping plugin's defaults (circus/plugins/flapping.py). */
export const defaultFlapping: FlappingConfig = {
	attempts: 2,
	window: 1,
	retryIn: 7,
	maxRetry: 5,
	enabled: true,
};

/** Circus's `[circus]` defaults as `get_config` reads them (check_delay 5.0 from INI, not 1.0). */
export const defaultArbiter: ArbiterConfig = {
	checkDelay: 5,
	warmupDelay: 0,
	loglevel: 'info',
	logoutput: '-',
	scrollback: defaultScrollback,
	orphans: 'kill',
	raw: {},
};

/**
A watcher with Circus's defaults (circus/config.py `watcher_defaults`, circus/watcher.py), and
procui's: a pseudo-terminal, 10,000 lines of scrollback, flapping detection and crash-loop
back-off on.
*/
export function defaultWatcher(fields: {
	readonly name: string;
	readonly cmd: string;
	readonly origin: Origin;
	readonly workingDir: string;
	readonly shell?: boolean;
	readonly copyEnv?: boolean;
	readonly scrollback?: number;
	readonly flapping?: FlappingConfig;
}): WatcherConfig {
	return {
		name: fields.name,
		origin: fields.origin,
		cmd: fields.cmd,
		args: '',
		shell: fields.shell ?? false,
		workingDir: fields.workingDir,
		env: {},
		copyEnv: fields.copyEnv ?? false,
		copyPath: false,
		numprocesses: 1,
		warmupDelay: 0,
		autostart: true,
		respawn: true,
		singleton: false,
		priority: 0,
		stopSignal: os.constants.signals.SIGTERM,
		stopChildren: false,
		gracefulTimeout: defaultGracefulTimeout,
		maxRetry: 5,
		maxAge: 0,
		maxAgeVariance: 30,
		sendHup: false,
		useSockets: false,
		onDemand: false,
		closeChildStdin: true,
		closeChildStdout: false,
		closeChildStderr: false,
		rlimits: {},
		flapping: fields.flapping ?? defaultFlapping,
		backoff: true,
		pty: true,
		scrollback: fields.scrollback ?? defaultScrollback,
		raw: {},
	};
}
