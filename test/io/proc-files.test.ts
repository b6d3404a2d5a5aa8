import {describe, expect, test} from 'vitest';
import {parseBootTime, parseCmdline, parseMemTotal, parseStat, parseStatm, parseUid} from '../../source/io/proc-files.js';

const STAT =
	'1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 5 3 0 98765 10485760 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n';

describe('proc files', () => {
	test('parses a stat line whose name holds spaces and parentheses', () => {
		expect(parseStat(STAT)).toEqual({
			pid: 1234,
			name: 'my (odd) name',
			state: 'S',
			ppid: 1,
			cpuTicks: 300,
			nice: 5,
			threads: 3,
			startTicks: 98_765,
		});
	});

	test('rejects a truncated stat line', () => {
		expect(parseStat('1234 (x) S 1')).toBeUndefined();
	});

	test('parses statm pages', () => {
		expect(parseStatm('2560 300 200 10 0 150 0\n')).toEqual({virtualPages: 2560, residentPages: 300});
	});

	test('takes the real uid from status', () => {
		expect(parseUid('Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t1000\n')).toBe(1000);
	});

	test('splits cmdline on NUL', () => {
		expect(parseCmdline('sleep\u0000100\u0000')).toEqual(['sleep', '100']);
		expect(parseCmdline('')).toEqual([]);
	});

	test('reads total memory in bytes', () => {
		expect(parseMemTotal('MemTotal:       16384 kB\nMemFree: 1 kB\n')).toBe(16_384 * 1024);
	});

	test('reads the boot time', () => {
		expect(parseBootTime('cpu  1 2 3\nbtime 1700000000\nprocesses 5\n')).toBe(1_700_000_000);
	});
});
