/**
`procui ctl` (and every client: logs, attach) must not talk to a server another user could have
put in place, and must not let a reply drive the terminal.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cliPath, tempDir, waitFor} from '../helpers/daemon.js';
import {isRoot, nobody} from './tcp-daemon.js';

type Run = {code: number | null; stdout: string; stderr: string};

/** Run the built CLI; resolves with its exit code and output. */
async function procui(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
	return new Promise(resolve => {
		childProcess.execFile(process.execPath, [cliPath, ...args], {env, timeout: 30_000}, (error, stdout, stderr) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr});
		});
	});
}

// A server impersonating procui: reports each connection and each request on stdout, and
// answers every request ok.
const impostor = `
const net = require('node:net');
const server = net.createServer(socket => {
	console.log('connection');
	let buffer = '';
	socket.setEncoding('utf8');
	socket.on('data', chunk => {
		buffer += chunk;
		for (let end = buffer.indexOf('\\n'); end !== -1; end = buffer.indexOf('\\n')) {
			const line = buffer.slice(0, end);
			buffer = buffer.slice(end + 1);
			const request = JSON.parse(line);
			console.log('request ' + request.command);
			socket.write(JSON.stringify({id: request.id, status: 'ok', time: 0}) + '\\n');
		}
	});
	socket.on('error', () => undefined);
});
server.listen(process.argv[1], () => {
	require('node:fs').chmodSync(process.argv[1], 0o777);
	console.log('listening');
});
`;

type Impostor = {
	/** Lines it printed so far. */
	lines(): string[];
	stop(): void;
};

/** Start the impostor as nobody on `socketPath` (whose directory nobody must own). */
async function startImpostor(socketPath: string): Promise<Impostor> {
	const child = childProcess.spawn(process.execPath, ['-e', impostor, socketPath], {...nobody, cwd: '/', stdio: ['ignore', 'pipe', 'inherit']});
	let output = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		output += chunk;
	});
	const lines = () => output.split('\n').filter(line => line !== '');
	await waitFor(() => lines().includes('listening'), {what: 'the impostor to listen'});
	return {lines, stop: () => child.kill()};
}

/** A directory owned by nobody, inside a fresh directory others may traverse but not list or write. */
function nobodysDirectory(parent: string, name: string): string {
	fs.chmodSync(parent, 0o711);
	const directory = path.join(parent, name);
	fs.mkdirSync(directory, {mode: 0o700});
	fs.chownSync(directory, nobody.uid, nobody.gid);
	return directory;
}

const dirs: string[] = [];
const cleanups: Array<() => void> = [];

afterEach(() => {
	for (const cleanup of cleanups.splice(0)) {
		cleanup();
	}

	for (const dir of dirs.splice(0)) {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

function scratch(): string {
	const dir = tempDir('procui-trust-');
	dirs.push(dir);
	return dir;
}

/** Every connection the impostor will ever report for what ran so far: one of our own, last, marks the end. */
async function connectionsBeforeProbe(server: Impostor, socketPath: string): Promise<number> {
	const probe = net.connect({path: socketPath});
	await new Promise(resolve => probe.once('connect', resolve));
	probe.write('{"id":"probe","command":"probe"}\n');
	await waitFor(() => server.lines().includes('request probe'), {what: 'the impostor to see the probe'});
	probe.destroy();
	return server.lines().filter(line => line === 'connection').length - 1;
}

// Skipped only when not root: the other user's side runs as nobody (CI runs as root).
describe.skipIf(!isRoot)('a socket another user could have put in place', () => {
	it('is refused by procui ctl and procui logs, naming the directory and its owner, before a byte is sent', async () => {
		const directory = nobodysDirectory(scratch(), 'theirs');
		const socketPath = path.join(directory, 'procui.sock');
		const server = await startImpostor(socketPath);
		cleanups.push(server.stop);
		const ctl = await procui(['ctl', '--endpoint', `ipc://${socketPath}`, 'quit']);
		expect(ctl.code).toBe(1);
		expect(ctl.stdout).toBe('');
		expect(ctl.stderr).toContain(`the directory ${directory} belongs to uid 65534, not to you (uid 0) or root`);
		const logs = await procui(['logs', '--endpoint', `ipc://${socketPath}`]);
		expect(logs.code).toBe(1);
		expect(logs.stderr).toContain(`the directory ${directory} belongs to uid 65534`);
		expect(await connectionsBeforeProbe(server, socketPath)).toBe(0);
	});

	it('is refused at the default path when XDG_RUNTIME_DIR is unset, by ctl and by the daemon', async () => {
		// Without XDG_RUNTIME_DIR the default is <tmpdir>/procui-<uid>/procui.sock, a name anyone can create first.
		const tmp = scratch();
		const directory = nobodysDirectory(tmp, 'procui-0');
		const socketPath = path.join(directory, 'procui.sock');
		const server = await startImpostor(socketPath);
		cleanups.push(server.stop);
		const env: NodeJS.ProcessEnv = {...process.env, TMPDIR: tmp};
		delete env.XDG_RUNTIME_DIR;
		delete env.PROCUI_ENDPOINT;
		const ctl = await procui(['ctl', 'status'], env);
		expect(ctl.code).toBe(1);
		expect(ctl.stderr).toContain(`refusing to connect to ipc://${socketPath}: the directory ${directory} belongs to uid 65534`);
		fs.writeFileSync(path.join(tmp, 'circus.ini'), '[circus]\n');
		const daemon = await procui(['daemon', path.join(tmp, 'circus.ini')], env);
		expect(daemon.code).not.toBe(0);
		expect(daemon.stderr).toContain(`Refusing to put the control socket in ${directory}: the directory belongs to uid 65534`);
		expect(await connectionsBeforeProbe(server, socketPath)).toBe(0);
	});

	it('is refused when its directory is writable by others, even if root owns it', async () => {
		const directory = path.join(scratch(), 'shared');
		fs.mkdirSync(directory);
		fs.chmodSync(directory, 0o777);
		const socketPath = path.join(directory, 'procui.sock');
		const server = net.createServer(socket => socket.destroy());
		await new Promise<void>(resolve => server.listen(socketPath, resolve));
		cleanups.push(() => server.close());
		const ctl = await procui(['ctl', '--endpoint', `ipc://${socketPath}`, 'status']);
		expect(ctl.code).toBe(1);
		expect(ctl.stderr).toContain(`the directory ${directory} is writable by others (mode 777)`);
	});
});

describe('a reply with control characters', () => {
	it('reaches the terminal escaped, as text and as JSON', async () => {
		const socketPath = path.join(scratch(), 'procui.sock');
		const server = net.createServer(socket => {
			socket.setEncoding('utf8');
			socket.on('data', (chunk: string) => {
				const {id} = JSON.parse(chunk) as {id: string};
				socket.write(`${JSON.stringify({id, status: 'ok', time: 0, statuses: {'web\u001B[2J': 'active\u001B]0;owned\u0007\u009B2J'}})}\n`);
			});
		});
		await new Promise<void>(resolve => server.listen(socketPath, resolve));
		cleanups.push(() => server.close());
		const text = await procui(['ctl', '--endpoint', `ipc://${socketPath}`, 'status']);
		expect(text.code).toBe(0);
		expect(text.stdout).toBe(String.raw`web\x1b[2J: active\x1b]0;owned\x07\x9b2J` + '\n');
		const json = await procui(['ctl', '--endpoint', `ipc://${socketPath}`, '--json', 'status']);
		// eslint-disable-next-line no-control-regex -- no control character but the final newline may be printed
		expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
		expect((JSON.parse(json.stdout) as {statuses: Record<string, string>}).statuses).toEqual({'web\u001B[2J': 'active\u001B]0;owned\u0007\u009B2J'});
	});
});
