import {openOwnOutput, type OwnOutput} from './own-output.js';
import type {OutputSink} from './output-sink.js';
import {LinePrefixer} from './line-prefixer.js';

/** Bytes that may wait for a slow reader of the supervisor's stdout before output is dropped. */
const maxPendingBytes = 1024 * 1024;

/** Circus's FancyStdoutStream colours and their ANSI codes (`\e[0;3Nm`). */
const colours: Record<string, number> = {red: 1, green: 2, yellow: 3, blue: 4, magenta: 5, cyan: 6, white: 7};
const reset = Buffer.from('\u001B[0m');
const NEWLINE = 0x0a;

let shared: OwnOutput | undefined;

/** fd 1, never blocking (a pipe nobody reads, or a terminal nobody reads, must not freeze the supervisor). */
function stdout(): OwnOutput {
	shared ??= openOwnOutput(1);
	return shared;
}

/**
Circus's StdoutStream and FancyStdoutStream: a watcher's output on the supervisor's own stdout
(useful with `procui daemon` in the foreground). Fancy prefixes each line with the time and pid
and shows it in the watcher's colour, each line coloured and reset on its own as Circus writes
them (so watchers' lines interleave cleanly); with no colour, or one Circus does not have, a
colour chosen at random, as there. Output a slow reader cannot take is dropped, never queued
without bound.
*/
export class StdoutStream implements OutputSink {
	readonly #prefixer: LinePrefixer | undefined;
	readonly #colour: Buffer | undefined;

	constructor(options: {fancy: boolean; color?: string; timeFormat?: string}) {
		this.#prefixer = options.fancy ? new LinePrefixer(options.timeFormat ?? '%Y-%m-%d %H:%M:%S') : undefined;
		const names = Object.keys(colours);
		const colour = colours[options.color?.toLowerCase() ?? ''] ?? colours[names[Math.floor(Math.random() * names.length)]!]!;
		this.#colour = options.fancy ? Buffer.from(`\u001B[0;3${colour};40m`) : undefined;
	}

	write(data: Buffer, pid: number): void {
		const {stream: out, failed} = stdout();
		if (failed() || out.writableLength > maxPendingBytes) {
			return;
		}

		if (this.#prefixer && this.#colour) {
			out.write(colourLines(this.#prefixer.transform(data, pid, Date.now()), this.#colour));
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

/** Each line of `text` (and a line it leaves unfinished) between `colour` and a reset, before its newline. */
function colourLines(text: Buffer, colour: Buffer): Buffer {
	const parts: Buffer[] = [];
	let offset = 0;
	while (offset < text.length) {
		const newline = text.indexOf(NEWLINE, offset);
		const end = newline === -1 ? text.length : newline;
		if (end > offset) {
			parts.push(colour, text.subarray(offset, end), reset);
		}

		if (newline === -1) {
			break;
		}

		parts.push(text.subarray(newline, newline + 1));
		offset = newline + 1;
	}

	return Buffer.concat(parts);
}
