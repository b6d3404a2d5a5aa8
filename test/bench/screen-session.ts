/**
A program in a pseudo-terminal whose screen is read back through @xterm/headless, as a person
would see it: for W5's key-to-screen delay and frame counting.
*/
import pty from 'node-pty';
import xterm from '@xterm/headless';
import {track, untrack, within} from './cleanup.js';
import {killDaemonTree} from './bench-daemon.js';

/** Output separated by this much quiet starts a new frame. */
const frameGapMs = 3;

export type ScreenSession = {
	readonly pid: number;
	/** Frames seen so far: bursts of output separated by ≥ 3 ms of quiet. */
	readonly frames: () => number;
	/** The screen's text now, rows joined by newlines. */
	screen(): string;
	/** Send `keys`; resolves with the ms until the screen (as parsed) satisfies `done`. */
	press(keys: string, done: (screen: string) => boolean, timeoutMs: number): Promise<number>;
	/** Wait until the screen satisfies `done`. */
	waitFor(done: (screen: string) => boolean, timeoutMs: number, what: string): Promise<void>;
	/** SIGTERM, then (after `graceMs`) SIGKILL to it and every child's process group. */
	stop(graceMs: number): Promise<void>;
};

type Waiter = {
	readonly done: (screen: string) => boolean;
	readonly resolve: (at: number) => void;
};

/** `options.env`: the program's environment (default: the bench's own); TERM is always xterm-256color. */
export function openScreenSession(file: string, args: readonly string[], options: {cwd: string; cols: number; rows: number; env?: NodeJS.ProcessEnv}): ScreenSession {
	const terminal = new xterm.Terminal({cols: options.cols, rows: options.rows, allowProposedApi: true});
	const child = pty.spawn(file, [...args], {name: 'xterm-256color', cols: options.cols, rows: options.rows, cwd: options.cwd, env: {...options.env ?? process.env, TERM: 'xterm-256color'}});
	const pid = child.pid;
	let exited = false;
	track(pid, () => {
		killDaemonTree(exited ? undefined : pid);
	});
	const exit = new Promise<void>(resolve => {
		child.onExit(() => {
			exited = true;
			resolve();
		});
	});
	let frames = 0;
	let lastData = 0;
	let waiter: Waiter | undefined;
	const screen = (): string => {
		const buffer = terminal.buffer.active;
		const rows: string[] = [];
		for (let y = 0; y < terminal.rows; y++) {
			rows.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
		}

		return rows.join('\n');
	};

	const check = (): void => {
		if (waiter && waiter.done(screen())) {
			const {resolve} = waiter;
			waiter = undefined;
			resolve(performance.now());
		}
	};

	child.onData(data => {
		const now = performance.now();
		if (now - lastData >= frameGapMs) {
			frames++;
		}

		lastData = now;
		// The callback runs once the emulator has parsed this data: then the screen shows it.
		terminal.write(data, check);
	});

	const until = async (done: (screen: string) => boolean, timeoutMs: number, what: string): Promise<number> => {
		let timer: NodeJS.Timeout | undefined;
		try {
			return await new Promise<number>((resolve, reject) => {
				waiter = {done, resolve};
				timer = setTimeout(() => {
					waiter = undefined;
					reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${screen()}`));
				}, timeoutMs);
				check();
			});
		} finally {
			clearTimeout(timer);
		}
	};

	return {
		pid,
		frames: () => frames,
		screen,
		async press(keys, done, timeoutMs) {
			const startedAt = performance.now();
			const seen = until(done, timeoutMs, `the screen after ${JSON.stringify(keys)}`);
			child.write(keys);
			return (await seen) - startedAt;
		},
		async waitFor(done, timeoutMs, what) {
			await until(done, timeoutMs, what);
		},
		async stop(graceMs) {
			if (!exited) {
				try {
					process.kill(pid, 'SIGTERM');
				} catch {
					// Gone already.
				}

				await within(exit, graceMs);
			}

			killDaemonTree(exited ? undefined : pid);
			await within(exit, 5000);
			untrack(pid);
			terminal.dispose();
		},
	};
}
