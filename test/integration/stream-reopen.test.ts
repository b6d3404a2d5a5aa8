import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startDaemon, tempDir, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;

let logs: string | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
	if (logs !== undefined) {
		fs.rmSync(logs, {recursive: true, force: true});
		logs = undefined;
	}
});

/** One numbered line every 20 ms, from a shell loop (a line per write). */
const ticker = (name: string): string => `sh -c 'i=0; while :; do i=$((i+1)); echo ${name} $i; sleep 0.02; done'`;

describe('SIGUSR1 after logrotate, with one watcher\'s log directory gone', () => {
	it('reopens every other stream and procui\'s own log, and reports the failure by name', async () => {
		const dir = tempDir('procui-logs-');
		logs = dir;
		fs.mkdirSync(path.join(dir, 'first'));
		fs.mkdirSync(path.join(dir, 'second'));
		daemon = await startDaemon(`
[watcher:first]
cmd = ${ticker('first')}
pty = false
stdout_stream.class = FileStream
stdout_stream.filename = ${dir}/first/first.log

[watcher:second]
cmd = ${ticker('second')}
pty = false
stdout_stream.class = FileStream
stdout_stream.filename = ${dir}/second/second.log
`, {args: ['--log-output', path.join(dir, 'procui.log')]});
		const second = path.join(dir, 'second', 'second.log');
		const ownLog = path.join(dir, 'procui.log');
		await waitFor(() => fs.existsSync(second) && fs.readFileSync(second, 'utf8').includes('second 3\n'), {what: 'the second watcher to write'});
		await waitFor(() => fs.existsSync(ownLog) && fs.readFileSync(ownLog, 'utf8').includes('supervising'), {what: 'procui\'s own log'});

		// logrotate's way: the files are moved, then the supervisor is told.
		fs.rmSync(path.join(dir, 'first'), {recursive: true, force: true});
		fs.renameSync(second, `${second}.1`);
		fs.renameSync(ownLog, `${ownLog}.1`);
		daemon.process.kill('SIGUSR1');

		await waitFor(() => fs.existsSync(second) && /^second \d+\n/m.test(fs.readFileSync(second, 'utf8')), {what: 'the second watcher to write to a new file'});
		await waitFor(() => fs.existsSync(ownLog) && fs.readFileSync(ownLog, 'utf8').includes(`reopened ${ownLog}`), {what: 'procui\'s own log to be reopened'});
		const log = fs.readFileSync(`${ownLog}.1`, 'utf8') + fs.readFileSync(ownLog, 'utf8');
		expect(log).toMatch(/first: stdout_stream: cannot reopen .*first\/first\.log: ENOENT/);
		expect(log).not.toMatch(/internal error/);
		// The supervisor goes on: the first watcher still runs, and answers for its stream.
		expect((await daemon.ok('status', {name: 'first'})).status).toBe('active');
		const moved = fs.readFileSync(`${second}.1`, 'utf8');
		expect(moved).toMatch(/^second 1\n/);
	}, 60_000);
});

describe('procui\'s own log file, moved away without a signal (logrotate without postrotate)', () => {
	it('is opened again by name (Circus\'s WatchedFileHandler), and no line is lost between the two files', async () => {
		const dir = tempDir('procui-logs-');
		logs = dir;
		const own = path.join(dir, 'procui.log');
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\n', {args: ['--log-output', own]});
		await waitFor(() => fs.existsSync(own) && fs.readFileSync(own, 'utf8').includes('[INFO]'), {what: 'the first lines'});
		fs.renameSync(own, `${own}.1`);
		// A cast of a command that does not exist is logged at debug: markers until one reaches a new file.
		const sent: string[] = [];
		await waitFor(() => {
			const marker = `procui-test-watched-${sent.length}-end`;
			sent.push(marker);
			daemon!.client.cast(marker);
			return fs.existsSync(own) && fs.readFileSync(own, 'utf8').includes('procui-test-watched-');
		}, {what: 'a marker in the file made anew', intervalMs: 50});
		expect(fs.readFileSync(own, 'utf8')).toMatch(new RegExp(`\\[INFO\\] reopened ${own.replaceAll('.', '\\.')}: its path was gone`));
		// Every marker is in one file or the other, once: the moved file took those written before the check.
		const both = (): string => fs.readFileSync(`${own}.1`, 'utf8') + fs.readFileSync(own, 'utf8');
		await waitFor(() => sent.every((marker) => both().includes(marker)), {what: 'every marker in one of the files'});
		const lines = both().split('\n');
		expect(sent.filter((marker) => lines.filter((line) => line.includes(marker)).length !== 1)).toEqual([]);
		expect(fs.readFileSync(`${own}.1`, 'utf8')).toMatch(/procui-test-watched-0-end/);
	});
});
