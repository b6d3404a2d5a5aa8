import {stderrApart} from '../config/stream-options.js';
import type {StreamConfig, WatcherConfig} from '../config/types.js';
import {CrlfNormalizer} from '../io/crlf.js';
import type {OutputSink} from '../io/output-sink.js';
import {StdoutStream} from '../io/stdout-stream.js';
import {RemoteFileSink, type StreamStats} from '../io/remote-file-sink.js';
import {resolveUid} from '../io/users.js';
import type {LogLevel} from './context.js';

/** One of a watcher's streams, as `dstats`, `logs` and the UI report it. */
export type WatcherStreamStats = StreamStats & {readonly stream: 'stdout_stream' | 'stderr_stream'};

/** A watcher's `stdout_stream` and `stderr_stream`, open while the watcher runs. */
export type WatcherStreams = {
	/** False when a file is behind: stop reading until `whenReady` calls back. */
	write(channel: 'stdout' | 'stderr', data: Buffer, pid: number): boolean;
	/** Calls back once every file has caught up (or is stalled, and drops instead). */
	whenReady(callback: () => void): void;
	/** End of one process's output (a trailing `\r` is written as is); resolves once it is in the files, or after a bounded wait. */
	end(pid: number): Promise<void>;
	/** Reopen every file by name (SIGUSR1); never throws: failures are logged, one line per file. */
	reopen(): void;
	close(): Promise<void>;
	/** The streams that write files: drops, losses and failures. */
	stats(): readonly WatcherStreamStats[];
};

/** The watcher's user, whose files stream files in a shared directory must be. */
function watcherUid(config: WatcherConfig): number {
	try {
		return config.uid === undefined ? process.getuid?.() ?? 0 : resolveUid(config.uid);
	} catch {
		// An unknown user fails the spawn with a clear error; the stream falls back to ours.
		return process.getuid?.() ?? 0;
	}
}

function createSink(config: StreamConfig, watcher: WatcherConfig, label: string, log: (level: LogLevel, message: string) => void): OutputSink | undefined {
	switch (config.class) {
		case 'FileStream':
		case 'TimedRotatingFileStream':
		case 'WatchedFileStream': {
			return new RemoteFileSink({
				class: config.class,
				filename: config.filename!,
				maxBytes: config.maxBytes,
				backupCount: config.backupCount,
				timeFormat: config.timeFormat,
				rotateWhen: config.rotateWhen,
				rotateInterval: config.rotateInterval,
				utc: config.utc,
				uid: watcherUid(watcher),
			}, (level, message) => {
				log(level, `${watcher.name}: ${label}: ${message}`);
			});
		}

		case 'StdoutStream':
		case 'FancyStdoutStream': {
			return new StdoutStream({fancy: config.class === 'FancyStdoutStream', color: config.color, timeFormat: config.timeFormat});
		}

		case 'NullStream': {
			return undefined;
		}
	}
}

/**
Open a watcher's streams. In PTY mode the terminal's output goes to `stdout_stream`, with its
`\r\n` turned back into `\n` so the file holds what the program wrote; stderr has a pipe of its own
and goes to `stderr_stream` when that is set apart (stderrApart), else it is on the terminal too. Files are written on the stream writer's
thread (`io/stream-writer.ts`): nothing here blocks or throws.
*/
export function openStreams(config: WatcherConfig, log: (level: LogLevel, message: string) => void): WatcherStreams | undefined {
	const stdout = config.stdoutStream ? createSink(config.stdoutStream, config, 'stdout_stream', log) : undefined;
	const stderr = config.stderrStream ? createSink(config.stderrStream, config, 'stderr_stream', log) : undefined;
	if (!stdout && !stderr) {
		return undefined;
	}

	const normalizers = new Map<number, CrlfNormalizer>();
	const failed = new Set<OutputSink>();
	const safeWrite = (sink: OutputSink | undefined, data: Buffer, pid: number, terminal = false): boolean => {
		if (!sink || data.length === 0) {
			return true;
		}

		try {
			const ready = sink.write(data, pid, terminal) !== false;
			failed.delete(sink);
			return ready;
		} catch (error) {
			if (!failed.has(sink)) {
				failed.add(sink);
				log('error', `${config.name}: cannot write its log file: ${error instanceof Error ? error.message : String(error)}`);
			}

			return true;
		}
	};

	const sinks = [['stdout_stream', stdout], ['stderr_stream', stderr]] as const;
	return {
		write(channel, data, pid) {
			// A PTY's stdout carries stderr too, unless stderr has a pipe of its own (stderrApart).
			if (config.pty && channel === 'stdout') {
				const sink = stdout ?? (stderrApart(config) ? undefined : stderr);
				// A file's thread turns `\r\n` into `\n` in its own copy of the bytes; here, that would be
				// one more copy of every byte a terminal prints.
				if (sink instanceof RemoteFileSink) {
					return safeWrite(sink, data, pid, true);
				}

				let normalizer = normalizers.get(pid);
				if (!normalizer) {
					normalizer = new CrlfNormalizer();
					normalizers.set(pid, normalizer);
				}

				return safeWrite(sink, normalizer.transform(data), pid);
			}

			return safeWrite(channel === 'stdout' ? stdout : stderr, data, pid);
		},
		whenReady(callback) {
			let waiting = 2;
			const one = (): void => {
				if (--waiting === 0) {
					callback();
				}
			};

			for (const sink of [stdout, stderr]) {
				if (sink instanceof RemoteFileSink) {
					sink.whenReady(one);
				} else {
					one();
				}
			}
		},
		async end(pid) {
			const normalizer = normalizers.get(pid);
			if (normalizer) {
				normalizers.delete(pid);
				safeWrite(stdout ?? (stderrApart(config) ? undefined : stderr), normalizer.flush(), pid);
			}

			await Promise.all([stdout?.end?.(pid), stderr?.end?.(pid)]);
		},
		reopen() {
			for (const [label, sink] of sinks) {
				try {
					sink?.reopen();
				} catch (error) {
					log('error', `${config.name}: ${label}: cannot reopen: ${error instanceof Error ? error.message : String(error)}`);
				}
			}
		},
		async close() {
			await Promise.all([stdout?.close(), stderr?.close()]);
		},
		stats() {
			const rows: WatcherStreamStats[] = [];
			for (const [stream, sink] of sinks) {
				if (sink instanceof RemoteFileSink) {
					rows.push({stream, ...sink.stats()});
				}
			}

			return rows;
		},
	};
}
