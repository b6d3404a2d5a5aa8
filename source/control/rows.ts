/**
The shapes the UI and `ctl --json` see: a watcher's summary and a process row. They are protocol
types because over a socket that is what arrives.
*/

/** One process, as `stats` and `overview` report it (Circus's fields plus procui's). */
export type ProcessRow = {
	readonly pid: number;
	readonly wid: number;
	/** `running`, `stopping` (asked to stop), `exited` (output still open). */
	readonly state: 'running' | 'stopping' | 'exited';
	/** CPU %, 100 = one core. */
	readonly cpu: number;
	/** Memory % of total. */
	readonly mem: number;
	/** Resident bytes. */
	readonly rss: number;
	/** Virtual bytes. */
	readonly vms: number;
	/** Circus's human RSS, e.g. "1.46M". */
	readonly mem_info1: string;
	/** Circus's human VMS. */
	readonly mem_info2: string;
	/** CPU time, "M:SS.s". */
	readonly ctime: string;
	readonly username: string;
	readonly nice: number;
	readonly cmdline: string;
	/** Seconds since the epoch. */
	readonly create_time: number;
	readonly started: number;
	/** Seconds. */
	readonly age: number;
	/** Descendant pids. */
	readonly children: readonly number[];
	/** Lines in its scrollback. */
	readonly lines: number;
	/** Stopped by a signal (SIGSTOP, SIGTSTP) or a debugger: the kernel's state `T` or `t` at the last
	sample. Absent before the first sample. */
	readonly paused?: boolean;
};

/** One watcher's summary. */
export type WatcherRow = {
	readonly name: string;
	/** Circus's: stopped, starting, active, stopping. */
	readonly status: string;
	/** procui's finer state: back-off, flapping, gave up and why. */
	readonly detail: string;
	readonly numprocesses: number;
	readonly running: number;
	readonly restarts: number;
	readonly priority: number;
	readonly pty: boolean;
	readonly cmd: string;
	/** Sum over its processes. */
	readonly cpu: number;
	readonly rss: number;
	/** Last process exit: pid, Circus exit_code (negative = signal), and when. */
	readonly last_exit: {readonly pid: number; readonly exit_code: number; readonly time: number} | null;
	readonly processes: readonly ProcessRow[];
	/** Its stream files that dropped or lost output, or fail now, one sentence each (empty when all is well). */
	readonly stream_notices?: readonly string[];
};

/** One stream file of a watcher (`dstats` `streams`). */
export type StreamRow = {
	readonly watcher: string;
	readonly stream: 'stdout_stream' | 'stderr_stream';
	readonly path: string;
	/** Bytes on their way to the file now. */
	readonly queued_bytes: number;
	/** Dropped because the file did not take output fast enough (a FIFO nobody reads, a hung mount). */
	readonly dropped_bytes: number;
	readonly dropped_lines: number;
	/** Not written because writing failed (disk full, directory gone, refused path). */
	readonly lost_bytes: number;
	readonly lost_lines: number;
	/** Why writing fails now, or null. */
	readonly error: string | null;
};

/** The `overview` reply and the `stats` event: everything the UI shows. */
export type Overview = {
	readonly watchers: readonly WatcherRow[];
	readonly supervisor: {readonly pid: number; readonly cpu: number; readonly rss: number; readonly age: number};
	readonly config: string;
	readonly endpoint: string;
};
