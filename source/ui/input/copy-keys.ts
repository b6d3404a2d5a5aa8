/**
Getting log lines out of procui: copy mode (`v` selects lines, `y` puts them on the clipboard
through the terminal) and `W` (the whole log shown, written to a file in the current directory).
*/
import fs from 'node:fs/promises';
import path from 'node:path';
import type {Key} from 'ink';
import {linesText, logFileName, logFileText} from '../logs/log-export.js';
import {plural} from '../text/format.js';
import {extent, notice, type KeyContext} from './key-context.js';
import {resolveCopyKey} from './keymap.js';

function done(context: KeyContext, text: string): void {
	context.dispatch({type: 'notice', id: 0, tone: 'ok', text, time: Date.now()});
}

/** `v`: copy mode, the cursor on the pane's top line. */
export function startCopy(context: KeyContext): void {
	const {store} = context;
	if (context.showsScreen) {
		notice(context, 'warn', 'copy mode selects lines: this process draws a screen (T shows its lines)');
		return;
	}

	if (store.logs.size === 0) {
		notice(context, 'warn', 'no lines to copy');
		return;
	}

	context.dispatch({type: 'copy-start', extent: extent(context)});
}

/** A key in copy mode. */
export function copyKey(context: KeyContext, input: string, key: Key): void {
	const intent = resolveCopyKey(input, key);
	switch (intent?.type) {
		case 'move': {
			context.dispatch({type: 'copy-move', delta: intent.delta, extent: extent(context)});
			return;
		}

		case 'page': {
			context.dispatch({type: 'copy-move', delta: intent.delta * Math.max(1, context.page - 1), extent: extent(context)});
			return;
		}

		case 'edge': {
			context.dispatch({type: 'copy-edge', to: intent.to, extent: extent(context)});
			return;
		}

		case 'yank': {
			yank(context);
			return;
		}

		case 'back': {
			context.dispatch({type: 'copy-end'});
			return;
		}

		default:
	}
}

/** `y`: the selected lines, plain text, to the clipboard; copy mode ends. */
function yank(context: KeyContext): void {
	const {copy} = context.ui;
	if (copy === undefined) {
		return;
	}

	const {text, count} = linesText(context.store.logs, copy.from, copy.cursor);
	context.dispatch({type: 'copy-end'});
	if (count === 0) {
		notice(context, 'warn', 'nothing copied: the selected lines are no longer held');
		return;
	}

	context.clipboard(text);
	done(context, `copied ${plural(count, 'line')} to the clipboard (OSC 52)`);
}

/** `W`: every line of the log shown, as shown (prefix, time), to a new file in the current directory. */
export function saveLog(context: KeyContext): void {
	const {store, ui} = context;
	const {text, count} = logFileText(store.logs, {timestamps: ui.timestamps, ...context.logPrefix});
	if (count === 0) {
		notice(context, 'warn', 'no lines to write');
		return;
	}

	const file = path.resolve(logFileName(store.log.source, new Date()));
	// `wx`: never overwrite a file (two saves in one second, or someone else's).
	void writeNew(file, text).then((written) => {
		done(context, `wrote ${plural(count, 'line')} to ${written}`);
	}, (error: unknown) => {
		notice(context, 'error', `cannot write the log: ${error instanceof Error ? error.message : String(error)}`);
	});
}

async function writeNew(file: string, text: string): Promise<string> {
	for (let attempt = 1; ; attempt++) {
		const name = attempt === 1 ? file : file.replace(/\.log$/u, `-${attempt}.log`);
		try {
			await fs.writeFile(name, text, {flag: 'wx'});
			return name;
		} catch (error) {
			if (attempt >= 20 || (error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw error;
			}
		}
	}
}
