/**
The UI state's one reducer. Actions carry what the reducer cannot know (the current list of
watchers and pids, the log buffer's extent and page size, the clock), so it is pure and tested
without rendering anything.
*/
import {hscrollStep, historyLimit, type Focus, type Modal, type PromptPurpose, type QuitState, type ScreenView, type StatusMessage, type UiState} from './ui-state.js';

/** The log buffer's extent as the view sees it: absolute indices, and rows per page. */
export type LogExtent = {readonly start: number; readonly end: number; readonly page: number};

export type UiAction =
	| {readonly type: 'move'; readonly delta: number; readonly watchers: readonly string[]; readonly pids: readonly number[]}
	| {readonly type: 'select-edge'; readonly to: 'top' | 'bottom'; readonly watchers: readonly string[]; readonly pids: readonly number[]}
	| {readonly type: 'focus'; readonly direction: 1 | -1}
	| {readonly type: 'set-focus'; readonly focus: Focus}
	/** A list focused, and one of its items selected (a click, the wheel). */
	| {readonly type: 'select'; readonly list: 'watchers' | 'processes'; readonly index?: number; readonly watchers: readonly string[]; readonly pids: readonly number[]}
	| {readonly type: 'copy-start'; readonly extent: LogExtent}
	| {readonly type: 'copy-move'; readonly delta: number; readonly extent: LogExtent}
	| {readonly type: 'copy-edge'; readonly to: 'top' | 'bottom'; readonly extent: LogExtent}
	| {readonly type: 'copy-end'}
	| {readonly type: 'open'; readonly pids: readonly number[]}
	| {readonly type: 'back'}
	| {readonly type: 'scroll'; readonly delta: number; readonly extent: LogExtent}
	| {readonly type: 'log-edge'; readonly to: 'top' | 'bottom'; readonly extent: LogExtent}
	/** `max`: the columns the widest line shown overflows the pane by (past it, nothing more shows). */
	| {readonly type: 'hscroll'; readonly delta: number; readonly max: number}
	| {readonly type: 'toggle'; readonly option: 'follow' | 'wrap' | 'timestamps' | 'zoom'; readonly extent: LogExtent}
	| {readonly type: 'log-scope'; readonly scope: 'all' | 'supervisor'}
	/** `T`: this process's log pane shows `view` until the process exits. */
	| {readonly type: 'screen-view'; readonly key: string; readonly view: ScreenView}
	/** The processes still running (their `screenViewKey`s): the others' views are forgotten. */
	| {readonly type: 'screen-views-keep'; readonly keys: readonly string[]}
	| {readonly type: 'open-prompt'; readonly purpose: PromptPurpose}
	| {readonly type: 'prompt-text'; readonly text: string; readonly hint?: string}
	| {readonly type: 'prompt-history'; readonly delta: number}
	| {readonly type: 'close-modal'}
	| {readonly type: 'search'; readonly query: string; readonly match: number | undefined; readonly message: string | undefined; readonly extent: LogExtent}
	| {readonly type: 'open-help'}
	/** `max`: the last scroll position at which the modal's text still fills it. */
	| {readonly type: 'modal-scroll'; readonly delta: number; readonly max: number}
	| {readonly type: 'open-signal'; readonly target: {readonly name: string; readonly pid?: number}}
	| {readonly type: 'signal-move'; readonly delta: number; readonly count: number}
	| {readonly type: 'show-result'; readonly title: string; readonly lines: readonly string[]}
	| {readonly type: 'confirm-quit'; readonly live: number}
	| {readonly type: 'quit-started'; readonly phase: QuitState['phase']; readonly time: number}
	| {readonly type: 'quit-timeouts'; readonly timeouts: Readonly<Record<string, number>>}
	| {readonly type: 'remember'; readonly line: string}
	| {readonly type: 'command-started'; readonly id: number; readonly text: string; readonly time: number}
	| {readonly type: 'command-finished'; readonly id: number; readonly ok: boolean; readonly text: string; readonly time: number}
	| {readonly type: 'notice'; readonly id: number; readonly tone: StatusMessage['tone']; readonly text: string; readonly time: number};

const focusOrder: readonly Focus[] = ['watchers', 'processes', 'logs'];
const none: Modal = {kind: 'none'};

function clamp(value: number, low: number, high: number): number {
	return Math.min(Math.max(value, low), Math.max(low, high));
}

/** The selected item of a list: the one named, else the first. */
export function selectedIndex<T>(items: readonly T[], selected: T | undefined): number {
	const index = selected === undefined ? -1 : items.indexOf(selected);
	return index === -1 ? 0 : index;
}

/** A new selection resets the log view to follow the new source (and leaves copy mode). */
const freshView = {follow: true, anchor: 0, hscroll: 0, copy: undefined} as const;

/** Lowest anchor that still fills a page. */
function lowestAnchor(extent: LogExtent): number {
	return Math.min(extent.end, extent.start + Math.max(1, extent.page));
}

function scrolled(state: UiState, anchor: number, extent: LogExtent): UiState {
	const bounded = clamp(anchor, lowestAnchor(extent), extent.end);
	return {...state, anchor: bounded, follow: bounded >= extent.end};
}

function moveSelection(state: UiState, watchers: readonly string[], pids: readonly number[], to: (index: number, length: number) => number): UiState {
	if (state.focus === 'processes') {
		if (pids.length === 0) {
			return state;
		}

		const pid = pids[clamp(to(selectedIndex(pids, state.pid), pids.length), 0, pids.length - 1)];
		return pid === state.pid ? state : {...state, pid, ...freshView, search: {...state.search, match: undefined, message: undefined}};
	}

	if (watchers.length === 0) {
		return state;
	}

	const watcher = watchers[clamp(to(selectedIndex(watchers, state.watcher), watchers.length), 0, watchers.length - 1)];
	if (watcher === (state.watcher ?? watchers[0]) && state.watcher !== undefined) {
		return state;
	}

	return {...state, watcher, pid: undefined, logScope: 'selection', ...freshView, search: {...state.search, match: undefined, message: undefined}};
}

/** Move focus; a list taking focus becomes the list shown. */
function withFocus(state: UiState, focus: Focus): UiState {
	return {...state, focus, list: focus === 'logs' ? state.list : focus};
}

/** The absolute index just after the last line the log pane shows (as LogPane computes it). */
export function viewBottom(state: Pick<UiState, 'follow' | 'anchor'>, extent: LogExtent): number {
	return state.follow ? extent.end : Math.min(Math.max(state.anchor, lowestAnchor(extent)), extent.end);
}

/** Copy mode's cursor moved to `cursor`: kept on a line that exists, and in view. */
function copyCursor(state: UiState, cursor: number, extent: LogExtent): UiState {
	if (state.copy === undefined || extent.end <= extent.start) {
		return state;
	}

	const line = clamp(cursor, extent.start, extent.end - 1);
	const page = Math.max(1, extent.page);
	const bottom = viewBottom(state, extent);
	const anchor = line >= bottom ? line + 1 : line < bottom - page ? line + page : bottom;
	return {...state, copy: {...state.copy, cursor: line}, follow: false, anchor: clamp(anchor, lowestAnchor(extent), extent.end)};
}

function finishCommand(state: UiState, id: number, message: StatusMessage): UiState {
	return {...state, running: state.running.filter((item) => item.id !== id), last: message};
}

function toggled(state: UiState, option: 'follow' | 'wrap' | 'timestamps' | 'zoom', extent: LogExtent): UiState {
	switch (option) {
		case 'follow': {
			return {...state, follow: !state.follow, anchor: extent.end};
		}

		case 'wrap': {
			return {...state, wrap: !state.wrap, hscroll: 0};
		}

		case 'timestamps': {
			return {...state, timestamps: !state.timestamps};
		}

		case 'zoom': {
			return {...state, zoom: !state.zoom};
		}
	}
}

export function uiReducer(state: UiState, action: UiAction): UiState {
	switch (action.type) {
		case 'move': {
			return moveSelection(state, action.watchers, action.pids, (index) => index + action.delta);
		}

		case 'select-edge': {
			return moveSelection(state, action.watchers, action.pids, (_index, length) => (action.to === 'top' ? 0 : length - 1));
		}

		case 'focus': {
			const index = focusOrder.indexOf(state.focus);
			const focus = focusOrder[(index + action.direction + focusOrder.length) % focusOrder.length]!;
			const next = withFocus(state, focus);
			// The logs follow the list: a different list is a different source.
			return next.list === state.list ? next : {...next, ...freshView};
		}

		case 'set-focus': {
			return withFocus(state, action.focus);
		}

		case 'select': {
			const focused = withFocus(state, action.list);
			// As with Tab: a different list is a different source.
			const next = focused.list === state.list ? focused : {...focused, ...freshView};
			const {index} = action;
			// A line picked shows its logs (not all watchers', not procui's).
			const scoped = next.logScope === 'selection' ? next : {...next, logScope: 'selection' as const, ...freshView};
			return index === undefined ? next : moveSelection(scoped, action.watchers, action.pids, () => index);
		}

		case 'copy-start': {
			const {extent} = action;
			if (extent.end <= extent.start) {
				return state;
			}

			// The cursor starts on the pane's top line; the view holds still while lines are selected.
			const bottom = viewBottom(state, extent);
			const top = Math.max(extent.start, bottom - Math.max(1, extent.page));
			return {...withFocus(state, 'logs'), follow: false, anchor: bottom, copy: {from: top, cursor: top}};
		}

		case 'copy-move': {
			return state.copy === undefined ? state : copyCursor(state, state.copy.cursor + action.delta, action.extent);
		}

		case 'copy-edge': {
			return copyCursor(state, action.to === 'top' ? action.extent.start : action.extent.end - 1, action.extent);
		}

		case 'copy-end': {
			return {...state, copy: undefined};
		}

		case 'open': {
			if (state.focus === 'watchers') {
				return {...withFocus(state, 'processes'), pid: state.pid ?? action.pids[0], logScope: 'selection', ...freshView};
			}

			return withFocus(state, 'logs');
		}

		case 'back': {
			if (state.search.query !== '') {
				return {...state, search: {query: '', match: undefined, message: undefined}};
			}

			if (state.zoom) {
				return {...state, zoom: false};
			}

			if (state.logScope !== 'selection') {
				return {...state, logScope: 'selection', ...freshView};
			}

			if (state.focus === 'logs') {
				return withFocus(state, state.list);
			}

			if (state.focus === 'processes') {
				return {...withFocus(state, 'watchers'), ...freshView};
			}

			return state;
		}

		case 'scroll': {
			const from = state.follow ? action.extent.end : state.anchor;
			return scrolled(state, from + action.delta, action.extent);
		}

		case 'log-edge': {
			return action.to === 'bottom'
				? {...state, follow: true, anchor: action.extent.end, hscroll: 0}
				: {...state, follow: false, anchor: lowestAnchor(action.extent)};
		}

		case 'hscroll': {
			// Bounded on both sides, so that a key the other way moves the view at once.
			return state.wrap ? state : {...state, hscroll: clamp(state.hscroll + action.delta * hscrollStep, 0, action.max)};
		}

		case 'toggle': {
			return toggled(state, action.option, action.extent);
		}

		case 'screen-view': {
			return {...state, views: {...state.views, [action.key]: action.view}};
		}

		case 'screen-views-keep': {
			const kept = Object.entries(state.views).filter(([key]) => action.keys.includes(key));
			return kept.length === Object.keys(state.views).length ? state : {...state, views: Object.fromEntries(kept)};
		}

		case 'log-scope': {
			return {...state, logScope: state.logScope === action.scope ? 'selection' : action.scope, ...freshView, search: {...state.search, match: undefined, message: undefined}};
		}

		case 'open-prompt': {
			return {...state, modal: {kind: 'prompt', purpose: action.purpose, text: '', historyIndex: -1, hint: undefined}};
		}

		case 'prompt-text': {
			return state.modal.kind === 'prompt' ? {...state, modal: {...state.modal, text: action.text, hint: action.hint, historyIndex: -1}} : state;
		}

		case 'prompt-history': {
			if (state.modal.kind !== 'prompt' || state.modal.purpose !== 'command' || state.history.length === 0) {
				return state;
			}

			const current = state.modal.historyIndex === -1 ? state.history.length : state.modal.historyIndex;
			const index = current + action.delta;
			if (index >= state.history.length) {
				return {...state, modal: {...state.modal, text: '', historyIndex: -1}};
			}

			const bounded = clamp(index, 0, state.history.length - 1);
			return {...state, modal: {...state.modal, text: state.history[bounded]!, historyIndex: bounded}};
		}

		case 'close-modal': {
			return {...state, modal: none};
		}

		case 'search': {
			const search = {query: action.query, match: action.match, message: action.message};
			if (action.match === undefined) {
				return {...state, search, modal: none};
			}

			// Put the match a third of the way up from the bottom, with context below it, and hold the
			// view there: a match among the newest lines would otherwise be carried off by new ones.
			const anchor = action.match + 1 + Math.floor(action.extent.page / 3);
			return withFocus({...scrolled({...state, search, modal: none}, anchor, action.extent), follow: false}, 'logs');
		}

		case 'open-help': {
			return {...state, modal: {kind: 'help', scroll: 0}};
		}

		case 'modal-scroll': {
			if (state.modal.kind === 'help' || state.modal.kind === 'result') {
				// Bounded on both sides, so that a key the other way moves the text at once.
				return {...state, modal: {...state.modal, scroll: clamp(state.modal.scroll + action.delta, 0, action.max)}};
			}

			return state;
		}

		case 'open-signal': {
			return {...state, modal: {kind: 'signal', index: 0, target: action.target}};
		}

		case 'signal-move': {
			return state.modal.kind === 'signal' ? {...state, modal: {...state.modal, index: clamp(state.modal.index + action.delta, 0, action.count - 1)}} : state;
		}

		case 'show-result': {
			return {...state, modal: {kind: 'result', title: action.title, lines: action.lines, scroll: 0}};
		}

		case 'confirm-quit': {
			return {...state, modal: {kind: 'confirm-quit', live: action.live}};
		}

		case 'quit-started': {
			return {...state, modal: none, quit: {phase: action.phase, startedAt: state.quit?.startedAt ?? action.time, timeouts: state.quit?.timeouts ?? {}}};
		}

		case 'quit-timeouts': {
			return state.quit === undefined ? state : {...state, quit: {...state.quit, timeouts: {...state.quit.timeouts, ...action.timeouts}}};
		}

		case 'remember': {
			const line = action.line.trim();
			return line === '' ? state : {...state, history: [...state.history.filter((old) => old !== line), line].slice(-historyLimit)};
		}

		case 'command-started': {
			return {...state, running: [...state.running, {id: action.id, text: action.text, tone: 'busy', time: action.time}]};
		}

		case 'command-finished': {
			return finishCommand(state, action.id, {id: action.id, text: action.text, tone: action.ok ? 'ok' : 'error', time: action.time});
		}

		case 'notice': {
			return {...state, last: {id: action.id, text: action.text, tone: action.tone, time: action.time}};
		}
	}
}
