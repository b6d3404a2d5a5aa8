import {describe, expect, test} from 'vitest';
import {terminalTargetOf, type Selection} from '../../source/ui/state/selection.js';
import {processRow, watcherRow} from './fixtures.js';

const selectionOf = (watcher: Selection['watcher']): Selection => ({watchers: watcher ? [watcher.name] : [], pids: watcher?.processes.map((row) => row.pid) ?? [], watcher, process: watcher?.processes[0]});

describe('terminalTargetOf', () => {
	const one = watcherRow({name: 'repl', pty: true, processes: [processRow({pid: 10, wid: 1})]});
	const two = watcherRow({name: 'web', pty: true, processes: [processRow({pid: 20, wid: 1}), processRow({pid: 21, wid: 2})]});
	const piped = watcherRow({name: 'job', pty: false, processes: [processRow({pid: 30, wid: 1})]});

	test('the process shown, or a watcher\'s only process', () => {
		expect(terminalTargetOf({kind: 'watcher', name: 'repl'}, selectionOf(one))).toEqual({name: 'repl', pid: 10});
		expect(terminalTargetOf({kind: 'process', name: 'web', pid: 21}, selectionOf(two))).toEqual({name: 'web', pid: 21});
	});

	test('none for several processes interleaved, pipe mode, all watchers or procui\'s own log', () => {
		expect(terminalTargetOf({kind: 'watcher', name: 'web'}, selectionOf(two))).toBeUndefined();
		expect(terminalTargetOf({kind: 'watcher', name: 'job'}, selectionOf(piped))).toBeUndefined();
		expect(terminalTargetOf({kind: 'all'}, selectionOf(one))).toBeUndefined();
		expect(terminalTargetOf({kind: 'supervisor'}, selectionOf(one))).toBeUndefined();
	});
});
