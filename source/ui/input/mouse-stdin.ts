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

	readonly #onData = (chunk: string | Buffer): void => {
		clearTimeout(this.#timer);
		const {text, events} = this.#filter.push(String(chunk));
		if (text !== '') {
			this.push(text);
		}

		for (const event of events) {
			this.#onMouse(event);
		}

		if (this.#filter.holding) {
			this.#timer = setTimeout(() => {
				const held = this.#filter.flush();
				if (held !== '') {
					this.push(held);
				}
			}, escapeWaitMs);
		}
	};
}
