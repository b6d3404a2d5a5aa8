/**
Where a watcher's raw output bytes go besides the ring buffer: Circus's stream classes
(`FileStream`, `TimedRotatingFileStream`, `WatchedFileStream`) implement this.

The file classes are synchronous and run on the stream writer's thread (`stream-worker.ts`); the
supervisor reaches them through `RemoteFileSink`, whose queue is bounded. A sink opens its file
when it is created, so a bad path fails when the watcher starts; a write after `close()` opens the
file again (a watcher's stop and start).
*/
export type OutputSink = {
	/** Append one chunk of a process's output; false asks the caller to wait (`RemoteFileSink.whenReady`).
	`terminal`: a PTY's output, its `\r\n` to be written as `\n` (only `RemoteFileSink` is given it). */
	write(data: Buffer, pid: number, terminal?: boolean): boolean | void;
	/** End of one process's output: its unfinished line is written; resolves once its bytes are in the file. */
	end?(pid: number): Promise<void>;
	/** Close and reopen the file by name (SIGUSR1, after an external rotation). */
	reopen(): void;
	/** Close the file. Idempotent. */
	close(): Promise<void>;
};
