/** Messages between the stream writer (scheduler's thread) and its worker thread. */

/** Which file sink, with its options (Circus's stream classes that write files). */
export type FileSinkSpec = {
	readonly class: 'FileStream' | 'TimedRotatingFileStream' | 'WatchedFileStream';
	readonly filename: string;
	readonly maxBytes?: number;
	readonly backupCount?: number;
	readonly timeFormat?: string;
	readonly rotateWhen?: string;
	readonly rotateInterval?: number;
	readonly utc?: boolean;
	/** The watcher's user: the file must be theirs when others can write its directory. */
	readonly uid: number;
};

/**
How the output of a process resumes after the writer dropped some of it: at a line start (only
its unfinished line is lost) or inside a line (the rest of that line is lost too).
*/
export type Gap = 'line' | 'mid';

export type WriterOp =
	| {readonly op: 'open'; readonly id: number; readonly spec: FileSinkSpec}
	/** `terminal`: a PTY's output, whose `\r\n` the thread writes as `\n` (io/crlf.ts). */
	| {readonly op: 'write'; readonly id: number; readonly pid: number; readonly data: Uint8Array; readonly gap?: Gap; readonly terminal?: true}
	| {readonly op: 'end'; readonly id: number; readonly pid: number}
	| {readonly op: 'reopen'; readonly id: number}
	| {readonly op: 'close'; readonly id: number};

/** The writes' bytes all lie in `buffer`, which goes back with the ack to be used again. */
export type WriterBatch = {readonly batch: number; readonly ops: readonly WriterOp[]; readonly buffer: ArrayBuffer};

/** One sink's losses after a batch, and whether its file works (`fault` says why not). */
export type SinkReport = {readonly id: number; readonly lostBytes: number; readonly lostLines: number; readonly fault: string | undefined; readonly cut: number};

export type WorkerReply =
	| {readonly type: 'ack'; readonly batch: number; readonly reports: readonly SinkReport[]; readonly buffer: ArrayBuffer}
	/** The thread has loaded its code and waits for work. */
	| {readonly type: 'ready'}
	/** Reopening a file failed (SIGUSR1): reported at once, even if nothing is written after. */
	| {readonly type: 'reopen-failed'; readonly id: number; readonly reason: string};
