/**
A person at a terminal, for end-to-end tests: the built `procui` runs in a pseudo-terminal
(node-pty), its output goes through a terminal emulator (@xterm/headless), and the test reads the
screen back as text and types keys. Waiting is on screen content, with a deadline, never a sleep.
*/
import fs from 'node:fs';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import {afterEach} from 'vitest';
import {cliPath} from '../helpers/daemon.js';

export type Screen = {
	/** The visible screen, one string per row, trailing spaces trimmed. */
	text(): string;
	/** `normal` or `alternate`: which buffer the terminal shows. */
	bufferType(): string;
	/**
	Is the terminal back as it was: normal buffer, cursor shown, line wrap on, no mouse reports? Waits
	(up to 5 s) for it: node-pty can report the exit before the program's last output has been
	delivered, and the emulator parses what it is given later still.
	*/
	restored(): Promise<boolean>;
	/** Type, as a person would (raw bytes: `\r` is Enter, `\u001B` Esc). */
	type(keys: string): void;
	/** Wait until the screen matches; returns the screen. */
	waitFor(expected: string | RegExp | ((screen: string) => boolean), what?: string, timeoutMs?: number): Promise<string>;
	resize(columns: number, rows: number): Promise<void>;
	/** Resolves with the exit code when the program ends. */
	readonly exited: Promise<number>;
	/** Everything the program wrote, raw. */
	output(): string;
	/** Wait until the raw output holds `expected` (it can arrive after the exit is reported); returns the output. */
	outputHolds(expected: string, what?: string): Promise<string>;
	kill(): void;
	/** The emulator itself, for reading cells with their colours and attributes. */
	readonly terminal: xterm.Terminal;
	/** The program's process id. */
	readonly pid: number;
};

export function runInTerminal(args: readonly string[], options: {cwd: string; columns?: number; rows?: number; env?: NodeJS.ProcessEnv; /** The entry point to run; the built dist/cli.js by default. */ cli?: string}): Screen {
	const columns = options.columns ?? 100;
	const rows = options.rows ?? 30;
	const terminal = new xterm.Terminal({cols: columns, rows, allowProposedApi: true, scrollback: 0});
	let raw = '';
	let pending = 0;
	const child = pty.spawn(process.execPath, [options.cli ?? cliPath, ...args], {
		// node-pty sets TERM to this name, whatever the environment says.
		name: options.env?.TERM ?? 'xterm-256color',
		cols: columns,
		rows,
		cwd: options.cwd,
		env: {...process.env, TERM: 'xterm-256color', ...options.env} as Record<string, string>,
	});
	child.onData((data) => {
		raw += data;
		pending++;
		terminal.write(data, () => {
			pending--;
		});
	});
	const exited = new Promise<number>((resolve) => {
		child.onExit(({exitCode}) => {
			resolve(exitCode);
		});
	});
	const text = (): string => {
		const buffer = terminal.buffer.active;
		const lines: string[] = [];
		for (let row = 0; row < terminal.rows; row++) {
			lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
		}

		return lines.join('\n');
	};

	return {
		text,
		bufferType: () => terminal.buffer.active.type,
		async restored() {
			const isRestored = (): boolean => pending === 0 && terminal.buffer.active.type === 'normal' && terminal.modes.wraparoundMode
				&& raw.lastIndexOf('\u001B[?25h') > raw.lastIndexOf('\u001B[?25l')
				// Mouse reporting off, and its SGR form too (the emulator does not expose that one).
				&& terminal.modes.mouseTrackingMode === 'none' && raw.lastIndexOf('\u001B[?1006h') <= raw.lastIndexOf('\u001B[?1006l');
			const deadline = Date.now() + 5000;
			while (!isRestored() && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 20));
			}

			return isRestored();
		},
		type(keys) {
			child.write(keys);
		},
		async waitFor(expected, what, timeoutMs = 20_000) {
			const matches = typeof expected === 'string' ? (screen: string) => screen.includes(expected) : expected instanceof RegExp ? (screen: string) => expected.test(screen) : expected;
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const screen = text();
				if (pending === 0 && matches(screen)) {
					return screen;
				}

				if (Date.now() > deadline) {
					throw new Error(`timed out waiting for ${what ?? String(expected)}; the screen:\n${screen}`);
				}

				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		},
		async resize(newColumns, newRows) {
			child.resize(newColumns, newRows);
			terminal.resize(newColumns, newRows);
		},
		exited,
		output: () => raw,
		async outputHolds(expected, what) {
			const deadline = Date.now() + 5000;
			while (!raw.includes(expected)) {
				if (Date.now() > deadline) {
					throw new Error(`timed out waiting for ${what ?? JSON.stringify(expected)} in the output: ${JSON.stringify(raw.slice(-400))}`);
				}

				await new Promise((resolve) => setTimeout(resolve, 20));
			}

			return raw;
		},
		kill() {
			try {
				child.kill('SIGKILL');
			} catch {
				// Gone already.
			}
		},
		terminal,
		pid: child.pid,
	};
}

/** The screens and folders a test file makes, killed and removed after each of its tests. */
export function cleanedAfterEach(): {readonly screens: Screen[]; readonly dirs: string[]} {
	const made = {screens: [] as Screen[], dirs: [] as string[]};
	afterEach(() => {
		for (const screen of made.screens.splice(0)) {
			screen.kill();
		}

		for (const dir of made.dirs.splice(0)) {
			fs.rmSync(dir, {recursive: true, force: true});
		}
	});
	return made;
}
