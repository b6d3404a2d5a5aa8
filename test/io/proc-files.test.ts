import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {afterEach, describe, expect, test} from 'vitest';
import {
	HeldProcFiles,
	openFilesLimit,
	parseBootTime,
	parseCmdline,
	parseMemTotal,
	parseStat,
	parseStatBytes,
	parseStatm,
	parseUid,
	type ProcBytes,
} from '../../source/io/proc-files.js';
import {waitFor} from '../helpers/daemon.js';

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
		expect(parseStat(STAT.slice(0, STAT.indexOf(' 98765')))).toBeUndefined();
		expect(parseStat('')).toBeUndefined();
		expect(parseStat('no parentheses at all')).toBeUndefined();
	});

	test('reads negative fields and takes only the bytes read', () => {
		// nice -5, and bytes past `length` (an earlier, longer file in the same buffer) ignored.
		const text = '77 (a b) R 9 77 77 0 -1 0 0 0 0 0 7 8 0 0 20 -5 1 0 4242 0 0';
		const bytes = Buffer.from(`${text} 1 2 3\n999999 (stale) S 1 2 3`);
		const stat = parseStatBytes({bytes, length: text.length + 7});
		expect(stat).toEqual({pid: 77, name: 'a b', state: 'R', ppid: 9, cpuTicks: 15, nice: -5, threads: 1, startTicks: 4242});
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

	test('reads the open-file limit of this process', () => {
		expect(openFilesLimit()).toBeGreaterThan(0);
	});
});

describe('held /proc files', () => {
	const children: ChildProcess[] = [];
	afterEach(async () => {
		for (const child of children.splice(0)) {
			if (child.exitCode === null && child.signalCode === null) {
				const exited = once(child, 'exit');
				child.kill('SIGKILL');
				await exited;
			}
		}
	});

	async function sleeper(): Promise<ChildProcess> {
		const child = spawn('sleep', ['1000'], {stdio: 'ignore'});
		children.push(child);
		await once(child, 'spawn');
		return child;
	}

	const state = (read: ProcBytes | undefined): string | undefined => (read === undefined ? undefined : parseStatBytes(read)?.state);

	test('a held file is read afresh each time, and closed once its process is gone', async () => {
		const child = await sleeper();
		const files = new HeldProcFiles('/proc', 'stat', 8);
		await waitFor(() => state(files.read(child.pid!, 0)) === 'S', {what: 'the child sleeping'});
		expect(files.size).toBe(1);
		// The same open file tells of the change: the kernel makes the text again for each read.
		child.kill('SIGSTOP');
		await waitFor(() => state(files.read(child.pid!, 1)) === 'T', {what: 'the held file showing the child stopped'});
		const exited = once(child, 'exit');
		child.kill('SIGKILL');
		await exited; // Reaped: the held file now belongs to no process, whatever the pid becomes.
		expect(files.read(child.pid!, 2)).toBeUndefined();
		expect(files.size).toBe(0);
		files.close();
	});

	test('past its limit it opens and closes for each read; sweep closes files not read since', async () => {
		const [first, second] = [await sleeper(), await sleeper()];
		const files = new HeldProcFiles('/proc', 'stat', 1);
		expect(parseStatBytes(files.read(first.pid!, 10)!)?.pid).toBe(first.pid);
		expect(parseStatBytes(files.read(second.pid!, 20)!)?.pid).toBe(second.pid);
		expect(files.size).toBe(1);
		files.sweep(10); // The first was read at 10: kept.
		expect(files.size).toBe(1);
		files.sweep(11);
		expect(files.size).toBe(0);
		expect(files.read(process.pid, 30)).toBeDefined();
		files.close();
		expect(files.size).toBe(0);
	});
});
