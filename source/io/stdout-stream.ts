import net from 'node:net';
import type {Writable} from 'node:stream';
import type {OutputSink} from './output-sink.js';
import {LinePrefixer} from './line-prefixer.js';

/** Bytes that may wait for a slow reader of the supervisor's stdout before output is dropped. */
const maxPendingBytes = 1024 * 1024;

const colours: Record<string, number> = {black: 0, red: 1, green: 2, yellow: 3, blue: 4, magenta: 5, cyan: 6, white: 7};

let shared: Writable | undefined;

/** fd 1 as a non-blocking stream (a pipe nobody reads must not freeze the supervisor). */
function stdout(): Writable {
	if (!shared) {
		try {
			const socket = new net.Socket({fd: 1, readable: false, writable: true});
			socket.on('error', () => undefined);
			shared = socket;
		} catch {
			shared = process.stdout;
		}
	}

	return shared;
}

/**
Circus's StdoutStream and FancyStdoutStream: a watcher's output on the supervisor's own stdout
(useful with `procui daemon` in the foreground). Fancy prefixes each line with the time and pid
in the watcher's colour. Output a slow reader cannot take is dropped, never queued without bound.
*/
export class StdoutStream implements OutputSink {
	readonly #prefixer: LinePrefixer | undefined;
	readonly #colour: string | undefined;

	constructor(options: {fancy: boolean; color?: string; timeFormat?: string}) {
		this.#prefixer = options.fancy ? new LinePrefixer(options.timeFormat ?? '%Y-%m-%d %H:%M:%S') : undefined;
		const colour = options.color === undefined ? undefined : colours[options.color.toLowerCase()];
		this.#colour = options.fancy ? `\u001B[0;3${colour ?? 2};40m` : undefined;
	}

	write(data: Buffer, pid: number): void {
		const out = stdout();
		if (out.writableLength > maxPendingBytes) {
			return;
		}

		if (this.#prefixer && this.#colour) {
			out.write(Buffer.concat([Buffer.from(this.#colour), this.#prefixer.transform(data, pid, Date.now()), Buffer.from('\u001B[0m')]));
		} else {
			out.write(data);
		}
	}

	reopen(): void {
		// Nothing to reopen.
	}

	async close(): Promise<void> {
		// The supervisor's stdout stays open.
	}
}
