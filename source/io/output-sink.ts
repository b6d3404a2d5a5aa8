/**
Where a watcher's raw output bytes go besides the ring buffer: Circus's stream classes
(`FileStream`, `TimedRotatingFileStream`, `WatchedFileStream`) implement this.

A sink is synchronous on purpose: writes to a regular file are fast, and a sink that
queued would need unbounded memory when a child floods. A sink opens its file when it is
created, so a bad path fails when the watcher starts; a write after `close()` opens the file
again (a watcher's stop and start).
*/
export type OutputSink = {
	/** Append one chunk of a process's output. Throws on an I/O error (disk full, no permission). */
	write(data: Buffer, pid: number): void;
	/** Close and reopen the file by name (SIGUSR1, after an external rotation). */
	reopen(): void;
	/** Close the file. Idempotent. */
	close(): Promise<void>;
};
