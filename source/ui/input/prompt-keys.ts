/**
Keys while a prompt is open (`:` a ctl command, `/` a search), and what Enter does with the line:
a command goes to the supervisor through `run`; a search moves the log view to its match.
*/
import type {Key} from 'ink';
import {ctlCommands, formatCtlReply, parseCtlArgs} from '../../control/ctl-format.js';
import {isErrorReply} from '../../control/protocol.js';
import {extent, notice, printable, type KeyContext} from './key-context.js';
import {describeMatch, findMatch} from '../logs/log-search.js';
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

/** The pane shows a process's screen: the search (kept, shown in the title) is in its lines. */
function searchBehindScreen(context: KeyContext): void {
	if (context.showsScreen) {
		notice(context, 'warn', 'searched the lines, not the screen: T shows them');
	}
}

function submitSearch(context: KeyContext, query: string): void {
	const {store, ui} = context;
	if (query === '') {
		context.dispatch({type: 'search', query: '', match: undefined, message: undefined, extent: extent(context)});
		return;
	}

	searchBehindScreen(context);

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
	if (match === undefined && !store.log.complete) {
		searchScrollback(context, query, undefined);
		return;
	}

	context.dispatch({type: 'search', query, match, message: describeMatch(store.logs, query, match), extent: extent(context)});
}

/** Where the buffer holds the line `pid`/`seq`, if it does. */
function indexOf(context: KeyContext, pid: number, seq: number): number | undefined {
	const {logs} = context.store;
	for (let index = logs.end - 1; index >= logs.start; index--) {
		const entry = logs.at(index);
		if (entry?.kind === 'line' && entry.pid === pid && entry.seq === seq) {
			return index;
		}
	}

	return undefined;
}

/**
The lines held do not have it (older than the oldest held): the supervisor searches the whole
scrollback, then the view loads back to the newest match older than what it holds and shows it.
`current`: the match shown now, when looking for the next older one.
*/
function searchScrollback(context: KeyContext, query: string, current: number | undefined): void {
	const {store, dispatch} = context;
	const held = store.logs.end - store.logs.start;
	dispatch({type: 'search', query, match: current, message: 'searching the whole scrollback…', extent: extent(context)});
	void (async () => {
		const result = await store.searchScrollback(query, 1000);
		if (typeof result === 'string') {
			dispatch({type: 'search', query, match: current, message: `search failed: ${result}`, extent: extent(context)});
			return;
		}

		const gone = result.partial ? '; older output is gone (procui.scrollback)' : '';
		const searched = `searched the whole scrollback: ${result.total} match${result.total === 1 ? '' : 'es'} in ${result.searched} lines${gone}`;
		const rank = result.matches.findIndex((candidate) => candidate.back >= held && indexOf(context, candidate.pid, candidate.seq) === undefined);
		const target = result.matches[rank];
		if (target === undefined) {
			dispatch({type: 'search', query, match: current, message: result.total === 0 ? `"${query}" not found in the scrollback` : 'no older match in the scrollback', extent: extent(context)});
			notice(context, 'info', searched);
			return;
		}

		if (target.back >= store.logs.capacity) {
			dispatch({type: 'search', query, match: current, message: `${target.back} lines back: beyond this view`, extent: extent(context)});
			notice(context, 'warn', `"${query}" is ${target.back} lines back, beyond the ${store.logs.capacity} lines this view holds`);
			return;
		}

		await store.loadBack(target.back + context.page + 1);
		const index = indexOf(context, target.pid, target.seq);
		dispatch({type: 'search', query, match: index ?? current, message: index === undefined ? 'its line is no longer held' : `match ${rank + 1} of ${result.total} (scrollback)`, extent: extent(context)});
		notice(context, 'info', searched);
	})();
}

export function searchNext(context: KeyContext, direction: 'older' | 'newer'): void {
	const {store, ui} = context;
	if (ui.search.query === '') {
		notice(context, 'info', 'no search yet: / searches the logs');
		return;
	}

	searchBehindScreen(context);
	const current = ui.search.match ?? (ui.follow ? store.logs.end : ui.anchor);
	const match = findMatch(store.logs, ui.search.query, direction === 'older' ? current - 1 : current + 1, direction);
	if (match === undefined && direction === 'older' && !store.log.complete) {
		searchScrollback(context, ui.search.query, ui.search.match);
		return;
	}

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
