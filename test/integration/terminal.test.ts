/**
A PTY process's terminal through the real daemon and a socket client: its unfinished line, its raw
bytes for a terminal view, keys typed into it, its window size; refusals for pipe mode and bad input.
*/
import {Buffer} from 'node:buffer';
import childProcess from 'node:child_process';
import {afterEach, describe, expect, it} from 'vitest';
import {SocketClient} from '../../source/control/client.js';
import type {EventMessage, Reply} from '../../source/control/protocol.js';
import {cliPath, pids, startDaemon, waitFor, type Daemon} from '../helpers/daemon.js';
import {runToEnd} from '../helpers/run.js';

let daemon: Daemon | undefined;
let viewer: SocketClient | undefined;

afterEach(async () => {
	await viewer?.close();
	viewer = undefined;
	await daemon?.stop();
	daemon = undefined;
});

const errorOf = (reply: Reply): {status: string; reason: string; errno: number} => reply as unknown as {status: string; reason: string; errno: number};

describe('a prompt without a newline', () => {
	it('reaches a logs subscriber and the logs reply as the partial line, with the seq its line will have', async () => {
		daemon = await startDaemon(`
[watcher:ask]
shell = true
cmd = echo first; printf 'Name? '; read name; echo "hello $name"; exec sleep 1000
`);
		viewer = await SocketClient.connect(daemon.endpoint);
		const events: EventMessage[] = [];
		await viewer.subscribe(['logs.ask'], (event) => events.push(event));
		const pid = (await waitFor(async () => pids(await daemon!.ok('list', {name: 'ask'}))[0]))!;
		const reply = await waitFor(async () => {
			const logs = await daemon!.ok('logs', {name: 'ask'}) as unknown as {partials: Array<{seq: number; text: string; pid: number}>};
			return logs.partials.length > 0 ? logs : undefined;
		}, {what: 'the prompt in the logs reply'});
		expect(reply.partials).toEqual([expect.objectContaining({pid, seq: 2, text: 'Name? '})]);

		await daemon.ok('input', {name: 'ask', pid, data: 'Ada\r'});
		await waitFor(() => events.some((event) => (event.data.lines as Array<{text: string}>).some((line) => line.text.includes('hello Ada'))), {what: 'the answer'});
		// The prompt's line, once complete, has the seq its partial carried.
		const logs = await daemon.ok('logs', {name: 'ask'}) as unknown as {lines: Array<{seq: number; text: string}>; partials: unknown[]};
		expect(logs.lines.find((line) => line.seq === 2)?.text).toBe('Name? Ada');
		expect(logs.partials).toEqual([]);
	});

	it('leaves procui logs -f as it was: the prompt\'s line printed once, when complete', async () => {
		daemon = await startDaemon(`
[watcher:ask]
shell = true
cmd = echo first; printf 'Name? '; read name; echo "hello $name"; exec sleep 1000
`);
		const pid = (await waitFor(async () => pids(await daemon!.ok('list', {name: 'ask'}))[0]))!;
		const follower = childProcess.spawn(process.execPath, [cliPath, 'logs', '--endpoint', daemon.endpoint, 'ask', '-f', '--json'], {stdio: ['ignore', 'pipe', 'pipe']});
		let out = '';
		follower.stdout.setEncoding('utf8');
		follower.stdout.on('data', (chunk: string) => {
			out += chunk;
		});
		try {
			await waitFor(() => out.includes('"first"'), {what: 'the backlog'});
			// The prompt is pending: it reaches the follower as events' partial, which logs -f does not print.
			await waitFor(async () => ((await daemon!.ok('logs', {name: 'ask'})) as unknown as {partials: unknown[]}).partials.length > 0, {what: 'the prompt'});
			await daemon.ok('input', {name: 'ask', pid, data: 'Ada\r'});
			await waitFor(() => out.includes('hello Ada'), {what: 'the answer, followed'});
			const texts = out.trim().split('\n').map((line) => (JSON.parse(line) as {text: string}).text);
			expect(texts).toEqual(['first', 'Name? Ada', 'hello Ada']);
		} finally {
			follower.kill();
		}
	});
});

describe('the terminal commands', () => {
	it('stream raw bytes while subscribed, replay the screen, type keys and resize the window', async () => {
		daemon = await startDaemon(`
[watcher:term]
shell = true
cmd = trap 'echo "size $(stty size)"' WINCH; printf '\\033[?1049h\\033[2;5Hhome'; while true; do read -r line && echo "got $line"; done
`);
		const pid = (await waitFor(async () => pids(await daemon!.ok('list', {name: 'term'}))[0]))!;
		const screen = await waitFor(async () => {
			const reply = await daemon!.ok('screen', {name: 'term', pid}) as unknown as {data: string; end: number; alternate: boolean};
			return Buffer.from(reply.data, 'base64').includes('home') ? reply : undefined;
		}, {what: 'the screen'});
		expect(screen.alternate).toBe(true);
		expect(Buffer.from(screen.data, 'base64').toString()).toContain('\u001B[2;5H');

		viewer = await SocketClient.connect(daemon.endpoint);
		const chunks: Array<{offset: number; data: string}> = [];
		const subscription = await viewer.subscribe([`output.term.${pid}`], (event) => chunks.push(event.data as {offset: number; data: string}));
		await daemon.ok('input', {name: 'term', pid, data: 'abc\r'});
		const raw = (): string => chunks.map((chunk) => Buffer.from(chunk.data, 'base64').toString()).join('');
		await waitFor(() => raw().includes('got abc'), {what: 'the echo of the typed line'});
		// Offsets continue from the screen's end: a viewer skips what it already replayed.
		expect(chunks[0]!.offset).toBeGreaterThanOrEqual(screen.end);

		await daemon.ok('resize', {name: 'term', pid, columns: 77, rows: 19});
		await waitFor(() => raw().includes('size 19 77'), {what: 'SIGWINCH with the new size'});

		// Ctrl-C reaches the program as a signal from its terminal.
		await subscription.unsubscribe();
		await daemon.ok('input', {name: 'term', pid, data: '\u0003'});
		await waitFor(async () => pids(await daemon!.ok('list', {name: 'term'}))[0] !== pid, {what: 'a new process after Ctrl-C'});
	});

	it('refuses input for a pipe-mode process, and bad input, with the reason; the supervisor keeps running', async () => {
		daemon = await startDaemon(`
[watcher:piped]
cmd = sleep 1000
pty = false

[watcher:term]
cmd = sleep 1000

[watcher:pair]
cmd = sleep 1000
numprocesses = 2
`);
		const pid = (await waitFor(async () => pids(await daemon!.ok('list', {name: 'piped'}))[0]))!;
		const term = (await waitFor(async () => pids(await daemon!.ok('list', {name: 'term'}))[0]))!;
		const pair = await waitFor(async () => {
			const running = pids(await daemon!.ok('list', {name: 'pair'}));
			return running.length === 2 ? running : undefined;
		}, {what: 'both processes of pair'});
		const refused = errorOf(await daemon.call('input', {name: 'piped', pid, data: 'x'}));
		expect(refused.status).toBe('error');
		expect(refused.reason).toBe(`process ${pid} of piped runs without a terminal (pty = false): it has no input`);
		expect(refused.errno).toBe(5);
		expect(errorOf(await daemon.call('resize', {name: 'piped', pid, columns: 80, rows: 24})).reason).toContain('runs without a terminal (pty = false)');

		for (const [properties, reason] of [
			[{name: 'term', pid: term}, 'Expected `data` to be the text to type'],
			[{name: 'term', pid: term, data: 42}, 'Expected `data` to be the text to type'],
			[{name: 'term', pid: term, data: 'x'.repeat(70_000)}, 'at most 65536 characters'],
			[{name: 'pair', data: 'x'}, `missing property: pid (watcher pair has 2 processes: ${pair.join(', ')})`],
			[{name: 'piped', data: 'x'}, 'watcher piped runs without a terminal (pty = false): it has no input'],
			[{name: 'term', pid: 1, data: 'x'}, 'process 1 not found in watcher term'],
			[{name: 'nope', pid: term, data: 'x'}, 'nope'],
		] as const) {
			const reply = errorOf(await daemon.call('input', properties));
			expect(reply.status).toBe('error');
			expect(reply.reason).toContain(reason);
		}

		expect(errorOf(await daemon.call('resize', {name: 'term', pid: term, columns: 0, rows: 24})).reason).toContain('columns');
		expect(errorOf(await daemon.call('resize', {name: 'term', pid: term, columns: 80, rows: 100_000})).reason).toContain('rows');
		expect((await daemon.ok('status', {name: 'term'})).status).toBe('active');
	});
});

describe('procui ctl on a PTY process\'s terminal', () => {
	/** The built CLI against the daemon: its exit status and what it printed. */
	async function ctl(...args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
		return runToEnd(process.execPath, [cliPath, 'ctl', '--endpoint', daemon!.endpoint, ...args]);
	}

	it('types a line into cat with input --enter, and screen prints the terminal as text: the echo and cat\'s copy', async () => {
		daemon = await startDaemon(`
[watcher:cat]
cmd = cat
`);
		const pid = (await waitFor(async () => pids(await daemon!.ok('list', {name: 'cat'}))[0]))!;
		const typed = await ctl('input', 'cat', '--enter', 'hello from ctl');
		expect(typed).toEqual({code: 0, stdout: `15 bytes typed into ${pid}\n`, stderr: ''});
		// The terminal echoes the line, then cat writes it back: two rows on the screen.
		const screen = await waitFor(async () => {
			const result = await ctl('screen', 'cat');
			return result.stdout.split('\n').filter((row) => row === 'hello from ctl').length === 2 ? result : undefined;
		}, {what: 'the line twice on cat\'s screen'});
		expect(screen.code).toBe(0);
		expect(screen.stdout).toBe('hello from ctl\nhello from ctl\n');

		// The pid, positional or --pid; a second line, without Enter, shows unfinished.
		expect((await ctl('input', 'cat', String(pid), 'half')).code).toBe(0);
		await waitFor(async () => (await ctl('screen', 'cat', '--pid', String(pid))).stdout.endsWith('hello from ctl\nhalf\n'), {what: 'the unfinished line'});

		// The window size: resize sets it and screen replays the output at that size.
		expect(await ctl('resize', 'cat', '--pid', String(pid), '100', '30')).toEqual({code: 0, stdout: `${pid}: 100x30\n`, stderr: ''});
		const raw = JSON.parse((await ctl('--json', 'screen', 'cat')).stdout) as {pid: number; columns: number; rows: number; data: string};
		expect(raw).toMatchObject({status: 'ok', pid, columns: 100, rows: 30});
		expect(Buffer.from(raw.data, 'base64').toString()).toContain('hello from ctl');
	});

	it('screen prints a full-screen program\'s alternate screen, not the lines printed before it', async () => {
		daemon = await startDaemon(`
[watcher:draw]
shell = true
cmd = echo plain-one; echo plain-two; printf '\\033[?1049h\\033[2;3HSCREEN-VIEW'; exec sleep 1000
`);
		const screen = await waitFor(async () => {
			const result = await ctl('screen', 'draw');
			return result.stdout.includes('SCREEN-VIEW') ? result : undefined;
		}, {what: 'draw\'s screen'});
		expect(screen).toEqual({code: 0, stdout: '\n  SCREEN-VIEW\n', stderr: ''});
	});

	it('a pipe-mode process, several processes, bad arguments: the reason, and a non-zero exit', async () => {
		daemon = await startDaemon(`
[watcher:piped]
cmd = sleep 1000
pty = false

[watcher:pair]
cmd = sleep 1000
numprocesses = 2
`);
		const piped = (await waitFor(async () => pids(await daemon!.ok('list', {name: 'piped'}))[0]))!;
		await waitFor(async () => pids(await daemon!.ok('list', {name: 'pair'})).length === 2, {what: 'both processes of pair'});
		expect(await ctl('input', 'piped', '--pid', String(piped), 'x')).toEqual({code: 3, stdout: `error: process ${piped} of piped runs without a terminal (pty = false): it has no input\n`, stderr: ''});
		expect(await ctl('screen', 'piped')).toEqual({code: 3, stdout: 'error: watcher piped runs without a terminal (pty = false): it has no screen\n', stderr: ''});
		expect(await ctl('resize', 'piped', '80', '24')).toEqual({code: 3, stdout: 'error: watcher piped runs without a terminal (pty = false): it has no window size\n', stderr: ''});
		const several = await ctl('screen', 'pair');
		expect(several.code).toBe(3);
		expect(several.stdout).toMatch(/^error: missing property: pid \(watcher pair has 2 processes: \d+, \d+\)\n$/u);

		const badSize = await ctl('resize', 'pair', '0', '24');
		expect(badSize.code).toBe(2);
		expect(badSize.stderr).toContain('Expected `columns` to be a whole number from 1 to 1000, got `0`');
		const twoPids = await ctl('screen', 'pair', '12', '--pid', '13');
		expect(twoPids.code).toBe(2);
		expect(twoPids.stderr).toContain('Expected one pid, got `12` and `--pid 13`');
		expect((await ctl('input', 'pair')).code).toBe(2);
	});
});
