import {describe, expect, test} from 'vitest';
import {uiReducer, type LogExtent, type UiAction} from '../../source/ui/state/ui-reducer.js';
import {initialUiState, screenViewKey, type UiState} from '../../source/ui/state/ui-state.js';

const watchers = ['ticker', 'worker', 'flaky'];
const pids = [201, 202, 203];
const extent: LogExtent = {start: 0, end: 100, page: 10};
const run = (actions: UiAction[], state: UiState = initialUiState): UiState => actions.reduce(uiReducer, state);
const move = (delta: number): UiAction => ({type: 'move', delta, watchers, pids});

describe('selection', () => {
	test('moves through the watchers and stops at the ends', () => {
		expect(run([move(1)]).watcher).toBe('worker');
		expect(run([move(1), move(1), move(1)]).watcher).toBe('flaky');
		expect(run([move(-1)]).watcher).toBe('ticker');
	});

	test('a new watcher resets the process selection and the log view to follow', () => {
		const scrolled = run([{type: 'open', pids}, move(1), {type: 'focus', direction: -1}, {type: 'scroll', delta: -20, extent}]);
		expect(scrolled.follow).toBe(false);
		const next = uiReducer({...scrolled, focus: 'watchers'}, move(1));
		expect(next).toMatchObject({watcher: 'worker', pid: undefined, follow: true});
	});

	test('in the process list, moves through the pids', () => {
		const state = run([{type: 'open', pids}, move(1), move(1)]);
		expect(state).toMatchObject({focus: 'processes', list: 'processes', pid: 203});
	});

	test('select-edge jumps to the first or last', () => {
		expect(run([{type: 'select-edge', to: 'bottom', watchers, pids}]).watcher).toBe('flaky');
		expect(run([move(2), {type: 'select-edge', to: 'top', watchers, pids}]).watcher).toBe('ticker');
	});
});

describe('focus', () => {
	test('Tab cycles watchers → processes → logs → watchers; the list shown follows list focus', () => {
		const states = [1, 1, 1].reduce<UiState[]>((list) => [...list, uiReducer(list.at(-1)!, {type: 'focus', direction: 1})], [initialUiState]);
		expect(states.map((state) => [state.focus, state.list])).toEqual([['watchers', 'watchers'], ['processes', 'processes'], ['logs', 'processes'], ['watchers', 'watchers']]);
	});

	test('Enter opens a watcher\'s processes, then its logs; Esc goes back up', () => {
		const opened = run([{type: 'open', pids}]);
		expect(opened).toMatchObject({focus: 'processes', pid: 201});
		const logs = uiReducer(opened, {type: 'open', pids});
		expect(logs.focus).toBe('logs');
		expect(run([{type: 'back'}], logs).focus).toBe('processes');
		expect(run([{type: 'back'}, {type: 'back'}], logs).focus).toBe('watchers');
	});

	test('Esc clears a search before anything else, then zoom', () => {
		const state = run([{type: 'toggle', option: 'zoom', extent}, {type: 'search', query: 'err', match: 50, message: 'match 1 of 1', extent}]);
		const once = uiReducer(state, {type: 'back'});
		expect(once.search.query).toBe('');
		expect(once.zoom).toBe(true);
		expect(uiReducer(once, {type: 'back'}).zoom).toBe(false);
	});
});

describe('log view', () => {
	test('scrolling up stops following; scrolling back to the end follows again', () => {
		const up = run([{type: 'scroll', delta: -5, extent}]);
		expect(up).toMatchObject({follow: false, anchor: 95});
		expect(uiReducer(up, {type: 'scroll', delta: 5, extent})).toMatchObject({follow: true, anchor: 100});
	});

	test('never scrolls past the first page', () => {
		expect(run([{type: 'scroll', delta: -1000, extent}]).anchor).toBe(10);
		expect(run([{type: 'log-edge', to: 'top', extent}])).toMatchObject({anchor: 10, follow: false});
	});

	test('G (bottom) follows again', () => {
		expect(run([{type: 'scroll', delta: -50, extent}, {type: 'log-edge', to: 'bottom', extent}]).follow).toBe(true);
	});

	test('f toggles following, pinning the view where it is', () => {
		const paused = run([{type: 'toggle', option: 'follow', extent}]);
		expect(paused).toMatchObject({follow: false, anchor: 100});
		expect(uiReducer(paused, {type: 'toggle', option: 'follow', extent}).follow).toBe(true);
	});

	test('sideways scrolling only when not wrapping; wrap resets it', () => {
		const shifted = run([{type: 'hscroll', delta: 2, max: 100}]);
		expect(shifted.hscroll).toBe(16);
		expect(run([{type: 'hscroll', delta: -5, max: 100}]).hscroll).toBe(0);
		const wrapped = uiReducer(shifted, {type: 'toggle', option: 'wrap', extent});
		expect(wrapped).toMatchObject({wrap: true, hscroll: 0});
		expect(uiReducer(wrapped, {type: 'hscroll', delta: 1, max: 100}).hscroll).toBe(0);
	});

	test('sideways scrolling stops at the widest line\'s end, so ← moves at once', () => {
		const far = run(Array.from({length: 20}, () => ({type: 'hscroll', delta: 1, max: 37}) as const));
		expect(far.hscroll).toBe(37);
		expect(uiReducer(far, {type: 'hscroll', delta: -1, max: 37}).hscroll).toBe(29);
		// Nothing wider than the pane: nowhere to go.
		expect(run([{type: 'hscroll', delta: 1, max: 0}]).hscroll).toBe(0);
	});

	test('the help and a command\'s result scroll between their first and last page, so a key back moves at once', () => {
		for (const opened of [{type: 'open-help'}, {type: 'show-result', title: 'stats', lines: ['a']}] as const) {
			const far = run([opened, ...Array.from({length: 40}, () => ({type: 'modal-scroll', delta: 10, max: 25}) as const)]);
			expect(far.modal).toMatchObject({scroll: 25});
			expect(uiReducer(far, {type: 'modal-scroll', delta: -1, max: 25}).modal).toMatchObject({scroll: 24});
			expect(uiReducer(far, {type: 'modal-scroll', delta: -100, max: 25}).modal).toMatchObject({scroll: 0});
		}
	});

	test('a search match is brought into view with context below it, focusing the logs', () => {
		const state = run([{type: 'search', query: 'err', match: 40, message: 'match 3 of 9', extent}]);
		expect(state).toMatchObject({focus: 'logs', follow: false, anchor: 44, search: {query: 'err', match: 40, message: 'match 3 of 9'}});
	});

	test('a match among the newest lines stops following, so new lines do not carry it off', () => {
		const state = run([{type: 'search', query: 'err', match: 98, message: 'match 1 of 9', extent}]);
		expect(state).toMatchObject({focus: 'logs', follow: false, anchor: 100, search: {match: 98}});
	});

	test('a / prompt starts empty; its text, history and hint are the prompt\'s', () => {
		const state = run([{type: 'remember', line: 'incr worker'}, {type: 'remember', line: 'stats'}, {type: 'open-prompt', purpose: 'command'}]);
		expect(state.modal).toEqual({kind: 'prompt', purpose: 'command', text: '', historyIndex: -1, hint: undefined});
		const back = uiReducer(state, {type: 'prompt-history', delta: -1});
		expect(back.modal).toMatchObject({text: 'stats', historyIndex: 1});
		expect(uiReducer(back, {type: 'prompt-history', delta: -1}).modal).toMatchObject({text: 'incr worker'});
		expect(uiReducer(back, {type: 'prompt-history', delta: 1}).modal).toMatchObject({text: '', historyIndex: -1});
	});

	test('a / and a selects all watchers\' logs, a again goes back to the selection', () => {
		const all = run([{type: 'log-scope', scope: 'all'}]);
		expect(all.logScope).toBe('all');
		expect(uiReducer(all, {type: 'log-scope', scope: 'all'}).logScope).toBe('selection');
		expect(uiReducer(all, {type: 'log-scope', scope: 'supervisor'}).logScope).toBe('supervisor');
	});
});

describe('status and quitting', () => {
	test('a command runs, then its result replaces it', () => {
		const started = run([{type: 'command-started', id: 1, text: 'stop web…', time: 1}, {type: 'command-started', id: 2, text: 'start db…', time: 2}]);
		expect(started.running.map((item) => item.text)).toEqual(['stop web…', 'start db…']);
		const finished = uiReducer(started, {type: 'command-finished', id: 1, ok: false, text: 'stop web: timed out', time: 3});
		expect(finished.running.map((item) => item.id)).toEqual([2]);
		expect(finished.last).toEqual({id: 1, text: 'stop web: timed out', tone: 'error', time: 3});
	});

	test('quitting keeps its start time and collects graceful timeouts', () => {
		const state = run([
			{type: 'confirm-quit', live: 3},
			{type: 'quit-started', phase: 'stopping', time: 1000},
			{type: 'quit-timeouts', timeouts: {web: 30}},
			{type: 'quit-started', phase: 'forcing', time: 5000},
		]);
		expect(state.modal.kind).toBe('none');
		expect(state.quit).toEqual({phase: 'forcing', startedAt: 1000, timeouts: {web: 30}});
	});

	test('the signal picker moves within its list', () => {
		const state = run([{type: 'open-signal', target: {name: 'web', pid: 7}}, {type: 'signal-move', delta: 1, count: 3}, {type: 'signal-move', delta: 5, count: 3}]);
		expect(state.modal).toEqual({kind: 'signal', index: 2, target: {name: 'web', pid: 7}});
	});
});

describe('a click or the wheel on a list', () => {
	test('selects the item and focuses its list; a process picked shows that process', () => {
		expect(run([{type: 'select', list: 'watchers', index: 2, watchers, pids}])).toMatchObject({focus: 'watchers', watcher: 'flaky'});
		const process = run([{type: 'select', list: 'processes', index: 1, watchers, pids}]);
		expect(process).toMatchObject({focus: 'processes', list: 'processes', pid: 202, follow: true});
		// Out of range (the wheel past the end) stays on the last.
		expect(run([{type: 'select', list: 'watchers', index: 7, watchers, pids}]).watcher).toBe('flaky');
	});

	test('on a border, only focuses; picking a line while all watchers\' logs show goes back to the selection\'s', () => {
		expect(run([{type: 'set-focus', focus: 'logs'}, {type: 'select', list: 'watchers', watchers, pids}])).toMatchObject({focus: 'watchers', watcher: undefined});
		const all = run([{type: 'log-scope', scope: 'all'}, {type: 'scroll', delta: -20, extent}]);
		expect(run([{type: 'select', list: 'watchers', index: 0, watchers, pids}], all)).toMatchObject({logScope: 'selection', watcher: 'ticker', follow: true});
	});
});

describe('copy mode', () => {
	test('starts on the top line shown, holding the view still', () => {
		const state = run([{type: 'copy-start', extent}]);
		expect(state).toMatchObject({focus: 'logs', follow: false, anchor: 100, copy: {from: 90, cursor: 90}});
		// Scrolled back: the top of what is shown.
		expect(run([{type: 'scroll', delta: -30, extent}, {type: 'copy-start', extent}]).copy).toEqual({from: 60, cursor: 60});
		// Fewer lines than the page: the first line.
		expect(run([{type: 'copy-start', extent: {start: 0, end: 4, page: 10}}]).copy).toEqual({from: 0, cursor: 0});
		// Nothing to select.
		expect(run([{type: 'copy-start', extent: {start: 5, end: 5, page: 10}}]).copy).toBeUndefined();
	});

	test('the cursor moves within the lines held, and the view follows it', () => {
		const started = run([{type: 'copy-start', extent}]);
		expect(run([{type: 'copy-move', delta: 2, extent}], started)).toMatchObject({copy: {from: 90, cursor: 92}, anchor: 100});
		expect(run([{type: 'copy-move', delta: 50, extent}], started)).toMatchObject({copy: {from: 90, cursor: 99}, anchor: 100});
		// Above the top line shown: the view scrolls up to keep it on screen.
		expect(run([{type: 'copy-move', delta: -5, extent}], started)).toMatchObject({copy: {from: 90, cursor: 85}, anchor: 95, follow: false});
		expect(run([{type: 'copy-edge', to: 'top', extent}], started)).toMatchObject({copy: {from: 90, cursor: 0}, anchor: 10});
		expect(run([{type: 'copy-edge', to: 'bottom', extent}, {type: 'copy-end'}], started)).toMatchObject({copy: undefined, follow: false});
	});

	test('ends when another source is picked', () => {
		const started = run([{type: 'copy-start', extent}]);
		expect(run([{type: 'select', list: 'watchers', index: 1, watchers, pids}], started).copy).toBeUndefined();
	});
});

describe('the view T chooses for a PTY process', () => {
	const web = screenViewKey({name: 'web', pid: 201});
	const worker = screenViewKey({name: 'worker', pid: 202});

	test('is kept per process, and changed both ways', () => {
		const state = run([{type: 'screen-view', key: web, view: 'lines'}, {type: 'screen-view', key: worker, view: 'screen'}]);
		expect(state.views).toEqual({[web]: 'lines', [worker]: 'screen'});
		expect(uiReducer(state, {type: 'screen-view', key: web, view: 'screen'}).views).toEqual({[web]: 'screen', [worker]: 'screen'});
	});

	test('is forgotten once its process is no longer running; the same state when nothing goes', () => {
		const state = run([{type: 'screen-view', key: web, view: 'lines'}, {type: 'screen-view', key: worker, view: 'screen'}]);
		expect(uiReducer(state, {type: 'screen-views-keep', keys: [worker]}).views).toEqual({[worker]: 'screen'});
		expect(uiReducer(state, {type: 'screen-views-keep', keys: [web, worker, screenViewKey({name: 'web', pid: 300})]})).toBe(state);
	});
});
