import type {Key} from 'ink';
import {describe, expect, test} from 'vitest';
import {helpEntries} from '../../source/ui/components/HelpOverlay.js';
import {bindings, copyBindings, fitHints, footerHints, paneHints, resolveCopyKey, resolveKey} from '../../source/ui/input/keymap.js';

const noKey: Key = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false};
const key = (fields: Partial<Key> = {}): Key => ({...noKey, ...fields});

describe('resolveKey', () => {
	test('the keys the issue names do what it says', () => {
		expect(resolveKey('', key({upArrow: true}))).toEqual({type: 'move', delta: -1});
		expect(resolveKey('k', key())).toEqual({type: 'move', delta: -1});
		expect(resolveKey('j', key())).toEqual({type: 'move', delta: 1});
		expect(resolveKey('', key({tab: true}))).toEqual({type: 'focus', direction: 1});
		expect(resolveKey('', key({tab: true, shift: true}))).toEqual({type: 'focus', direction: -1});
		expect(resolveKey('', key({return: true}))).toEqual({type: 'open'});
		expect(resolveKey('s', key())).toEqual({type: 'command', command: 'start'});
		expect(resolveKey('x', key())).toEqual({type: 'command', command: 'stop'});
		expect(resolveKey('r', key())).toEqual({type: 'command', command: 'restart'});
		expect(resolveKey('+', key())).toEqual({type: 'command', command: 'incr'});
		expect(resolveKey('-', key())).toEqual({type: 'command', command: 'decr'});
		expect(resolveKey('R', key({shift: true}))).toEqual({type: 'command', command: 'reloadconfig'});
		expect(resolveKey(':', key())).toEqual({type: 'prompt', purpose: 'command'});
		expect(resolveKey('/', key())).toEqual({type: 'prompt', purpose: 'search'});
		expect(resolveKey('?', key())).toEqual({type: 'help'});
		expect(resolveKey('q', key())).toEqual({type: 'quit'});
		expect(resolveKey('c', key({ctrl: true}))).toEqual({type: 'interrupt'});
	});

	test('v starts copy mode, W writes the log; in copy mode the keys move, copy or leave', () => {
		expect(resolveKey('v', key())).toEqual({type: 'copy'});
		expect(resolveKey('W', key({shift: true}))).toEqual({type: 'save'});
		expect(resolveCopyKey('j', key())).toEqual({type: 'move', delta: 1});
		expect(resolveCopyKey('', key({upArrow: true}))).toEqual({type: 'move', delta: -1});
		expect(resolveCopyKey('', key({pageUp: true}))).toEqual({type: 'page', delta: -1});
		expect(resolveCopyKey('d', key({ctrl: true}))).toEqual({type: 'page', delta: 1});
		expect(resolveCopyKey('g', key())).toEqual({type: 'edge', to: 'top'});
		expect(resolveCopyKey('', key({end: true}))).toEqual({type: 'edge', to: 'bottom'});
		expect(resolveCopyKey('y', key())).toEqual({type: 'yank'});
		expect(resolveCopyKey('', key({escape: true}))).toEqual({type: 'back'});
		// Keys of the main screen do nothing in copy mode.
		expect(resolveCopyKey('x', key())).toBeUndefined();
		expect(resolveCopyKey('s', key())).toBeUndefined();
	});

	test('T switches the log pane between a process\'s screen and its lines; t stays timestamps', () => {
		expect(resolveKey('T', key({shift: true}))).toEqual({type: 'view'});
		expect(resolveKey('t', key())).toEqual({type: 'toggle', option: 'timestamps'});
		expect(fitHints(300, 'logs').map((hint) => `${hint.keys} ${hint.label}`)).toContain('T screen/lines');
		expect(fitHints(300, 'watchers').map((hint) => `${hint.keys} ${hint.label}`)).not.toContain('T screen/lines');
	});

	test('k moves up (vim keys); the signal prompt is K', () => {
		expect(resolveKey('k', key())?.type).toBe('move');
		expect(resolveKey('K', key({shift: true}))).toEqual({type: 'signal'});
	});

	test('arrows sideways scroll the log by their direction', () => {
		expect(resolveKey('', key({leftArrow: true}))).toEqual({type: 'hscroll', delta: -1});
		expect(resolveKey('', key({rightArrow: true}))).toEqual({type: 'hscroll', delta: 1});
	});

	test('letters with Ctrl are not the plain keys (Ctrl-S is not start)', () => {
		expect(resolveKey('s', key({ctrl: true}))).toBeUndefined();
		expect(resolveKey('u', key({ctrl: true}))).toEqual({type: 'page', delta: -1});
	});
});

describe('the key table', () => {
	test('no two bindings claim the same key', () => {
		const shown = bindings.flatMap((binding) => binding.keys);
		expect(new Set(shown).size).toBe(shown.length);
	});

	test('every binding is in the help, and the footer shows only keys of the table', () => {
		const help = helpEntries('embedded', undefined).flat().map((entry) => entry.keys);
		for (const binding of [...bindings, ...copyBindings]) {
			expect(help).toContain(binding.keys.join(' '));
		}

		// The footer's hints are fields of the same bindings: each has a description in the help.
		expect(footerHints).toEqual(bindings.flatMap((binding) => binding.hints ?? []));
	});

	test('the footer keeps the most important hints that fit, and ? help and q quit at every width', () => {
		const narrow = fitHints(40).map((hint) => hint.keys);
		expect(narrow).toEqual(['↑↓', 'Tab', '?', 'q']);
		expect(narrow.slice(-2)).toEqual(['?', 'q']);
		for (const width of [30, 60, 80, 100]) {
			for (const focus of ['watchers', 'processes', 'logs'] as const) {
				const hints = fitHints(width, focus);
				expect(hints.slice(-2).map((hint) => `${hint.keys} ${hint.label}`)).toEqual(['? help', 'q quit']);
				expect(hints.map((hint) => `${hint.keys} ${hint.label}`).join('  ').length).toBeLessThanOrEqual(Math.max(width, 14));
			}
		}

		expect(fitHints(300, 'watchers')).toHaveLength(paneHints('watchers').length);
	});

	test('the hints follow the focused pane', () => {
		const labels = (focus: 'watchers' | 'processes' | 'logs') => fitHints(300, focus).map((hint) => `${hint.keys} ${hint.label}`);
		expect(labels('watchers')).toContain('+/- scale');
		expect(labels('watchers')).not.toContain('w wrap');
		expect(labels('processes')).toContain('⏎ logs');
		expect(labels('logs')).toEqual(expect.arrayContaining(['↑↓ scroll', 'PgUp/Dn page', 'n/N match', 'f follow', 'w wrap', '←→ sideways']));
		expect(labels('logs')).not.toContain('s start');
	});
});
