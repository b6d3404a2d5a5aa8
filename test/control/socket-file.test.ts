import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {chmod, chown, lstat, mkdir, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {SocketClient} from '../../source/control/client.js';
import {ControlServer} from '../../source/control/server.js';
import {echoHandler, makeTempDir, startServer} from './helpers.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const servers: ControlServer[] = [];

beforeEach(async () => {
	temp = await makeTempDir();
});

afterEach(async () => {
	for (const server of servers.splice(0)) {
		await server.close();
	}

	await temp.remove();
});

async function serve(socketPath: string): Promise<ControlServer> {
	const server = await startServer(`ipc://${socketPath}`);
	servers.push(server);
	return server;
}

/** A socket file whose owner died without removing it: a child binds it and is SIGKILLed. */
async function leaveStaleSocket(socketPath: string): Promise<void> {
	const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('ready'))`], {stdio: ['ignore', 'pipe', 'inherit']});
	await once(child.stdout, 'data');
	child.kill('SIGKILL');
	await once(child, 'exit');
}

it('creates a missing directory with mode 0700', async () => {
	const directory = path.join(temp.directory, 'run', 'procui');
	await serve(path.join(directory, 'procui.sock'));
	expect((await stat(directory)).mode & 0o777).toBe(0o700);
});

it('makes the socket file mode 0600', async () => {
	const socketPath = path.join(temp.directory, 'procui.sock');
	await serve(socketPath);
	const info = await lstat(socketPath);
	expect(info.isSocket()).toBe(true);
	expect(info.mode & 0o777).toBe(0o600);
});

it('replaces a stale socket file nobody answers on', async () => {
	const socketPath = path.join(temp.directory, 'procui.sock');
	await leaveStaleSocket(socketPath);
	expect((await lstat(socketPath)).isSocket()).toBe(true);
	await serve(socketPath);
	const client = await SocketClient.connect(`ipc://${socketPath}`);
	expect(await client.call('status')).toMatchObject({status: 'ok'});
	await client.close();
});

it('refuses a socket a live supervisor is listening on, and leaves that one serving', async () => {
	const socketPath = path.join(temp.directory, 'procui.sock');
	await serve(socketPath);
	const second = new ControlServer({endpoint: `ipc://${socketPath}`, handle: echoHandler()});
	await expect(second.listen()).rejects.toThrow(`another procui is already listening on ipc://${socketPath}`);
	const client = await SocketClient.connect(`ipc://${socketPath}`);
	expect(await client.call('status')).toMatchObject({status: 'ok'});
	await client.close();
});

it('refuses to replace a file that is not a socket', async () => {
	const socketPath = path.join(temp.directory, 'procui.sock');
	await writeFile(socketPath, 'precious');
	const server = new ControlServer({endpoint: `ipc://${socketPath}`, handle: echoHandler()});
	await expect(server.listen()).rejects.toThrow('the file exists and is not a socket');
});

it('refuses a directory that others can write to', async () => {
	const directory = path.join(temp.directory, 'shared');
	await mkdir(directory);
	await chmod(directory, 0o777);
	const server = new ControlServer({endpoint: `ipc://${path.join(directory, 'procui.sock')}`, handle: echoHandler()});
	await expect(server.listen()).rejects.toThrow('writable by others');
});

it.skipIf(process.getuid?.() !== 0)('refuses a directory owned by another user', async () => {
	const directory = path.join(temp.directory, 'theirs');
	await mkdir(directory, {mode: 0o700});
	await chown(directory, 65_534, 65_534);
	const server = new ControlServer({endpoint: `ipc://${path.join(directory, 'procui.sock')}`, handle: echoHandler()});
	await expect(server.listen()).rejects.toThrow('belongs to uid 65534');
});

it('removes its socket file when it closes', async () => {
	const socketPath = path.join(temp.directory, 'procui.sock');
	const server = await serve(socketPath);
	await server.close();
	await expect(lstat(socketPath)).rejects.toThrow('ENOENT');
});

it('is not trusted by a client when the socket file is writable by its group, and says which file', async () => {
	const socketPath = path.join(temp.directory, 'procui.sock');
	await serve(socketPath);
	await chmod(socketPath, 0o660);
	await expect(SocketClient.connect(`ipc://${socketPath}`)).rejects.toThrow(`the socket ${socketPath} is writable by its group (mode 660)`);
});

it('is not trusted by a client when the path is not a socket', async () => {
	const file = path.join(temp.directory, 'procui.sock');
	await writeFile(file, '', {mode: 0o600});
	await expect(SocketClient.connect(`ipc://${file}`)).rejects.toThrow(`${file} is not a socket`);
});
