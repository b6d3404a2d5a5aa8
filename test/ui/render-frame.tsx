/**
Render a component the way procui does (Ink in debug mode: each render writes the whole frame)
into a fake terminal of a given size, and read frames back. Keys go in through a fake stdin.
*/
import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {render} from 'ink';
import type {ReactNode} from 'react';
import {stripAnsi} from '../../source/ui/text/ansi-text.js';

export type Rendered = {
	/** The latest frame, colours removed, trailing spaces trimmed. */
	lastFrame(): string;
	/** The latest frame as written, colours included. */
	lastRawFrame(): string;
	/** Frames written so far (Ink writes one per render, changed or not). */
	frameCount(): number;
	/** Type keys (raw bytes, as a terminal sends them) and wait for the frame they cause. */
	press(keys: string): Promise<void>;
	resize(columns: number, rows: number): Promise<void>;
	/** Wait until the latest frame satisfies `probe`. */
	waitForFrame(probe: (frame: string) => boolean, timeoutMs?: number): Promise<string>;
	unmount(): void;
};

const settle = async (): Promise<void> => new Promise((resolve) => {
	setTimeout(resolve, 15);
});

export function renderFrame(node: ReactNode, size: {columns: number; rows: number}): Rendered {
	const frames: string[] = [];
	const stdout = Object.assign(new EventEmitter(), {
		columns: size.columns,
		rows: size.rows,
		isTTY: false,
		write(data: string) {
			if (data !== '') {
				frames.push(data);
			}

			return true;
		},
	});
	const stdin = Object.assign(new PassThrough(), {
		isTTY: true,
		setRawMode: () => stdin,
		ref: () => stdin,
		unref: () => stdin,
	});
	const instance = render(node, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		debug: true,
		patchConsole: false,
		exitOnCtrlC: false,
	});
	const lastFrame = (): string => stripAnsi(frames.at(-1) ?? '').split('\n').map((line) => line.trimEnd()).join('\n');
	return {
		lastFrame,
		lastRawFrame: () => frames.at(-1) ?? '',
		frameCount: () => frames.length,
		async press(keys) {
			stdin.write(keys);
			await settle();
		},
		async resize(columns, rows) {
			stdout.columns = columns;
			stdout.rows = rows;
			stdout.emit('resize');
			await settle();
		},
		async waitForFrame(probe, timeoutMs = 2000) {
			const deadline = Date.now() + timeoutMs;
			while (!probe(lastFrame())) {
				if (Date.now() > deadline) {
					throw new Error(`no such frame; the last one:\n${lastFrame()}`);
				}

				await new Promise((resolve) => setTimeout(resolve, 5));
			}

			return lastFrame();
		},
		unmount() {
			instance.unmount();
		},
	};
}
