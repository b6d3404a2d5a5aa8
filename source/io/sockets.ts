import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {relaySockets, type RawSocketHandle} from './socket-helper.js';

/** What binding one `[socket:NAME]` needs (the configuration's SocketConfig has these fields). */
export type SocketSpec = {
	readonly name: string;
	readonly host: string;
	readonly port: number;
	/** A Unix socket's path; when set, the family is AF_UNIX. */
	readonly path?: string;
	readonly family: 'AF_INET' | 'AF_INET6' | 'AF_UNIX';
	readonly type: 'SOCK_STREAM' | 'SOCK_DGRAM';
	readonly backlog: number;
	/** For the Unix socket's file. */
	readonly umask: number;
	/** Remove an existing Unix socket file first. */
	readonly replace: boolean;
	readonly soReuseport: boolean;
	readonly blocking: boolean;
	readonly interface?: string;
};

/** A listening socket the supervisor holds for its watchers. */
export type BoundSocket = {
	readonly name: string;
	/** The supervisor's descriptor (close-on-exec; children get it as fd 3, 4, ...). */
	readonly fd: number;
	readonly spec: SocketSpec;
	/** Circus's `listsockets` entry: fd, name, backlog, and host and port (the real one for port 0) or path. */
	readonly description: Readonly<Record<string, string | number>>;
	/** Close it; a Unix socket's file is removed if it is still the one bound here. Idempotent. */
	close(): void;
	/** Apply `blocking` again: libuv makes a socket non-blocking when it opens it (the waiter does). */
	restoreBlocking(): void;
};

/** A socket that could not be bound: which one, and why. */
export class SocketError extends Error {
	override readonly name = 'SocketError';
}

type Listening = {spec: SocketSpec; server: net.Server; port?: number; link?: string};

/** Unix socket files bound by this process, by path, with their inode: only ours are removed. */
const ownFiles = new Map<string, number>();
let temporaryNames = 0;

/**
Bind `specs` and return them held, not accepting. Each is listened on with `net.Server` and, in the
same tick, handed to a relay process that returns a bare handle (see socket-helper.ts), so the
supervisor's event loop never accepts a connection meant for a watcher's processes. `warn` gets
the options Node 20 cannot apply. All or nothing: on failure none stays bound.
*/
export async function bindSockets(specs: readonly SocketSpec[], warn: (message: string) => void): Promise<BoundSocket[]> {
	if (specs.length === 0) {
		return [];
	}

	for (const spec of specs) {
		if (spec.type !== 'SOCK_STREAM') {
			throw new SocketError(`socket ${spec.name}: ${spec.type} is not supported; procui binds SOCK_STREAM sockets`);
		}

		if (spec.soReuseport) {
			warn(`socket ${spec.name}: so_reuseport needs Node 22; one socket is shared by every process instead (the kernel still spreads connections between them)`);
		}

		if (spec.interface !== undefined) {
			warn(`socket ${spec.name}: interface (SO_BINDTODEVICE) cannot be set from Node; the socket listens on every interface its address allows`);
		}
	}

	// Name lookups first: from here to the relay nothing may yield to the event loop.
	const hosts = await Promise.all(specs.map(async (spec) => (spec.path === undefined ? resolveHost(spec) : undefined)));
	const listening: Listening[] = [];
	let handles: RawSocketHandle[];
	try {
		const ready = specs.map((spec, index) => listen(spec, hosts[index], listening));
		await Promise.all(ready);
		handles = await takeOver(listening);
	} catch (error) {
		// Let listens still in flight (a next tick away) finish, so that closing catches them all.
		await new Promise((resolve) => setImmediate(resolve));
		for (const {server, link} of listening) {
			server.close();
			if (link !== undefined) {
				fs.rmSync(link, {force: true});
			}
		}

		for (const spec of specs) {
			forgetFile(spec.path, true);
		}

		throw error instanceof SocketError ? error : new SocketError(error instanceof Error ? error.message : String(error));
	}

	return listening.map((entry, index) => held(entry, handles[index]!));
}

async function resolveHost(spec: SocketSpec): Promise<string> {
	const family = spec.family === 'AF_INET6' ? 6 : 4;
	const host = spec.host === '' || spec.host === '*' ? (family === 6 ? '::' : '0.0.0.0') : spec.host;
	try {
		// Imported here, not at the top: a supervisor without sockets never loads the resolver.
		const dns = await import('node:dns/promises');
		return (await dns.lookup(host, {family})).address;
	} catch (error) {
		throw new SocketError(`socket ${spec.name}: cannot resolve host ${JSON.stringify(spec.host)} (IPv${family}): ${error instanceof Error ? error.message : String(error)}`);
	}
}

/** Start listening; resolves on 'listening' (a next tick, not an event-loop turn). */
async function listen(spec: SocketSpec, host: string | undefined, listening: Listening[]): Promise<void> {
	const server = net.createServer();
	// Never expected (the server is closed before the loop polls it); if it ever happens the
	// connection is closed rather than left hanging.
	server.on('connection', (socket) => {
		socket.destroy();
	});
	listening.push({spec, server});
	const ready = new Promise<void>((resolve, reject) => {
		server.once('listening', resolve);
		server.once('error', (error: NodeJS.ErrnoException) => {
			reject(new SocketError(`socket ${spec.name}: cannot listen on ${spec.path ?? `${host ?? spec.host}:${spec.port}`}: ${error.message}`));
		});
	});
	if (spec.path === undefined) {
		server.listen({host, port: spec.port, backlog: spec.backlog});
	} else {
		listening.at(-1)!.link = listenOnFile(spec as SocketSpec & {path: string}, server);
	}

	return ready;
}

/**
A Unix socket is bound at its path, as Circus binds it (so its processes' getsockname() names that
path), after removing an old socket file there when `replace` is set (as Circus does). libuv
removes a pipe server's file when the server closes, and the server is closed at once (the socket
lives on in the supervisor's bare handle): a second name (a hard link in the same folder, returned
here) keeps the file, and takeOver renames it back into place once the server is closed.
*/
function listenOnFile(spec: SocketSpec & {path: string}, server: net.Server): string | undefined {
	const existing = fs.lstatSync(spec.path, {throwIfNoEntry: false});
	if (existing && !spec.replace) {
		throw new SocketError(`socket ${spec.name}: ${spec.path} exists (set replace = true to remove it)`);
	}

	if (existing && !existing.isSocket()) {
		throw new SocketError(`socket ${spec.name}: ${spec.path} exists and is not a socket; procui replaces only sockets`);
	}

	const folder = fs.statSync(path.dirname(spec.path), {throwIfNoEntry: false});
	if (!folder?.isDirectory()) {
		throw new SocketError(`socket ${spec.name}: cannot bind ${spec.path}: ${folder === undefined ? 'its folder does not exist' : 'a part of its path is not a directory'}`);
	}

	if (existing) {
		fs.rmSync(spec.path, {force: true});
	}

	const previous = process.umask(spec.umask);
	try {
		// Bound synchronously, so the umask applies to this file and nothing else.
		server.listen({path: spec.path, backlog: spec.backlog});
	} finally {
		process.umask(previous);
	}

	if (!server.listening) {
		return undefined;
	}

	const link = path.join(path.dirname(spec.path), `.procui-${process.pid}-${++temporaryNames}`);
	fs.linkSync(spec.path, link);
	ownFiles.set(spec.path, fs.statSync(spec.path).ino);
	return link;
}

/** Hand the listening sockets to the relay and close the servers, in this same tick. */
async function takeOver(listening: readonly Listening[]): Promise<RawSocketHandle[]> {
	const fds = listening.map((entry) => {
		const fd = (entry.server as net.Server & {_handle?: {fd?: number}})._handle?.fd;
		if (fd === undefined || fd < 0) {
			throw new SocketError(`socket ${entry.spec.name}: no descriptor for the listening socket`);
		}

		const address = entry.server.address();
		entry.port = typeof address === 'object' && address !== null ? address.port : undefined;
		return fd;
	});
	const relayed = relaySockets(fds);
	for (const {server, spec, link} of listening) {
		// Closing removes the socket's file (libuv); its second name puts it back.
		server.close();
		if (link !== undefined) {
			fs.renameSync(link, spec.path!);
		}
	}

	return relayed;
}

function held({spec, port}: Listening, handle: RawSocketHandle): BoundSocket {
	const restoreBlocking = (): void => {
		if (spec.blocking) {
			handle.setBlocking?.(true);
		}
	};

	restoreBlocking();
	const description: Record<string, string | number> = {fd: handle.fd, name: spec.name, backlog: spec.backlog};
	if (spec.path === undefined) {
		description.host = spec.host;
		description.port = port ?? spec.port;
	} else {
		description.path = spec.path;
	}

	let open = true;
	return {
		name: spec.name,
		fd: handle.fd,
		spec,
		description,
		close() {
			if (open) {
				open = false;
				handle.close();
				forgetFile(spec.path, true);
			}
		},
		restoreBlocking,
	};
}

function forgetFile(file: string | undefined, remove = false): void {
	if (file === undefined) {
		return;
	}

	const ino = ownFiles.get(file);
	ownFiles.delete(file);
	if (remove && ino !== undefined && fs.statSync(file, {throwIfNoEntry: false})?.ino === ino) {
		fs.rmSync(file, {force: true});
	}
}
