import type {Redirector} from '../io/redirector.js';
import type {Scheduler} from './scheduler.js';
import type {Line} from '../io/line-buffer.js';
import type {Clock, TimerHandle} from './clock.js';
import type {Launcher} from './launcher.js';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

/** What a watcher needs from its arbiter. Everything it does goes through these. */
export type WatcherContext = {
	readonly scheduler: Scheduler;
	readonly redirector: Redirector;
	/** Publish an event: topic `watcher.<name>.<event>`. */
	readonly emit: (topic: string, data: Record<string, unknown>) => void;
	/** New complete lines for subscribers (`logs.<name>`), and the unfinished last line (a prompt, a
	progress bar) as it stands now; both are only called while someone listens. */
	readonly emitOutput: (watcher: string, pid: number, lines: () => readonly Line[], partial?: () => Line | undefined) => void;
	/** A PTY process's raw bytes, for a viewer that emulates its terminal; `offset`: bytes of its
	output before this chunk. Cheap when nobody listens (one lookup). */
	readonly emitRaw: (watcher: string, pid: number, data: Buffer, offset: number) => void;
	readonly log: (level: LogLevel, message: string) => void;
	/** The supervisor's own environment, for copy_env. */
	readonly environ: Readonly<Record<string, string | undefined>>;
	/** Bound sockets by name, for `$(circus.sockets.NAME)`. */
	readonly sockets: () => Readonly<Record<string, number>>;
	/** Called after every command that changed a watcher, so waiters can settle. */
	readonly changed: () => void;
	/** Run `fn` as a command after `ms`, unless `isStale()` says it no longer applies. */
	readonly timer: (label: string, ms: number, fn: () => void) => TimerHandle;
	/** The time and timers (real, or a test's fake). */
	readonly clock: Clock;
	/** How processes are started and signalled (real, or a test's fake children). */
	readonly launcher: Launcher;
};
