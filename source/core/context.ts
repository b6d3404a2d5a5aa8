import type {Redirector} from '../io/redirector.js';
import type {Scheduler} from './scheduler.js';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

/** What a watcher needs from its arbiter. Everything it does goes through these. */
export type WatcherContext = {
	readonly scheduler: Scheduler;
	readonly redirector: Redirector;
	/** Publish an event: topic `watcher.<name>.<event>`. */
	readonly emit: (topic: string, data: Record<string, unknown>) => void;
	/** Output for subscribers (`logs.<name>`); returns at once while nobody listens. */
	readonly emitOutput: (watcher: string, pid: number, data: Buffer) => void;
	readonly log: (level: LogLevel, message: string) => void;
	/** The supervisor's own environment, for copy_env. */
	readonly environ: Readonly<Record<string, string | undefined>>;
	/** Bound sockets by name, for `$(circus.sockets.NAME)`. */
	readonly sockets: () => Readonly<Record<string, number>>;
	/** Called after every command that changed a watcher, so waiters can settle. */
	readonly changed: () => void;
	/** Run `fn` as a command after `ms`, unless `isStale()` says it no longer applies. */
	readonly timer: (label: string, ms: number, fn: () => void) => NodeJS.Timeout;
};
