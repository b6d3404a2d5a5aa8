import {Box} from 'ink';
import {useMemo} from 'react';
import {padColumns, textWidth, wrapColumns} from '../text/ansi-text.js';
import type {UiMode} from '../hooks/use-quit.js';
import {ctlCommands} from '../../control/ctl-format.js';
import {bindings, copyBindings, type Section} from '../input/keymap.js';
import {Rows} from './Rows.js';

type Props = {
	readonly width: number;
	readonly height: number;
	readonly scroll: number;
	readonly mode: UiMode;
	/** The control endpoint, for `procui ctl` from another terminal. */
	readonly endpoint: string | undefined;
};

/** A help entry: a heading, or keys and what they do. */
type Entry = {readonly keys: string; readonly text: string; readonly heading?: boolean};

/** From this width on, the help is laid out in two columns. */
const twoColumns = 110;
const keyWidth = 15;

/** Every entry of the help, from the key table, in sections. */
export function helpEntries(mode: UiMode, endpoint: string | undefined): Entry[][] {
	const section = (name: Section): Entry[] => [
		{keys: name, text: '', heading: true},
		...[...bindings, ...copyBindings].filter((binding) => binding.section === name).map((binding) => ({keys: binding.keys.join(' '), text: binding.description})),
	];
	return [
		section('Move'),
		section('Watcher'),
		section('Logs'),
		section('Copy'),
		section('General'),
		[
			{keys: 'Prompts', text: '', heading: true},
			{keys: 'Enter / Esc', text: 'Run / cancel'},
			{keys: '↑ ↓', text: 'Browse the command history'},
			{keys: 'Tab', text: 'Complete a command or watcher name'},
			{keys: 'Ctrl-U Ctrl-W', text: 'Clear the line, the last word'},
		],
		[
			{keys: ': commands', text: '', heading: true},
			// The vocabulary's, as `procui ctl` takes them.
			...Object.entries(ctlCommands).map(([name, command]) => {
				const words = command.usage.slice(name.length).trim();
				return {keys: name, text: words === '' ? command.description : `${words}: ${command.description}`};
			}),
		],
		[
			{keys: `Mode: ${mode}`, text: '', heading: true},
			{keys: '', text: mode === 'embedded'
				? `The supervisor runs in this process; quitting stops every watcher. From another terminal: procui ctl${endpoint === undefined ? '' : ` --endpoint ${endpoint}`} status`
				: `Attached to the daemon at ${endpoint ?? 'its endpoint'}; quitting detaches and leaves every process running.`},
		],
	];
}

/** Plain text wrapped at spaces (a word longer than the width is cut). */
function wordWrap(text: string, width: number): string[] {
	const rows: string[] = [];
	let row = '';
	for (const word of text.split(' ')) {
		const candidate = row === '' ? word : `${row} ${word}`;
		if (textWidth(candidate) <= width) {
			row = candidate;
			continue;
		}

		if (row !== '') {
			rows.push(row);
		}

		const pieces = wrapColumns(word, width);
		rows.push(...pieces.slice(0, -1));
		row = pieces.at(-1) ?? '';
	}

	rows.push(row);
	return rows;
}

/** The text rows of some sections in a column `width` wide (SGR for headings and keys). */
function columnRows(sections: readonly Entry[][], width: number): string[] {
	const rows: string[] = [];
	for (const entries of sections) {
		if (rows.length > 0) {
			rows.push('');
		}

		for (const entry of entries) {
			if (entry.heading) {
				rows.push(`\u001B[1;36m${entry.keys}\u001B[0m`);
				continue;
			}

			const indent = entry.keys === '' ? 1 : keyWidth;
			const lines = wordWrap(entry.text, Math.max(10, width - indent));
			for (const [index, line] of lines.entries()) {
				const keys = index === 0 && entry.keys !== '' ? `\u001B[1m${padColumns(` ${entry.keys}`, keyWidth)}\u001B[22m` : ' '.repeat(indent);
				rows.push(keys + line);
			}
		}
	}

	return rows;
}

/** The help's rows at this width, in one or two columns. */
function helpRows(width: number, mode: UiMode, endpoint: string | undefined): string[] {
	const inner = Math.max(10, width - 2);
	const sections = helpEntries(mode, endpoint);
	if (width < twoColumns) {
		return columnRows(sections, inner);
	}

	const columnWidth = Math.floor((inner - 3) / 2);
	const left = columnRows(sections.slice(0, 2), columnWidth);
	const right = columnRows(sections.slice(2), columnWidth);
	return Array.from({length: Math.max(left.length, right.length)}, (_, index) => `${padColumns(left[index] ?? '', columnWidth)} \u001B[90m│\u001B[39m ${right[index] ?? ''}`);
}

/** The last scroll position at which the help (`width` × `height`, with its border) is still full. */
export function helpScrollMax(width: number, height: number, mode: UiMode, endpoint: string | undefined): number {
	return Math.max(0, helpRows(width, mode, endpoint).length - Math.max(1, height - 2));
}

/** The help: the same key table the footer shows, all of it, in one or two columns. */
export function HelpOverlay({width, height, scroll, mode, endpoint}: Props) {
	const rows = useMemo(() => helpRows(width, mode, endpoint), [width, mode, endpoint]);
	const visible = Math.max(1, height - 2);
	// The reducer bounds the scroll, but a resize since may have made the help shorter.
	const start = Math.min(scroll, Math.max(0, rows.length - visible));
	return (
		<Box flexDirection='column' width={width} height={height} borderStyle='round' borderColor='cyan'>
			<Rows rows={rows.slice(start, start + visible)} width={width - 2} height={visible}/>
		</Box>
	);
}
