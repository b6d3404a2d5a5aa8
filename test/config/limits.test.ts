import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {checkCapacity} from '../../source/config/capacity-check.js';
import {loadCircusIni} from '../../source/config/circus-ini.js';
import {ConfigError, formatIssue, IssueList} from '../../source/config/issues.js';
import {rlimitValue} from '../../source/config/rlimits.js';
import {maxNumprocesses, maxSeconds, numprocesses, readJsonValue, seconds, signal, wholeNumber} from '../../source/config/values.js';
import {loadIni, writeFixture} from './fixtures.js';

/** Every issue of loading `circus.ini` with this content, as `procui check` prints it. */
function issuesOf(content: string): string[] {
	const directory = writeFixture({'circus.ini': content});
	try {
		return loadCircusIni(path.join(directory, 'circus.ini'), {cwd: directory, environ: {}}).warnings.map(issue => formatIssue(issue, directory));
	} catch (error) {
		if (error instanceof ConfigError) {
			return error.issues.map(issue => formatIssue(issue, directory));
		}

		throw error;
	}
}

describe('numprocesses has a ceiling', () => {
	it('refuses numprocesses = 100000 with its line', () => {
		expect(issuesOf('[watcher:web]\ncmd = x\nnumprocesses = 100000\n')).toEqual([
			'circus.ini:3: error: numprocesses: expected a whole number from 0 to 10000, got "100000"',
		]);
	});

	it('takes the ceiling itself', () => {
		expect(maxNumprocesses).toBe(10_000);
		expect(loadIni('[watcher:web]\ncmd = x\nnumprocesses = 10000\n').watchers[0]!.numprocesses).toBe(10_000);
	});
});

describe('numprocesses against the supervisor\'s limits', () => {
	const watchers = loadIni('[watcher:a]\ncmd = x\nnumprocesses = 5000\n\n[watcher:b]\ncmd = x\nnumprocesses = 6000\n').watchers;
	const warnings = (limits: Parameters<typeof checkCapacity>[1]): string[] => {
		const issues = new IssueList();
		checkCapacity(watchers, limits, issues);
		return issues.warnings.map(issue => `${issue.origin.line}: ${issue.message}`);
	};

	it('warns, at the largest watcher, when all processes need more descriptors than RLIMIT_NOFILE', () => {
		expect(warnings({nofile: 20_000})).toEqual([
			'5: numprocesses: 11000 processes in all need about 22064 descriptors in the supervisor, above its RLIMIT_NOFILE of 20000 (ulimit -n); spawns will fail once it is reached',
		]);
		expect(warnings({nofile: 1_048_576})).toEqual([]);
	});

	it('warns when they are more than the user\'s RLIMIT_NPROC', () => {
		expect(warnings({nproc: 4096})).toEqual([
			'5: numprocesses: 11000 processes in all, above this user\'s RLIMIT_NPROC of 4096 (ulimit -u); spawns will fail once it is reached',
		]);
		expect(warnings({})).toEqual([]);
	});
});

describe('rlimit_* values', () => {
	it('refuses a value that is not a whole number, naming the line', () => {
		expect(issuesOf('[watcher:web]\ncmd = x\nrlimit_nofile = abc\nrlimit_core = -5\nrlimit_nproc = 1.5\n')).toEqual([
			'circus.ini:3: error: rlimit_nofile: expected a whole number ≥ 0, or -1, `unlimited` or nothing for no limit, got "abc"',
			'circus.ini:4: error: rlimit_core: expected a whole number ≥ 0, or -1, `unlimited` or nothing for no limit, got "-5"',
			'circus.ini:5: error: rlimit_nproc: expected a whole number ≥ 0, or -1, `unlimited` or nothing for no limit, got "1.5"',
		]);
	});

	it('reads nothing, -1, unlimited and infinity as no limit, and Python int() spellings as numbers', () => {
		const watcher = loadIni('[watcher:web]\ncmd = x\nrlimit_core =\nrlimit_nofile = -1\nrlimit_nproc = unlimited\nrlimit_as = Infinity\nrlimit_stack = 8_192\nrlimit_cpu = +60\n').watchers[0]!;
		expect(watcher.rlimits).toEqual({core: null, nofile: null, nproc: null, as: null, stack: 8192, cpu: 60});
	});

	it('takes rlimit_rttime, which procui-exec sets (it used to fail every spawn with exit 127)', () => {
		expect(loadIni('[watcher:web]\ncmd = x\nrlimit_rttime = 1000\n').watchers[0]!.rlimits).toEqual({rttime: 1000});
	});

	it('reads each value with one rule', () => {
		expect(['0', '4096', '', ' unlimited ', '-1'].map(text => rlimitValue.read(text))).toEqual([0, 4096, null, null, null]);
		expect(['abc', '-2', '1e3', '9007199254740993'].map(text => rlimitValue.read(text))).toEqual([undefined, undefined, undefined, undefined]);
	});
});

describe('durations a timer waits', () => {
	it('refuses a graceful_timeout a timer cannot wait (it would SIGKILL at once)', () => {
		expect(issuesOf('[watcher:web]\ncmd = x\ngraceful_timeout = 1e10\nmax_age = 3000000\n')).toEqual([
			'circus.ini:3: error: graceful_timeout: expected a number of seconds ≥ 0, at most 2147483 (24.8 days), got "1e10"',
			'circus.ini:4: error: max_age: expected a number of seconds ≥ 0, at most 2147483 (24.8 days), got "3000000"',
		]);
		expect(loadIni(`[watcher:web]\ncmd = x\ngraceful_timeout = ${maxSeconds}\n`).watchers[0]!.gracefulTimeout).toBe(maxSeconds);
	});

	it('refuses a check_delay or warmup_delay in [circus] that would make a timer fire at once', () => {
		expect(issuesOf('[circus]\ncheck_delay = 1e10\nwarmup_delay = 3000000\n[watcher:web]\ncmd = x\n')).toEqual([
			'circus.ini:2: error: check_delay: expected a number ≤ 2147483, got "1e10"',
			'circus.ini:3: error: warmup_delay: expected a number of seconds ≥ 0, at most 2147483 (24.8 days), got "3000000"',
		]);
		// At 0 or below there is no periodic check, as in Circus.
		expect(loadIni('[circus]\ncheck_delay = -1\n[watcher:web]\ncmd = x\n').arbiter.checkDelay).toBe(-1);
	});
});

describe('the same readers for control requests', () => {
	it('reads JSON numbers, strings and booleans as their text, and nothing else', () => {
		expect(readJsonValue(3, wholeNumber(1))).toBe(3);
		expect(readJsonValue('3', wholeNumber(1))).toBe(3);
		expect(readJsonValue(-3, wholeNumber(1))).toBeUndefined();
		expect(readJsonValue(2.5, wholeNumber(1))).toBeUndefined();
		expect(readJsonValue(null, wholeNumber(1))).toBeUndefined();
		expect(readJsonValue([3], wholeNumber(1))).toBeUndefined();
		expect(readJsonValue(0.5, seconds())).toBe(0.5);
		expect(readJsonValue('abc', seconds())).toBeUndefined();
		expect(readJsonValue(1e10, seconds())).toBeUndefined();
		expect(readJsonValue('term', signal)).toBe(15);
		expect(readJsonValue(999, signal)).toBeUndefined();
		expect(readJsonValue(100_000, numprocesses)).toBeUndefined();
	});
});
