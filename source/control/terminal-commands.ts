import {wholeNumber} from '../config/values.js';
import type {Arbiter} from '../core/arbiter.js';
import {CommandError} from '../core/errors.js';
import {resizeTerminal, terminalSnapshot, windowSize, writeInput} from '../core/terminal.js';
import {stringProperty, type Handlers} from './handler.js';
import type {Properties} from './protocol.js';
import {optionalProperty, pid as processId, property} from './request-values.js';

/**
procui's commands on a PTY process's terminal, for a UI that shows its screen and types into it:
`input {name, pid, data}`, `resize {name, pid, columns, rows}`, `screen {name, pid}` (without a pid:
the watcher's one running process). The live raw bytes come on the `output.<watcher>.<pid>` topic (base64, with each chunk's byte offset).
*/

/** Most characters one `input` carries (a paste is split by the client). */
const maxInputLength = 64 * 1024;

const dimension = wholeNumber(1, 1000);

/** The process a request names; without a pid, the watcher's one running process. */
function target(arbiter: Arbiter, properties: Properties, purpose: string): {name: string; pid: number} {
	const name = stringProperty(properties, 'name', true);
	const pid = optionalProperty(properties, 'pid', processId);
	if (pid !== undefined) {
		return {name, pid};
	}

	const watcher = arbiter.get(name);
	if (!watcher.config.pty) {
		throw new CommandError(`watcher ${name} runs without a terminal (pty = false): it has no ${purpose}`, 'command');
	}

	const running = watcher.running.map((record) => record.pid);
	if (running.length !== 1) {
		throw new CommandError(running.length === 0
			? `missing property: pid (watcher ${name} has no process running)`
			: `missing property: pid (watcher ${name} has ${running.length} processes: ${running.join(', ')})`, 'message');
	}

	return {name, pid: running[0]!};
}

export const terminalCommands: Handlers<'input' | 'resize' | 'screen'> = {
	input(arbiter, properties) {
		const {name, pid} = target(arbiter, properties, 'input');
		const data = properties.data;
		if (typeof data !== 'string' || data === '') {
			throw new CommandError(`Expected \`data\` to be the text to type (a non-empty string), got \`${JSON.stringify(data) ?? 'nothing'}\``, 'message');
		}

		if (data.length > maxInputLength) {
			throw new CommandError(`Expected \`data\` to be at most ${maxInputLength} characters, got ${data.length}: send a long paste in pieces`, 'message');
		}

		writeInput(arbiter.get(name), pid, data);
		return {pid, bytes: Buffer.byteLength(data)};
	},
	resize(arbiter, properties) {
		const {name, pid} = target(arbiter, properties, 'window size');
		const columns = property(properties, 'columns', dimension, 0);
		const rows = property(properties, 'rows', dimension, 0);
		if (columns === 0 || rows === 0) {
			throw new CommandError(`missing property: ${columns === 0 ? 'columns' : 'rows'}`, 'message');
		}

		resizeTerminal(arbiter.get(name), pid, columns, rows);
		return {pid, columns, rows};
	},
	screen(arbiter, properties) {
		const {name, pid} = target(arbiter, properties, 'screen');
		const snapshot = terminalSnapshot(arbiter.get(name), pid);
		const size = windowSize(arbiter.get(name), pid);
		return {pid, data: snapshot.data.toString('base64'), end: snapshot.end, alternate: snapshot.alternate, ...size};
	},
};
