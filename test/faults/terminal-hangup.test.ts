import fs from 'node:fs';
import path from 'node:path';
import pty from 'node-pty';
import {afterEach, describe, expect, it} from 'vitest';
import {SocketClient} from '../../source/control/client.js';
import {isErrorReply} from '../../source/control/protocol.js';
import {alive, cliPath, pids, pidsMatching, tempDir, uniqueSleep, waitFor} from '../helpers/daemon.js';

let cleanup: Array<() => void> = [];

afterEach(() => {
	for (const step of cleanup.reverse()) {
		step();
	}

	cleanup = [];
});

/**
`procui daemon` run in the foreground over ssh (or in a terminal that is then closed): its log goes
to the terminal, and when the connection drops, every write there fails with EIO and the daemon
gets SIGHUP (a reload, as in Circus). It must go on supervising: the lines are dropped, nothing is
killed.
*/
describe('a foreground daemon whose terminal hangs up', () => {
	it.each(['StdoutStream', 'none'])('keeps supervising: its log and a StdoutStream (%s) drop what they cannot write', async (stream) => {
		const dir = tempDir();
		const marker = uniqueSleep();
		const configFile = path.join(dir, 'circus.ini');
		fs.writeFileSync(configFile, `[watcher:talker]\ncmd = sh -c 'while true; do echo talking; sleep 0.05; done'\n${stream === 'none' ? '' : `stdout_stream.class = ${stream}\n`}\n[watcher:quiet]\ncmd = sleep ${marker}\n`);
		const socket = path.join(dir, 'procui.sock');
		const endpoint = `ipc://${socket}`;
		const terminal = pty.spawn(process.execPath, [cliPath, 'daemon', configFile, '--endpoint', endpoint, '--log-level', 'debug'], {cwd: dir, cols: 80, rows: 24, env: process.env as Record<string, string>});
		const daemonPid = terminal.pid;
		cleanup.push(() => {
			try {
				process.kill(daemonPid, 'SIGKILL');
			} catch {
				// Gone already.
			}

			for (const pid of pidsMatching(marker)) {
				process.kill(pid, 'SIGKILL');
			}

			fs.rmSync(dir, {recursive: true, force: true});
		});
		let shown = '';
		terminal.onData((data) => {
			shown += data;
		});
		const client = await waitFor(async () => (fs.existsSync(socket) ? SocketClient.connect(endpoint) : undefined), {what: 'the daemon to listen'});
		cleanup.push(() => {
			void client.close();
		});
		await waitFor(async () => {
			const list = pids(await client.call('list', {name: 'quiet'}));
			return list.length === 1 ? list : undefined;
		}, {what: 'the quiet process'});
		await waitFor(() => shown.includes(stream === 'none' ? '[INFO]' : 'talking'), {what: 'the daemon to write to its terminal'});

		// The connection drops: the terminal's other side is closed and the daemon gets SIGHUP.
		(terminal as unknown as {destroy(): void}).destroy();

		// The reload the SIGHUP asks for, and commands that log, all write to the dead terminal: the
		// lines are counted as dropped.
		await waitFor(async () => {
			expect(isErrorReply(await client.call('incr', {name: 'quiet', waiting: true}))).toBe(false);
			expect(isErrorReply(await client.call('decr', {name: 'quiet', waiting: true}))).toBe(false);
			const reply = await client.call('dstats');
			return ((reply as {info?: {log_dropped?: number}}).info?.log_dropped ?? 0) > 0;
		}, {what: 'log lines dropped after the hang-up'});
		for (let round = 0; round < 5; round++) {
			expect(isErrorReply(await client.call('incr', {name: 'quiet', waiting: true}))).toBe(false);
			expect(isErrorReply(await client.call('decr', {name: 'quiet', waiting: true}))).toBe(false);
		}

		// Still supervising (SIGHUP is a reload, as in Circus, so the processes may be new ones), and
		// nothing was killed: each watcher runs its one process.
		expect(alive(daemonPid)).toBe(true);
		for (const name of ['quiet', 'talker']) {
			const [pid] = await waitFor(async () => {
				const list = pids(await client.call('list', {name}));
				return list.length === 1 ? list : undefined;
			}, {what: `one ${name} process`});
			expect(alive(pid!)).toBe(true);
		}

		// The SIGHUP's reload starts new processes before it stops the old ones: once it is done, one.
		await waitFor(() => pidsMatching(marker).length === 1, {what: 'one quiet process, the reload done'});
		expect(await client.call('status')).toMatchObject({statuses: {quiet: 'active', talker: 'active'}});
	});
});
