import childProcess from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterEach, expect, it} from 'vitest';
import {cliPath, tempDir} from '../helpers/daemon.js';

const started: childProcess.ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
	for (const child of started.splice(0)) {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
			await new Promise((resolve) => {
				child.once('exit', resolve);
			});
		}
	}

	for (const dir of dirs.splice(0)) {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

/** Connect to `socketPath` as soon as it accepts (retrying at once on every refusal), send one
request, and return the reply: what a script's `procui daemon & procui ctl status` sees first. */
async function firstReply(socketPath: string, request: Record<string, unknown>): Promise<Record<string, unknown>> {
	return new Promise((resolve, reject) => {
		const deadline = Date.now() + 15_000;
		const attempt = (): void => {
			const socket = net.connect(socketPath);
			let received = '';
			socket.on('error', () => {
				socket.destroy();
				if (Date.now() > deadline) {
					reject(new Error(`${socketPath} never accepted a connection`));
					return;
				}

				setImmediate(attempt);
			});
			socket.on('connect', () => {
				socket.write(`${JSON.stringify(request)}\n`);
			});
			socket.on('data', (chunk) => {
				received += chunk.toString();
				if (received.includes('\n')) {
					socket.destroy();
					resolve(JSON.parse(received.slice(0, received.indexOf('\n'))) as Record<string, unknown>);
				}
			});
		};

		attempt();
	});
}

it('answers no request before the boot has started its watchers: the first status of an autostart watcher is never stopped', async () => {
	const dir = tempDir('procui-boot-');
	dirs.push(dir);
	fs.writeFileSync(path.join(dir, 'circus.ini'), '[watcher:app]\ncmd = sleep 1000\n');
	const statuses: unknown[] = [];
	// Before the fix, 19 of 20 such first statuses said stopped (the socket was read while its file
	// was still being secured, before the boot's start was queued).
	for (let run = 0; run < 5; run++) {
		const socketPath = path.join(dir, `run${run}.sock`);
		const daemon = childProcess.spawn(process.execPath, [cliPath, 'daemon', path.join(dir, 'circus.ini'), '--endpoint', `ipc://${socketPath}`, '--log-level', 'warning'], {cwd: dir, stdio: 'ignore'});
		started.push(daemon);
		const reply = await firstReply(socketPath, {id: 'first', command: 'status', properties: {name: 'app'}});
		statuses.push(reply.status);
		// SIGTERM: the supervisor stops its sleep before it exits.
		daemon.kill('SIGTERM');
		await new Promise((resolve) => {
			daemon.once('exit', resolve);
		});
	}

	expect(statuses.filter((status) => status !== 'starting' && status !== 'active')).toEqual([]);
});
