import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {isErrorReply, type EventMessage} from '../../source/control/protocol.js';
import {Leftovers, startDaemon, waitFor, type Daemon} from '../helpers/daemon.js';
import {field} from '../helpers/reply.js';

let daemon: Daemon | undefined;
const leftovers = new Leftovers();

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
	leftovers.killAll();
});

function readOr(file: string, fallback = ''): string {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return fallback;
	}
}

/** Writes one line on stdout and one on stderr, each saying where the shell's fd 1 and fd 2 lead. */
const emitScript = `#!/bin/sh
where="fd1=$(readlink /proc/$$/fd/1) fd2=$(readlink /proc/$$/fd/2)"
echo "out-line $where"
echo "err-line $where" >&2
`;

type Case = {
	readonly closed: 'stdout' | 'stderr' | 'neither';
	readonly pty: boolean;
	readonly title: string;
};

const cases: Case[] = (['stdout', 'stderr', 'neither'] as const).flatMap((closed) => [false, true].map((pty) => ({
	closed,
	pty,
	title: closed === 'neither'
		? `neither closed (pty = ${pty}): both streams reach their logs (the control)`
		: `close_child_${closed} (pty = ${pty}): ${closed} is /dev/null in the child, nothing of it reaches the logs, the other stream does`,
})));

describe('close_child_stdout and close_child_stderr', () => {
	it.each(cases)('$title', async ({closed, pty}) => {
		daemon = await startDaemon([
			'[watcher:w]',
			'cmd = ./emit.sh',
			`pty = ${pty}`,
			'respawn = false',
			`close_child_stdout = ${closed === 'stdout'}`,
			`close_child_stderr = ${closed === 'stderr'}`,
			'stdout_stream.filename = out.log',
			'stderr_stream.filename = err.log',
			'',
		].join('\n'), {setup(dir) {
			fs.writeFileSync(path.join(dir, 'emit.sh'), emitScript, {mode: 0o755});
		}});
		const out = path.join(daemon.dir, 'out.log');
		const error = path.join(daemon.dir, 'err.log');
		// Stopped: the process exited and its output was read to the end.
		await waitFor(async () => (await daemon!.ok('status', {name: 'w'})).status === 'stopped', {what: 'the process to end'});
		if (closed !== 'stdout') {
			await waitFor(() => readOr(out).includes('out-line'), {what: 'the stdout line in out.log'});
		}

		if (closed !== 'stderr') {
			await waitFor(() => readOr(error).includes('err-line'), {what: 'the stderr line in err.log'});
		}

		const lines = field<Array<{text: string; stderr?: boolean}>>(await daemon.ok('logs', {name: 'w', lines: 10}), 'lines')
			.map((line) => `${line.stderr ? 'stderr' : 'stdout'}: ${line.text.split(' ')[0]!}`)
			.sort();
		const streams = field<{streams: string}>(await daemon.ok('options', {name: 'w'}), 'options').streams;
		switch (closed) {
			case 'stdout': {
				expect(lines).toEqual(['stderr: err-line']);
				// Node's pipes are socket pairs.
				expect(readOr(error)).toMatch(/^err-line fd1=\/dev\/null fd2=socket:/);
				expect(readOr(out)).toBe('');
				expect(streams).toBe(`stdout to /dev/null, stderr to a pipe${pty ? ' of its own (close_child_stdout); stdin is the terminal (PTY)' : ' (close_child_stdout)'}`);
				break;
			}

			case 'stderr': {
				expect(lines).toEqual(['stdout: out-line']);
				expect(readOr(out)).toMatch(new RegExp(`^out-line fd1=${pty ? '/dev/pts/\\d+' : 'socket:\\S+'} fd2=/dev/null\\n$`));
				expect(readOr(error)).toBe('');
				expect(streams).toBe(`stdout to ${pty ? 'the terminal' : 'a pipe'}, stderr to /dev/null (close_child_stderr)${pty ? '; stdin is the terminal (PTY)' : ''}`);
				break;
			}

			case 'neither': {
				// The control: the same script, nothing closed, both lines arrive.
				expect(lines).toEqual(['stderr: err-line', 'stdout: out-line']);
				expect(readOr(out)).toMatch(new RegExp(`^out-line fd1=${pty ? '/dev/pts/\\d+' : 'socket:\\S+'} fd2=socket:`));
				expect(readOr(error)).toMatch(/^err-line /);
				expect(streams).not.toMatch(/dev\/null/);
				break;
			}
		}
	});

	it('with pty = true and stderr on the terminal, close_child_stdout leaves the terminal carrying stderr alone', async () => {
		daemon = await startDaemon('[watcher:w]\ncmd = ./emit.sh\npty = true\nrespawn = false\nclose_child_stdout = true\n', {setup(dir) {
			fs.writeFileSync(path.join(dir, 'emit.sh'), emitScript, {mode: 0o755});
		}});
		await waitFor(async () => (await daemon!.ok('status', {name: 'w'})).status === 'stopped', {what: 'the process to end'});
		const lines = await waitFor(async () => {
			const all = field<Array<{text: string}>>(await daemon!.ok('logs', {name: 'w', lines: 10}), 'lines').map((line) => line.text);
			return all.length > 0 ? all : undefined;
		}, {what: 'the stderr line in the scrollback'});
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(/^err-line fd1=\/dev\/null fd2=\/dev\/pts\/\d+$/);
	});

	// Circus reads no stream that is not set (stderr is circusd's own there): a stdout_stream alone
	// never holds stderr, so stderr has a pipe of its own and out.log gets nothing.
	it('with pty = true, close_child_stdout and only stdout_stream set, stderr goes to a pipe of its own, not to out.log', async () => {
		daemon = await startDaemon('[watcher:w]\ncmd = ./emit.sh\npty = true\nrespawn = false\nclose_child_stdout = true\nstdout_stream.filename = out.log\n', {setup(dir) {
			fs.writeFileSync(path.join(dir, 'emit.sh'), emitScript, {mode: 0o755});
		}});
		await waitFor(async () => (await daemon!.ok('status', {name: 'w'})).status === 'stopped', {what: 'the process to end'});
		const lines = await waitFor(async () => {
			const all = field<Array<{text: string; stderr?: boolean}>>(await daemon!.ok('logs', {name: 'w', lines: 10}), 'lines');
			return all.length > 0 ? all : undefined;
		}, {what: 'the stderr line in the scrollback'});
		expect(lines).toHaveLength(1);
		expect(lines[0]!.text).toMatch(/^err-line fd1=\/dev\/null fd2=socket:/);
		expect(lines[0]!.stderr).toBe(true);
		expect(readOr(path.join(daemon.dir, 'out.log'))).toBe('');
	});
});

/**
A process with a grandchild in a session of its own (setsid), out of reach of a signal to the
process's group. On the stop signal the process waits for the grandchild to end, then exits 0.
The grandchild's output is /dev/null: once its parent is gone, the pipes it would inherit are
closed, and a shell that writes "Terminated" there dies of SIGPIPE before its trap runs.
The grandchild, on the stop signal, writes down who its parent is at that moment and exits.
*/
function writeScripts(dir: string): void {
	fs.writeFileSync(path.join(dir, 'parent.sh'), `#!/bin/sh
setsid ${dir}/grandchild.sh >/dev/null 2>&1 &
child=$!
trap 'wait $child; exit 0' TERM
wait $child
`, {mode: 0o755});
	fs.writeFileSync(path.join(dir, 'grandchild.sh'), `#!/bin/sh
trap 'echo "parent=$(cut -d " " -f 4 /proc/$$/stat)" > ${dir}/grandchild-term; exit 0' TERM
echo $$ > ${dir}/grandchild.pid
while :; do sleep 0.1; done
`, {mode: 0o755});
}

describe('stop_children', () => {
	it.each([true, false])('stop_children = %s', async (stopChildren) => {
		daemon = await startDaemon([
			'[watcher:w]',
			'cmd = ./parent.sh',
			'pty = false',
			`stop_children = ${stopChildren}`,
			// Without stop_children the process waits for a grandchild that is never told: SIGKILL
			// ends it. With it, a SIGKILL could only come after 30 s, and the test would fail on it.
			`graceful_timeout = ${stopChildren ? 30 : 1}`,
			'',
		].join('\n'), {setup: writeScripts});
		const dir = daemon.dir;
		const grandchild = await waitFor(() => Number(readOr(path.join(dir, 'grandchild.pid')).trim()) || undefined, {what: 'the grandchild'});
		leftovers.add(grandchild);
		const [parent] = await waitFor(async () => {
			const list = (await daemon!.ok('list', {name: 'w'})) as unknown as {pids: number[]};
			return list.pids.length === 1 ? list.pids : undefined;
		}, {what: 'the process'});
		// Its own session and group: a signal to the process's group cannot reach it.
		const text = fs.readFileSync(`/proc/${grandchild}/stat`, 'utf8');
		const stat = text.slice(text.lastIndexOf(')') + 2).split(' ');
		expect(Number(stat[2])).toBe(grandchild);
		expect(Number(stat[1])).toBe(parent);
		const seen: EventMessage[] = [];
		await daemon.client.subscribe(['watcher.w.kill', 'watcher.w.reap'], (event) => {
			seen.push(event);
		});
		const reply = await daemon.client.call('stop', {name: 'w', waiting: true}, {timeoutMs: 60_000});
		expect(isErrorReply(reply)).toBe(false);
		await waitFor(() => readOr(path.join(dir, 'grandchild-term')).includes('parent='), {what: 'the grandchild to get the stop signal'});
		await waitFor(() => !fs.existsSync(`/proc/${grandchild}`), {what: 'the grandchild to be gone'});
		const reap = await waitFor(() => seen.find((event) => event.event === 'watcher.w.reap'), {what: 'the reap event'});
		const killed = seen.filter((event) => event.event === 'watcher.w.kill').map((event) => [event.data.process_pid, event.data.signal]);
		const told = readOr(path.join(dir, 'grandchild-term')).trim();
		if (stopChildren) {
			// Told with its parent, while the parent was still its parent; the parent then ended by itself.
			// (Its own `sleep`, outside the process's group too, may be told as well.)
			expect(killed).toContainEqual([parent, 15]);
			expect(killed).toContainEqual([grandchild, 15]);
			expect(told).toBe(`parent=${parent}`);
			expect(reap.data.exit_code).toBe(0);
		} else {
			// Only the group was told; the parent waited until SIGKILL, and the grandchild was stopped
			// only once the daemon had adopted it.
			expect(killed).toEqual([[parent, 15]]);
			expect(reap.data.exit_code).toBe(-9);
			expect(told).toBe(`parent=${daemon.process.pid!}`);
		}
	}, 60_000);
});
