import childProcess from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {Reply} from '../../source/control/protocol.js';
import {field} from '../helpers/reply.js';
import {pids, startDaemon, tempDir, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';
import {httpGet, pythonHttpServer, socketHolders, socketInode, tcpInodes, writeFile} from '../scenarios/helpers.js';

let daemon: Daemon | undefined;
const dirs: string[] = [];

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
	for (const dir of dirs.splice(0)) {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

type SocketEntry = {fd: number; name: string; backlog: number; host?: string; port?: number; path?: string};

async function sockets(d: Daemon): Promise<SocketEntry[]> {
	return (await d.ok('listsockets') as unknown as {sockets: SocketEntry[]}).sockets;
}

function link(pid: number, fd: number): string {
	return fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
}

function scratch(): string {
	const dir = tempDir('procui-sockets-');
	dirs.push(dir);
	return dir;
}

async function onePid(d: Daemon, name: string): Promise<number> {
	const [pid] = await waitFor(async () => {
		const list = pids(await d.ok('list', {name}));
		return list.length === 1 ? list : undefined;
	}, {what: `one process of ${name}`});
	return pid!;
}

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

describe('[socket:NAME]', () => {
	it('binds every socket and hands each process the ones it names, as fd 3, 4, ... in pipe and PTY mode', async () => {
		const dir = scratch();
		const marker = uniqueSleep();
		daemon = await startDaemon(`
[socket:web]
host = 127.0.0.1
port = 0
backlog = 64

[socket:local]
path = ${dir}/local.sock
umask = 077

[watcher:pipes]
cmd = sh -c 'echo "fds $(circus.sockets.local) $(circus.sockets.web)"; exec sleep ${marker}'
use_sockets = true
pty = false

[watcher:terminal]
cmd = sh -c 'test -t 1 && echo "a terminal, fd $(circus.sockets.web)"; exec sleep ${marker}'
use_sockets = true
stdout_stream.class = FileStream
stdout_stream.filename = ${dir}/terminal.log

[watcher:plain]
cmd = sleep ${marker}
`);
		const listed = await sockets(daemon);
		expect(listed.map((socket) => socket.fd)).toEqual([...listed.map((socket) => socket.fd)].sort((a, b) => a - b));
		const web = listed.find((socket) => socket.name === 'web')!;
		const local = listed.find((socket) => socket.name === 'local')!;
		expect(web).toEqual({fd: web.fd, name: 'web', backlog: 64, host: '127.0.0.1', port: web.port});
		expect(web.port).toBeGreaterThan(0);
		expect(local).toEqual({fd: local.fd, name: 'local', backlog: 2048, path: `${dir}/local.sock`});
		expect(fs.statSync(local.path!).mode & 0o777).toBe(0o700);
		const daemonPid = daemon.process.pid!;
		const pipes = await onePid(daemon, 'pipes');
		const terminal = await onePid(daemon, 'terminal');
		const plain = await onePid(daemon, 'plain');
		// The same socket (same inode) as the supervisor's, in the order the command names them,
		// and nothing else of the supervisor's.
		expect(link(pipes, 3)).toBe(link(daemonPid, local.fd));
		expect(link(pipes, 4)).toBe(link(daemonPid, web.fd));
		expect(fs.readdirSync(`/proc/${pipes}/fd`).map(Number).sort()).toEqual([0, 1, 2, 3, 4]);
		expect(link(terminal, 3)).toBe(link(daemonPid, web.fd));
		expect(fs.readdirSync(`/proc/${plain}/fd`).map(Number).sort()).toEqual([0, 1, 2]);
		const logs = await daemon.ok('logs', {name: 'pipes'});
		expect(JSON.stringify(logs)).toContain('fds 3 4');
		await waitFor(() => fs.existsSync(`${dir}/terminal.log`) && fs.readFileSync(`${dir}/terminal.log`, 'utf8').includes('a terminal, fd 3'), {what: 'the PTY process to see a terminal and its socket'});
	});

	it('binds IPv6 with family = AF_INET6, and applies blocking to the socket the processes share', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`
[socket:six]
host = ::1
port = 0
family = AF_INET6
blocking = true

[socket:four]
host = 127.0.0.1
port = 0

[watcher:server]
cmd = sh -c 'exec sleep ${marker} $(circus.sockets.six) $(circus.sockets.four)'
use_sockets = true
pty = false
`);
		const listed = await sockets(daemon);
		const six = listed.find((socket) => socket.name === 'six')!;
		expect(six.host).toBe('::1');
		const pid = await onePid(daemon, 'server');
		// O_NONBLOCK (04000) in the flags of the process's descriptor: off for blocking = true, on by default (Circus's).
		const nonBlocking = (fd: number): boolean => (Number.parseInt(/flags:\s*(\d+)/.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))![1]!, 8) & 0o4000) !== 0;
		expect([nonBlocking(3), nonBlocking(4)]).toEqual([false, true]);
		const client = net.connect({host: '::1', port: six.port!});
		await new Promise<void>((resolve, reject) => {
			client.once('connect', resolve);
			client.once('error', reject);
		});
		client.destroy();
	});

	it('refuses to start with a Unix socket whose folder is missing, naming the socket, its path and why', async () => {
		await expect(startDaemon(`[watcher:w]\ncmd = sleep ${uniqueSleep()}\nuse_sockets = true\n[socket:web]\npath = missing/web.sock\n`)).rejects.toThrow(/exited with 1: .*socket web: cannot bind \/\S*\/missing\/web\.sock: its folder does not exist/s);
	});

	// circus/sockets.py binds the path itself: a process that asks its socket's name (gunicorn logs
	// it, and removes it when it stops) gets that path.
	it('a Unix socket is bound at its path: its processes\' getsockname() names it, and no other file is left', async () => {
		const dir = scratch();
		daemon = await startDaemon(`[socket:local]\npath = ${dir}/local.sock\n\n[watcher:ask]\ncmd = python3 -c "import socket, time; print('bound to', socket.socket(fileno=$(circus.sockets.local)).getsockname(), flush=True); time.sleep(1000)"\nuse_sockets = true\npty = false\n`);
		const text = await waitFor(async () => {
			const lines = field<Array<{text: string}>>(await daemon!.ok('logs', {name: 'ask'}), 'lines').map((line) => line.text);
			return lines.find((line) => line.startsWith('bound to'));
		}, {what: 'the process to say what its socket is bound to'});
		expect(text).toBe(`bound to ${dir}/local.sock`);
		expect(fs.readdirSync(dir)).toEqual(['local.sock']);
		expect(fs.statSync(`${dir}/local.sock`).isSocket()).toBe(true);
	});

	it('closes the sockets on quit and removes the Unix socket file', async () => {
		const dir = scratch();
		daemon = await startDaemon(`[socket:web]\nhost = 127.0.0.1\nport = 0\n\n[socket:local]\npath = ${dir}/local.sock\n\n[watcher:idle]\ncmd = sleep 1000\n`);
		const {fd} = (await sockets(daemon)).find((socket) => socket.name === 'web')!;
		const inode = socketInode(daemon.process.pid!, fd);
		expect(tcpInodes()).toContain(inode);
		expect(fs.existsSync(`${dir}/local.sock`)).toBe(true);
		await daemon.ok('quit');
		expect(await daemon.exited).toBe(0);
		expect(fs.existsSync(`${dir}/local.sock`)).toBe(false);
		// No process holds it once the daemon has exited; the kernel may still be finishing its close (a
		// few runs in a hundred here, under load, saw it listed with no process holding it): waited for.
		expect(socketHolders(inode)).toEqual([]);
		await waitFor(() => !tcpInodes().includes(inode), {what: `TCP socket ${inode} to be gone once no process holds it`, timeoutMs: 5000});
	});

	it('refuses to start over an existing socket file unless replace = true, and never replaces another kind of file', async () => {
		const dir = scratch();
		const stale = `${dir}/stale.sock`;
		childProcess.execFileSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(stale)})`]);
		expect(fs.statSync(stale).isSocket()).toBe(true);
		await expect(startDaemon(`[socket:s]\npath = ${stale}\n\n[watcher:idle]\ncmd = sleep 1000\n`)).rejects.toThrow(/socket s: .*stale\.sock exists \(set replace = true to remove it\)/);
		const plainFile = writeFile(dir, 'plain.sock', 'not a socket');
		await expect(startDaemon(`[socket:s]\npath = ${plainFile}\nreplace = true\n\n[watcher:idle]\ncmd = sleep 1000\n`)).rejects.toThrow(/exists and is not a socket/);
		expect(fs.readFileSync(plainFile, 'utf8')).toBe('not a socket');
		daemon = await startDaemon(`[socket:s]\npath = ${stale}\nreplace = true\n\n[watcher:idle]\ncmd = sleep 1000\n`);
		const client = net.connect(stale);
		await new Promise<void>((resolve, reject) => {
			client.once('connect', resolve);
			client.once('error', reject);
		});
		client.destroy();
	});

	it('refuses to start when a port is taken, naming the socket', async () => {
		const taken = net.createServer();
		await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
		const {port} = taken.address() as net.AddressInfo;
		try {
			await expect(startDaemon(`[socket:web]\nhost = 127.0.0.1\nport = ${port}\n\n[watcher:idle]\ncmd = sleep 1000\n`)).rejects.toThrow(new RegExp(`socket web: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
		} finally {
			taken.close();
		}
	});

	it('reloadconfig binds a changed socket again and restarts only the watchers that use it', async () => {
		const dir = scratch();
		const server = writeFile(dir, 'server.py', pythonHttpServer);
		const marker = uniqueSleep();
		const [first, second] = [await freePort(), await freePort()];
		const config = (port: number, extra = ''): string => `
[socket:web]
host = 127.0.0.1
port = ${port}
${extra}
[watcher:web]
cmd = python3 ${server} $(circus.sockets.web)
use_sockets = true
pty = false

[watcher:other]
cmd = sleep ${marker}
`;
		daemon = await startDaemon(config(first));
		const configFile = path.join(daemon.dir, 'circus.ini');
		const webPid = await onePid(daemon, 'web');
		const otherPid = await onePid(daemon, 'other');
		expect(await httpGet(first, 5000)).toMatchObject({kind: 'served', body: `served by ${webPid}\n`});
		const firstInode = socketInode(daemon.process.pid!, (await sockets(daemon))[0]!.fd);
		fs.writeFileSync(configFile, config(second, '\n[socket:spare]\nhost = 127.0.0.1\nport = 0\n'));
		const reply: Reply = await daemon.ok('reloadconfig');
		expect(reply).toMatchObject({changed: ['web']});
		const listed = await sockets(daemon);
		expect(listed.map((socket) => [socket.name, socket.name === 'web' ? socket.port : 'any'])).toEqual(expect.arrayContaining([['web', second], ['spare', 'any']]));
		const newPid = await onePid(daemon, 'web');
		expect(newPid).not.toBe(webPid);
		expect(await onePid(daemon, 'other')).toBe(otherPid);
		expect(await httpGet(second, 5000)).toMatchObject({kind: 'served', body: `served by ${newPid}\n`});
		expect(socketHolders(firstInode)).toEqual([]);
		await waitFor(() => !tcpInodes().includes(firstInode), {what: `TCP socket ${firstInode} to be gone once no process holds it`, timeoutMs: 5000});
		// Removed from the file: closed.
		fs.writeFileSync(configFile, config(second));
		await daemon.ok('reloadconfig');
		expect((await sockets(daemon)).map((socket) => socket.name)).toEqual(['web']);
	});
});

describe('PTY mode with sockets', () => {
	it('loses no output of a fast-exiting process (20 runs of 64 KiB)', async () => {
		const dir = scratch();
		const runs = 20;
		daemon = await startDaemon(`
[socket:web]
host = 127.0.0.1
port = 0

[watcher:burst]
cmd = sh -c 'head -c 65536 /dev/zero | tr "\\\\0" x; echo; echo "end of run on fd $(circus.sockets.web)"'
use_sockets = true
respawn = false
autostart = false
stdout_stream.class = FileStream
stdout_stream.filename = ${dir}/burst.log
`);
		for (let run = 0; run < runs; run++) {
			await daemon.ok('start', {name: 'burst'});
			await waitFor(async () => (await daemon!.ok('status', {name: 'burst'})).status === 'stopped', {what: `run ${run} to end`});
		}

		await daemon.ok('stop', {name: 'burst'});
		const text = fs.readFileSync(`${dir}/burst.log`, 'utf8');
		const complete = text.split('\n').filter((line) => /^x{65536}\r?$/.test(line)).length;
		expect({complete, ends: text.split('end of run on fd 3').length - 1}).toEqual({complete: runs, ends: runs});
	});
});
