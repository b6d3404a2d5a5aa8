import {describe, expect, test} from 'vitest';
import {formatAge, formatBytes, formatExit, formatPercent, plural} from '../../source/ui/text/format.js';
import {quitProgress} from '../../source/ui/state/quit-progress.js';
import {ScreenWriter} from '../../source/ui/screen/screen-writer.js';
import {signalNames} from '../../source/ui/input/signals.js';
import {completeLine, splitWords} from '../../source/ui/input/split-words.js';
import {processRow, watcherRow} from './fixtures.js';
import {summarize} from '../../source/ui/hooks/use-commands.js';
import type {Reply} from '../../source/control/protocol.js';

test('numbers read short', () => {
	expect([formatBytes(0), formatBytes(512), formatBytes(1536), formatBytes(13.5 * 1024 * 1024), formatBytes(300 * 1024 * 1024)]).toEqual(['0B', '512B', '1.50K', '13.5M', '300M']);
	expect([formatPercent(0), formatPercent(0.44), formatPercent(12.6), formatPercent(250)]).toEqual(['0%', '0.4%', '13%', '250%']);
	expect([formatAge(5), formatAge(65), formatAge(7300), formatAge(200_000)]).toEqual(['5s', '1m05s', '2h01m', '2d07h']);
	expect([formatExit(0, signalNames), formatExit(1, signalNames), formatExit(-9, signalNames)]).toEqual(['exit 0', 'exit 1', 'SIGKILL']);
	expect([plural(1, 'watcher'), plural(2, 'process')]).toEqual(['1 watcher', '2 processes']);
});

describe('splitWords', () => {
	test('splits as a shell would, with quotes and backslashes', () => {
		expect(splitWords('signal web "HUP"')).toEqual({words: ['signal', 'web', 'HUP']});
		expect(splitWords(`add api python3 -c 'print("hi there")'`)).toEqual({words: ['add', 'api', 'python3', '-c', 'print("hi there")']});
		expect(splitWords('a\\ b  c')).toEqual({words: ['a b', 'c']});
		expect(splitWords('say "unclosed')).toEqual({error: 'unclosed double quote'});
	});

	test('completes a command, then a watcher name', () => {
		expect(completeLine('in', ['incr', 'list'], []).line).toBe('incr ');
		expect(completeLine('incr wo', ['incr'], ['worker', 'web']).line).toBe('incr worker ');
		expect(completeLine('incr w', ['incr'], ['worker', 'web'])).toEqual({line: 'incr w', candidates: ['web', 'worker']});
		expect(completeLine('re', ['reload', 'reloadconfig', 'restart'], []).line).toBe('re');
		expect(completeLine('rel', ['reload', 'reloadconfig', 'restart'], []).line).toBe('reload');
	});
});

test('quitting says what it waits for, with each watcher\'s time left', () => {
	const web = watcherRow({name: 'web', processes: [processRow({pid: 1, wid: 1, state: 'stopping'})]});
	const db = watcherRow({name: 'db', processes: [processRow({pid: 2, wid: 1, state: 'stopping'})]});
	const done = watcherRow({name: 'done', processes: []});
	const quit = {phase: 'stopping' as const, startedAt: 10_000, timeouts: {web: 5, db: 2}};
	expect(quitProgress(quit, [web, db, done], 13_000)).toBe('Stopping: waiting for web (2 s left), db (killing) · Ctrl-C again to force');
	expect(quitProgress({...quit, timeouts: {}}, [web], 11_000)).toBe('Stopping: waiting for web · Ctrl-C again to force');
	expect(quitProgress(quit, [done], 11_000)).toBe('Stopping: every process has exited; leaving');
	expect(quitProgress({...quit, phase: 'forcing'}, [web], 11_000)).toBe('Killing web (SIGKILL)');
});

describe('ScreenWriter', () => {
	const terminal = () => {
		const writes: string[] = [];
		return {writes, out: {rows: 3, write(data: string) {
			writes.push(data);
		}}};
	};

	test('enters the alternate screen, paints every row once, then only rows that changed', () => {
		const {writes, out} = terminal();
		const writer = new ScreenWriter(out);
		writer.enter();
		expect(writes[0]).toContain('\u001B[?1049h');
		expect(writes[0]).toContain('\u001B[?25l');
		writer.paint('a\nb\nc');
		expect(writes[1]).toContain('\u001B[1;1H');
		expect(writes[1]).toContain('\u001B[3;1H');
		writer.paint('a\nB\nc');
		expect(writes[2]).not.toContain('\u001B[1;1H');
		expect(writes[2]).toContain('\u001B[2;1H\u001B[0m\u001B[2KB');
		writer.paint('a\nB\nc');
		expect(writes).toHaveLength(3);
	});

	test('leaves the alternate screen and shows the cursor, once, even on a dead terminal', () => {
		const writer = new ScreenWriter({rows: 3, write() {
			throw new Error('EIO');
		}});
		writer.enter();
		expect(() => {
			writer.leave();
			writer.leave();
		}).not.toThrow();
		const {writes, out} = terminal();
		const live = new ScreenWriter(out);
		live.enter();
		live.leave();
		live.leave();
		expect(writes.filter((data) => data.includes('\u001B[?1049l'))).toHaveLength(1);
		expect(writes.at(-1)).toContain('\u001B[?25h');
	});

	test('with the mouse: reports on as it enters, off as it leaves (before the normal screen), once; without, neither', () => {
		const {writes, out} = terminal();
		const writer = new ScreenWriter(out, {mouse: true});
		writer.enter();
		expect(writes[0]!.indexOf('\u001B[?1000h\u001B[?1006h')).toBeGreaterThan(writes[0]!.indexOf('\u001B[?1049h'));
		writer.leave();
		writer.leave();
		const off = writes.filter((data) => data.includes('\u001B[?1006l\u001B[?1000l'));
		expect(off).toHaveLength(1);
		expect(off[0]!.indexOf('\u001B[?1000l')).toBeLessThan(off[0]!.indexOf('\u001B[?1049l'));
		const plain = terminal();
		const without = new ScreenWriter(plain.out);
		without.enter();
		without.leave();
		expect(plain.writes.join('')).not.toContain('\u001B[?100');
	});

	test('the clipboard: OSC 52 with the text in base64, and inside tmux also wrapped for tmux; nothing once left', () => {
		const {writes, out} = terminal();
		const writer = new ScreenWriter(out);
		writer.enter();
		writer.clipboard('héllo\nworld', {});
		expect(writes.at(-1)).toBe(`\u001B]52;c;${Buffer.from('héllo\nworld').toString('base64')}\u0007`);
		writer.clipboard('hi', {TMUX: '/tmp/tmux-1000/default,1234,0'});
		// Inside tmux: as is (for `set-clipboard on`), then wrapped in tmux's passthrough (for `allow-passthrough on`).
		expect(writes.at(-1)).toBe('\u001B]52;c;aGk=\u0007\u001BPtmux;\u001B\u001B]52;c;aGk=\u0007\u001B\\');
		writer.leave();
		const count = writes.length;
		writer.clipboard('late', {});
		expect(writes).toHaveLength(count);
	});

	test('after invalidate (a resize), the next frame is painted whole', () => {
		const {writes, out} = terminal();
		const writer = new ScreenWriter(out);
		writer.enter();
		writer.paint('a\nb\nc');
		writer.invalidate();
		writer.paint('a\nb\nc');
		expect(writes.at(-1)).toContain('\u001B[1;1H');
	});
});

describe('a command\'s summary in the status line', () => {
	// The supervisor says so in `info` (README: a start a stop overtakes, and the reverse).
	test('says what overtook it, for one watcher or several', () => {
		expect(summarize('start', {id: '1', status: 'ok', time: 0, info: {superseded: 'stop web'}} as Reply)).toBe('superseded by `stop web`');
		expect(summarize('stop', {id: '1', status: 'ok', time: 0, info: {web: {superseded: 'start'}, api: {}}} as Reply)).toBe('superseded by `start`');
		expect(summarize('stop', {id: '1', status: 'ok', time: 0, info: null} as Reply)).toBe('ok');
	});
});
