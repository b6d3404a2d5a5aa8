import type {RawSnapshot} from '../io/raw-tail.js';
import {CommandError} from './errors.js';
import type {ProcessRecord} from './process.js';
import type {Watcher} from './watcher.js';

/**
A PTY process's terminal, as a viewer uses it: keys typed into it, its window size, the raw tail
its screen is drawn from. Not commands on the scheduler: none of them changes what the supervisor
manages, and a key must not wait behind a slow stop.
*/

/** The running PTY process `pid` of a watcher; a clear refusal otherwise. */
function terminalOf(watcher: Watcher, pid: number, purpose: string): ProcessRecord {
	const record = watcher.findProcess(pid);
	if (!record) {
		throw new CommandError(`process ${pid} not found in watcher ${watcher.name}`, 'message');
	}

	if (record.child.mode !== 'pty' || record.rawTail === undefined) {
		throw new CommandError(`process ${pid} of ${watcher.name} runs without a terminal (pty = false): it has no ${purpose}`, 'command');
	}

	if (record.exit !== undefined) {
		throw new CommandError(`process ${pid} of ${watcher.name} has exited: it has no ${purpose}`, 'command');
	}

	return record;
}

/** Write what a person typed (keys, a paste, Ctrl-C as `\x03`) into the process's terminal. */
export function writeInput(watcher: Watcher, pid: number, data: string): void {
	const record = terminalOf(watcher, pid, 'input');
	if (!record.child.write(data)) {
		throw new CommandError(`process ${pid} of ${watcher.name} has closed its terminal: it has no input`, 'command');
	}
}

/** Set the terminal's size; the kernel sends the program SIGWINCH. */
export function resizeTerminal(watcher: Watcher, pid: number, columns: number, rows: number): void {
	terminalOf(watcher, pid, 'window size').child.resize(columns, rows);
}

/** The newest raw output, to draw the screen of a program already running. */
export function terminalSnapshot(watcher: Watcher, pid: number): RawSnapshot {
	return terminalOf(watcher, pid, 'screen').rawTail!.snapshot();
}

/** The terminal's window size, as last set (the program draws for it); nothing when unknown. */
export function windowSize(watcher: Watcher, pid: number): {columns: number; rows: number} | Record<string, never> {
	return terminalOf(watcher, pid, 'screen').child.windowSize?.() ?? {};
}
