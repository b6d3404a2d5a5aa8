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
`);
		const pid = (await waitFor(async () => pids(await daemon!.ok('list', {name: 'piped'}))[0]))!;
		const term = (await waitFor(async () => pids(await daemon!.ok('list', {name: 'term'}))[0]))!;
		const refused = errorOf(await daemon.call('input', {name: 'piped', pid, data: 'x'}));
		expect(refused.status).toBe('error');
		expect(refused.reason).toBe(`process ${pid} of piped runs without a terminal (pty = false): it has no input`);
		expect(refused.errno).toBe(5);
		expect(errorOf(await daemon.call('resize', {name: 'piped', pid, columns: 80, rows: 24})).reason).toContain('runs without a terminal (pty = false)');

		for (const [properties, reason] of [
			[{name: 'term', pid: term}, 'Expected `data` to be the text to type'],
			[{name: 'term', pid: term, data: 42}, 'Expected `data` to be the text to type'],
			[{name: 'term', pid: term, data: 'x'.repeat(70_000)}, 'at most 65536 characters'],
			[{name: 'term', data: 'x'}, 'missing property: pid'],
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
