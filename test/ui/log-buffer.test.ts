import {describe, expect, test} from 'vitest';
import {LogBuffer, type LogEntry} from '../../source/ui/logs/log-buffer.js';
import {describeMatch, findMatch} from '../../source/ui/logs/log-search.js';

const line = (seq: number, text = `line ${seq}`) => ({seq, time: 1000 + seq, text});
const texts = (buffer: LogBuffer): string[] => {
	const out: string[] = [];
	for (let index = buffer.start; index < buffer.end; index++) {
		const entry = buffer.at(index)!;
		out.push(entry.kind === 'line' ? entry.text : `[gap ${entry.count} ${entry.unit}]`);
	}

	return out;
};

describe('LogBuffer', () => {
	test('appends lines and skips the ones it already holds', () => {
		const buffer = new LogBuffer();
		buffer.append('web', 1, [line(1), line(2)]);
		buffer.append('web', 1, [line(2), line(3)]);
		expect(texts(buffer)).toEqual(['line 1', 'line 2', 'line 3']);
	});

	test('a hole in one process\'s sequence numbers becomes a visible marker', () => {
		const buffer = new LogBuffer();
		buffer.append('web', 1, [line(1)]);
		buffer.append('web', 2, [line(1)]);
		buffer.append('web', 1, [line(5)]);
		expect(texts(buffer)).toEqual(['line 1', 'line 1', '[gap 3 lines]', 'line 5']);
		const gap = buffer.at(2) as LogEntry & {kind: 'gap'};
		expect(gap).toMatchObject({watcher: 'web', pid: 1});
	});

	test('events dropped for this viewer become a marker', () => {
		const buffer = new LogBuffer();
		buffer.append('web', 1, [line(1)]);
		buffer.markDropped(42, 2000);
		expect(texts(buffer)).toEqual(['line 1', '[gap 42 events]']);
	});

	test('evicts the oldest past its capacity, keeping absolute indices', () => {
		const buffer = new LogBuffer(100);
		buffer.append('web', 1, Array.from({length: 150}, (_, index) => line(index + 1)));
		expect(buffer.size).toBeLessThanOrEqual(110);
		expect(buffer.end).toBe(150);
		expect(buffer.at(149)).toMatchObject({text: 'line 150'});
		expect(buffer.at(buffer.start)).toMatchObject({text: `line ${buffer.start + 1}`});
	});

	test('prepends older lines from a larger reply above what it holds, indices unchanged', () => {
		const buffer = new LogBuffer();
		const all = Array.from({length: 10}, (_, index) => ({watcher: 'web', pid: 1, ...line(index + 1)}));
		buffer.reset(all.slice(6));
		const index = buffer.end - 1;
		expect(buffer.prepend(all)).toBe(6);
		expect(buffer.at(index)).toMatchObject({text: 'line 10'});
		expect(texts(buffer)).toEqual(all.map((entry) => entry.text));
		expect(buffer.start).toBe(-6);
	});
});

describe('search', () => {
	const buffer = new LogBuffer();
	buffer.append('web', 1, [line(1, 'GET /health 200'), line(2, '\u001B[31mERROR\u001B[39m db down'), line(3, 'GET /users 200'), line(4, 'error: retry')]);

	test('finds the nearest match going older or newer, case-insensitively, ignoring colours', () => {
		expect(findMatch(buffer, 'error', 3, 'older')).toBe(3);
		expect(findMatch(buffer, 'error', 2, 'older')).toBe(1);
		expect(findMatch(buffer, 'error', 2, 'newer')).toBe(3);
		expect(findMatch(buffer, 'R db', 3, 'older')).toBe(1);
		expect(findMatch(buffer, 'nothing', 3, 'older')).toBeUndefined();
	});

	test('describes a match by its rank from the newest', () => {
		expect(describeMatch(buffer, 'error', 3)).toBe('match 1 of 2');
		expect(describeMatch(buffer, 'error', 1)).toBe('match 2 of 2');
		expect(describeMatch(buffer, 'zzz', undefined)).toBe('"zzz" not found');
	});

	test('an unfinished line shows last and is replaced by its completed line, never shown twice', () => {
		const buffer = new LogBuffer();
		buffer.append('web', 1, [line(1)], {seq: 2, time: 5, text: 'progress 10%'});
		buffer.append('db', 2, [line(1, 'db 1')], null);
		expect(texts(buffer)).toEqual(['line 1', 'db 1', 'progress 10%']);
		buffer.append('web', 1, [], {seq: 2, time: 6, text: 'progress 50%'});
		expect(texts(buffer)).toEqual(['line 1', 'db 1', 'progress 50%']);
		const end = buffer.end;
		buffer.append('web', 1, [line(2, 'progress 100%')], null);
		expect(texts(buffer)).toEqual(['line 1', 'db 1', 'progress 100%']);
		expect(buffer.end).toBe(end);
		// A late event with an old partial (lost ordering, a replayed reply) does not bring it back.
		buffer.setPartial('web', 1, {seq: 2, time: 6, text: 'progress 50%'});
		expect(texts(buffer)).toEqual(['line 1', 'db 1', 'progress 100%']);
	});

	test('a reset takes the unfinished lines of the logs reply; an event without one clears it', () => {
		const buffer = new LogBuffer();
		buffer.reset([{...line(1), watcher: 'web', pid: 1}], [{seq: 2, time: 3, text: 'Name? ', watcher: 'web', pid: 1}]);
		expect(texts(buffer)).toEqual(['line 1', 'Name? ']);
		buffer.append('web', 1, [], null);
		expect(texts(buffer)).toEqual(['line 1']);
	});
});
