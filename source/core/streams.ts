import type {StreamConfig, WatcherConfig} from '../config/types.js';
import {CrlfNormalizer} from '../io/crlf.js';
import {FileStream} from '../io/file-stream.js';
import type {OutputSink} from '../io/output-sink.js';
import {StdoutStream} from '../io/stdout-stream.js';
import {TimedRotatingFileStream} from '../io/timed-rotating-file-stream.js';
import {WatchedFileStream} from '../io/watched-file-stream.js';
import type {LogLevel} from './context.js';

/** A watcher's `stdout_stream` and `stderr_stream`, open while the watcher runs. */
export type WatcherStreams = {
	write(channel: 'stdout' | 'stderr', data: Buffer, pid: number): void;
	/** End of one process's output: a trailing `\r` is written as is. */
	end(pid: number): void;
	reopen(): void;
	close(): Promise<void>;
};

function createSink(config: StreamConfig): OutputSink | undefined {
	switch (config.class) {
		case 'FileStream': {
			return new FileStream({filename: config.filename!, maxBytes: config.maxBytes, backupCount: config.backupCount, timeFormat: config.timeFormat});
		}

		case 'TimedRotatingFileStream': {
			return new TimedRotatingFileStream({filename: config.filename!, rotateWhen: config.rotateWhen, rotateInterval: config.rotateInterval, backupCount: config.backupCount, utc: config.utc, timeFormat: config.timeFormat});
		}

		case 'WatchedFileStream': {
			return new WatchedFileStream({filename: config.filename!, timeFormat: config.timeFormat});
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
Open a watcher's streams. In PTY mode stdout and stderr are one stream: it goes to
`stdout_stream` (or to `stderr_stream` when only that is set), with the terminal's `\r\n` turned
back into `\n` so the file holds what the program wrote.
*/
export function openStreams(config: WatcherConfig, log: (level: LogLevel, message: string) => void): WatcherStreams | undefined {
	const stdout = config.stdoutStream ? createSink(config.stdoutStream) : undefined;
	const stderr = config.stderrStream ? createSink(config.stderrStream) : undefined;
	if (!stdout && !stderr) {
		return undefined;
	}

	const normalizers = new Map<number, CrlfNormalizer>();
	const failed = new Set<OutputSink>();
	const safeWrite = (sink: OutputSink | undefined, data: Buffer, pid: number): void => {
		if (!sink || data.length === 0) {
			return;
		}

		try {
			sink.write(data, pid);
			failed.delete(sink);
		} catch (error) {
			if (!failed.has(sink)) {
				failed.add(sink);
				log('error', `${config.name}: cannot write its log file: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
	};

	return {
		write(channel, data, pid) {
			if (config.pty) {
				let normalizer = normalizers.get(pid);
				if (!normalizer) {
					normalizer = new CrlfNormalizer();
					normalizers.set(pid, normalizer);
				}

				safeWrite(stdout ?? stderr, normalizer.transform(data), pid);
				return;
			}

			safeWrite(channel === 'stdout' ? stdout : stderr, data, pid);
		},
		end(pid) {
			const normalizer = normalizers.get(pid);
			if (normalizer) {
				normalizers.delete(pid);
				safeWrite(stdout ?? stderr, normalizer.flush(), pid);
			}
		},
		reopen() {
			stdout?.reopen();
			stderr?.reopen();
		},
		async close() {
			await Promise.all([stdout?.close(), stderr?.close()]);
		},
	};
}
