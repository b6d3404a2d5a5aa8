/**
Log lines as plain text, for the clipboard (copy mode's `y`) and for a file (`W`): colours and
other escape sequences removed, whole lines (never cut to the pane's width).
*/
import {stripAnsi} from '../text/ansi-text.js';
import {plainText, type LogBuffer} from './log-buffer.js';
import {prefixOf, type LogRowOptions} from './log-rows.js';
import type {LogSource} from './log-source.js';

/** The text of the lines from `first` to `last` (absolute indices, either order, both included) still in the buffer, one per line. */
export function linesText(buffer: LogBuffer, first: number, last: number): {text: string; count: number} {
	const from = Math.max(buffer.start, Math.min(first, last));
	const to = Math.min(buffer.end - 1, Math.max(first, last));
	const lines: string[] = [];
	for (let index = from; index <= to; index++) {
		lines.push(plainText(buffer.at(index)!));
	}

	return {text: lines.join('\n'), count: lines.length};
}

/** Every line the buffer holds, each with its prefix as the pane shows it (time, watcher or pid), and a final newline. */
export function logFileText(buffer: LogBuffer, options: Pick<LogRowOptions, 'timestamps' | 'prefix' | 'prefixWidth'>): {text: string; count: number} {
	let text = '';
	for (let index = buffer.start; index < buffer.end; index++) {
		const entry = buffer.at(index)!;
		text += `${stripAnsi(prefixOf(entry, options))}${plainText(entry)}\n`;
	}

	return {text, count: buffer.end - buffer.start};
}

const two = (value: number): string => String(value).padStart(2, '0');

/** `procui-web-20261206-163045.log`: the source (a watcher, a process, `all`, `procui`) and the local time. */
export function logFileName(source: LogSource, date: Date): string {
	const name = source.kind === 'watcher' ? source.name : source.kind === 'process' ? `${source.name}-${source.pid}` : source.kind === 'all' ? 'all' : 'procui';
	const stamp = `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
	// A watcher's name may hold anything a config allows: keep the file name to safe characters.
	return `procui-${name.replaceAll(/[^\w.-]/gu, '_')}-${stamp}.log`;
}
