import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {fnmatch} from '../../source/config/fnmatch.js';
import {globFiles} from '../../source/config/glob.js';
import {boolean, decimalNumber, octal, signal, wholeNumber} from '../../source/config/values.js';
import {writeFixture} from './fixtures.js';

describe('value readers', () => {
	it('read whole numbers as Python\'s int() does', () => {
		expect(['7', ' +7 ', '-3', '1_000'].map(text => wholeNumber().read(text))).toEqual([7, 7, -3, 1000]);
		expect(['7.0', '1e3', '', 'seven', '_1'].map(text => wholeNumber().read(text))).toEqual([undefined, undefined, undefined, undefined, undefined]);
	});

	it('read decimal numbers as Python\'s float() does, finite only', () => {
		expect(['5', '5.', '.5', '2.5e1', '-0.25'].map(text => decimalNumber().read(text))).toEqual([5, 5, 0.5, 25, -0.25]);
		expect(['inf', 'nan', '5s', ''].map(text => decimalNumber().read(text))).toEqual([undefined, undefined, undefined, undefined]);
	});

	it('apply lower bounds', () => {
		expect([wholeNumber(0).read('-1'), decimalNumber(0).read('0'), decimalNumber(0, {above: true}).read('0')]).toEqual([undefined, 0, undefined]);
	});

	it('read booleans and nothing else', () => {
		expect([boolean.read(' On '), boolean.read('0'), boolean.read('y'), boolean.read('')]).toEqual([true, false, undefined, undefined]);
	});

	it('read octal modes', () => {
		expect([octal.read('022'), octal.read('0o755'), octal.read('8')]).toEqual([0o22, 0o755, undefined]);
	});

	it('read signals by name or number and reject unknown ones', () => {
		expect(['HUP', 'sigusr1', 'SIGKILL', '9', 'SIGRTMAX-1'].map(text => signal.read(text))).toEqual([1, 10, 9, 9, 63]);
		expect(['SIGFOO', '0', '65', 'SIGTERM+1', 'SIGRTMIN+40'].map(text => signal.read(text))).toEqual([undefined, undefined, undefined, undefined, undefined]);
	});
});

describe('fnmatch and glob', () => {
	it('match shell-style patterns like Python\'s fnmatch', () => {
		expect([fnmatch('web1', 'web*'), fnmatch('web1', 'web?'), fnmatch('web1', 'web[0-9]'), fnmatch('web1', 'web[!1]'), fnmatch('a.b', 'a?b'), fnmatch('web', 'w.b')])
			.toEqual([true, true, true, false, true, false]);
	});

	it('find files in sorted order, skipping hidden ones and folders', () => {
		const directory = writeFixture({'d/b.ini': '', 'd/a.ini': '', 'd/.hidden.ini': '', 'd/sub.ini/x': ''});
		expect(globFiles(path.join(directory, 'd/*.ini'))).toEqual([path.join(directory, 'd/a.ini'), path.join(directory, 'd/b.ini')]);
	});
});
