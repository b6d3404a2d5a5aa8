/**
The stdout Ink renders into. Ink runs in debug mode, where each render writes the whole frame as
plain text to its stdout; this stream hands that text to `onFrame` instead of a terminal, and
reports the real terminal's size and resizes, so Ink lays out for the real screen.

Several renders in one tick (a burst of state changes) paint once: only the last frame counts.
*/
import {EventEmitter} from 'node:events';

type FrameSink = NodeJS.WriteStream & {
	/** Stop forwarding (after unmount). */
	close(): void;
};

export function createFrameSink(terminal: NodeJS.WriteStream, onFrame: (frame: string) => void, onResize: () => void): FrameSink {
	const emitter = new EventEmitter();
	let pending: string | undefined;
	let scheduled = false;
	let closed = false;
	const flush = (): void => {
		scheduled = false;
		if (pending !== undefined && !closed) {
			const frame = pending;
			pending = undefined;
			onFrame(frame);
		}
	};

	const resized = (): void => {
		onResize();
		emitter.emit('resize');
	};

	terminal.on('resize', resized);
	// Getters must stay getters (Object.assign would copy today's size once): the size is read live.
	Object.defineProperties(emitter, {
		columns: {get: () => terminal.columns || 80},
		rows: {get: () => terminal.rows || 24},
	});
	const sink = Object.assign(emitter, {
		isTTY: false,
		write(data: string | Uint8Array): boolean {
			const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
			if (text === '') {
				// Ink's bookkeeping on resize (erasing zero lines), not a frame.
				return true;
			}

			pending = text;
			if (!scheduled) {
				scheduled = true;
				setImmediate(flush);
			}

			return true;
		},
		close(): void {
			closed = true;
			terminal.off('resize', resized);
		},
	});
	return sink as unknown as FrameSink;
}
