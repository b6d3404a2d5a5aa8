import {expect, test} from 'vitest';
import {LogBuffer} from '../../source/ui/logs/log-buffer.js';
import {linesText, logFileName, logFileText} from '../../source/ui/logs/log-export.js';

function buffer(): LogBuffer {
	const logs = new LogBuffer();
	logs.append('web', 7, [{seq: 1, time: 0, text: '\u001B[32mgreen\u001B[39m\tcolumn'}, {seq: 2, time: 1, text: 'two'}]);
	// seq 3 and 4 lost: a marker.
	logs.append('api', 9, [{seq: 1, time: 2, text: 'api one'}]);
	logs.append('web', 7, [{seq: 5, time: 3, text: 'five', stderr: true}]);
	return logs;
}

test('lines to copy: plain text, whole, in order whichever end was picked first, only what is held', () => {
	const logs = buffer();
	expect(linesText(logs, 0, 1)).toEqual({text: 'green\tcolumn\ntwo', count: 2});
	expect(linesText(logs, 1, 0)).toEqual({text: 'green\tcolumn\ntwo', count: 2});
	expect(linesText(logs, logs.end - 2, logs.end + 5).text).toBe('┄┄ 2 lines missing from web 7 ┄┄\nfive');
});

test('a log file: every line held, with the prefix the pane shows, and a final newline', () => {
	const logs = buffer();
	expect(logFileText(logs, {timestamps: false, prefix: 'none', prefixWidth: 4})).toEqual({text: 'green\tcolumn\ntwo\napi one\n┄┄ 2 lines missing from web 7 ┄┄\n▍five\n', count: 5});
	expect(logFileText(logs, {timestamps: false, prefix: 'watcher', prefixWidth: 4}).text.split('\n')[2]).toBe('api │api one');
});

test('the file is named after the source and the local time, in characters safe for a file name', () => {
	const date = new Date(2026, 11, 6, 9, 5, 3);
	expect(logFileName({kind: 'watcher', name: 'web'}, date)).toBe('procui-web-20261206-090503.log');
	expect(logFileName({kind: 'process', name: 'web', pid: 42}, date)).toBe('procui-web-42-20261206-090503.log');
	expect(logFileName({kind: 'all'}, date)).toBe('procui-all-20261206-090503.log');
	expect(logFileName({kind: 'watcher', name: '../a b/c'}, date)).toBe('procui-.._a_b_c-20261206-090503.log');
});
