/**
Keys while a prompt is open (`:` a ctl command, `/` a search), and what Enter does with the line:
a command goes to the supervisor through `run`; a search moves the log view to its match.
*/
import type {Key} from 'ink';
import {ctlCommands, formatCtlReply, parseCtlArgs} from '../control/ctl-format.js';
import {isErrorReply} from '../control/protocol.js';
import {extent, notice, printable, type KeyContext} from './key-context.js';
import {describeMatch, findMatch} from './log-search.js';
import {completeLine, splitWords} from './split-words.js';

export function promptKey(context: KeyContext, input: string, key: Key): void {
	const {ui, dispatch} = context;
	if (ui.modal.kind !== 'prompt') {
		return;
	}

	const {text, purpose} = ui.modal;
	if (key.escape) {
		dispatch({type: 'close-modal'});
	} else if (key.return) {
		if (purpose === 'search') {
			submitSearch(context, text);
		} else {
			submitCommand(context, text);
		}
	} else if (key.backspace || key.delete) {
		dispatch({type: 'prompt-text', text: [...text].slice(0, -1).join('')});
	} else if (key.ctrl && input === 'u') {
		dispatch({type: 'prompt-text', text: ''});
	} else if (key.ctrl && input === 'w') {
		dispatch({type: 'prompt-text', text: text.replace(/\S+\s*$/u, '')});
	} else if (key.upArrow || key.downArrow) {
		dispatch({type: 'prompt-history', delta: key.upArrow ? -1 : 1});
	} else if (key.tab && purpose === 'command') {
		const completed = completeLine(text, Object.keys(ctlCommands), context.selection.watchers);
		dispatch({type: 'prompt-text', text: completed.line, hint: completed.candidates.length > 1 ? completed.candidates.join('  ') : undefined});
	} else if (!key.ctrl && !key.meta) {
		const typed = printable(input);
		if (typed !== '') {
			dispatch({type: 'prompt-text', text: text + typed});
		}
	}
}

function submitSearch(context: KeyContext, query: string): void {
	const {store, ui} = context;
	if (query === '') {
		context.dispatch({type: 'search', query: '', match: undefined, message: undefined, extent: extent(context)});
		return;
	}

	if (store.log.loading) {
		// The lines are on their way (a new selection): search them once they are in.
		context.dispatch({type: 'search', query, match: undefined, message: 'searching…', extent: extent(context)});
		context.whenLoaded((later) => {
			submitSearch(later, query);
		});
		return;
	}

	const from = (ui.follow ? store.logs.end : ui.anchor) - 1;
	const match = findMatch(store.logs, query, from, 'older') ?? findMatch(store.logs, query, from + 1, 'newer');
	context.dispatch({type: 'search', query, match, message: describeMatch(store.logs, query, match), extent: extent(context)});
}

export function searchNext(context: KeyContext, direction: 'older' | 'newer'): void {
	const {store, ui} = context;
	if (ui.search.query === '') {
		notice(context, 'info', 'no search yet: / searches the logs');
		return;
	}

	const current = ui.search.match ?? (ui.follow ? store.logs.end : ui.anchor);
	const match = findMatch(store.logs, ui.search.query, direction === 'older' ? current - 1 : current + 1, direction);
	if (match === undefined) {
		context.dispatch({type: 'search', query: ui.search.query, match: ui.search.match, message: `no ${direction} match`, extent: extent(context)});
		return;
	}

	context.dispatch({type: 'search', query: ui.search.query, match, message: describeMatch(store.logs, ui.search.query, match), extent: extent(context)});
}

function submitCommand(context: KeyContext, line: string): void {
	const {dispatch} = context;
	const split = splitWords(line);
	if ('error' in split) {
		dispatch({type: 'prompt-text', text: line, hint: split.error});
		return;
	}

	if (split.words.length === 0) {
		dispatch({type: 'close-modal'});
		return;
	}

	const parsed = parseCtlArgs(split.words);
	if ('error' in parsed) {
		dispatch({type: 'prompt-text', text: line, hint: parsed.error});
		return;
	}

	dispatch({type: 'remember', line});
	dispatch({type: 'close-modal'});
	if (parsed.command === 'quit') {
		if (context.mode === 'embedded') {
			context.quit('confirmed');
			return;
		}

		void context.run('quit (the daemon)', 'quit', parsed.properties).then(() => {
			context.quit('confirmed');
		});
		return;
	}

	void context.run(split.words.join(' '), parsed.command, parsed.properties).then((reply) => {
		if (reply === undefined || isErrorReply(reply)) {
			return;
		}

		const text = formatCtlReply(parsed.command, reply);
		if (text.includes('\n')) {
			dispatch({type: 'show-result', title: split.words.join(' '), lines: text.split('\n')});
		}
	});
}
