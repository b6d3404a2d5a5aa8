import type {Key} from 'ink';
import {describe, expect, test} from 'vitest';
import {helpEntries} from '../../source/ui/components/HelpOverlay.js';
import {bindings, fitHints, footerHints, resolveKey} from '../../source/ui/keymap.js';

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
		for (const binding of bindings) {
			expect(help).toContain(binding.keys.join(' '));
		}

		// The footer's hints are fields of the same bindings: each has a description in the help.
		expect(footerHints).toEqual(bindings.flatMap((binding) => (binding.hint === undefined ? [] : [binding.hint])).sort((a, b) => a.order - b.order));
	});

	test('the footer keeps the most important hints that fit', () => {
		const narrow = fitHints(40).map((hint) => hint.keys);
		expect(narrow.slice(0, 3)).toEqual(['↑↓', 'Tab', '⏎']);
		const text = fitHints(80).map((hint) => `${hint.keys} ${hint.label}`).join('  ');
		expect(text.length).toBeLessThanOrEqual(80);
		expect(fitHints(200)).toHaveLength(footerHints.length);
	});
});
