/**
The terminal's input as Ink reads it, without the mouse reports: a stream that stands in for
stdin, fed from the real one through a MouseFilter. Ink gets the keys (and, in input mode, the
process gets them); the mouse events go to `onMouse`, so a click is never typed into a process.

Ink uses of its stdin: `isTTY`, `setRawMode`, `setEncoding`, `ref`/`unref`, and `read()` on
`readable`. The real stdin is read (flowing) only while Ink has raw mode on.
*/
import {Readable} from 'node:stream';
import {MouseFilter, type MouseEvent} from './mouse.js';

/** How long a lone Esc at the end of a read waits for the rest of a mouse report before it goes on as the Esc key. */
const escapeWaitMs = 25;

export class MouseStdin extends Readable {
	readonly isTTY = true;
	readonly #real: NodeJS.ReadStream;
	readonly #onMouse: (event: MouseEvent) => void;
	readonly #filter = new MouseFilter();
	#timer: NodeJS.Timeout | undefined;
	#reading = false;
	/** Text waiting for a lone Esc before it to be read as a key of its own; undefined when none waits. */
	#after: string | undefined;

	constructor(real: NodeJS.ReadStream, onMouse: (event: MouseEvent) => void) {
		super({encoding: 'utf8'});
		this.#real = real;
		this.#onMouse = onMouse;
	}

	setRawMode(on: boolean): this {
		this.#real.setRawMode(on);
		if (on && !this.#reading) {
			this.#reading = true;
			this.#real.setEncoding('utf8');
			this.#real.on('data', this.#onData);
			this.#real.resume();
		} else if (!on && this.#reading) {
			this.#reading = false;
			this.#real.off('data', this.#onData);
			this.#real.pause();
			clearTimeout(this.#timer);
		}

		return this;
	}

	ref(): this {
		this.#real.ref();
		return this;
	}

	unref(): this {
		this.#real.unref();
		return this;
	}

	override _read(): void {
		// Fed by the real stdin's `data` events.
	}

	/** Text for Ink, in order: after a lone Esc's text if that still waits. */
	#deliver(text: string): void {
		if (this.#after !== undefined) {
			this.#after += text;
		} else if (text !== '') {
			this.push(text);
		}
	}

	readonly #onData = (chunk: string | Buffer): void => {
		clearTimeout(this.#timer);
		const {text, events, escape} = this.#filter.push(String(chunk));
		if (escape !== undefined && this.#after !== undefined) {
			this.#after += escape;
		} else if (escape !== undefined) {
			// Ink reads the Esc and flushes it as a key on setImmediate (this is an I/O callback, so
			// that comes before any timer); the text after it follows on the next turn of the loop.
			this.push(escape);
			this.#after = '';
			setTimeout(() => {
				const after = this.#after ?? '';
				this.#after = undefined;
				if (after !== '') {
					this.push(after);
				}
			}, 0);
		}

		this.#deliver(text);

		for (const event of events) {
			this.#onMouse(event);
		}

		if (this.#filter.holding) {
			this.#timer = setTimeout(() => {
				this.#deliver(this.#filter.flush());
			}, escapeWaitMs);
		}
	};
}
