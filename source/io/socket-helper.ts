import childProcess, {type ChildProcess} from 'node:child_process';
import {trackChild} from './adopted.js';
import {execHelperPath} from './spawn.js';

/**
A listening socket as the supervisor holds it: a bare libuv handle that nothing reads, accepts on or
polls. Only its descriptor is used (handed to children), and `close` closes it.
*/
export type RawSocketHandle = {
	readonly fd: number;
	close(): void;
	/** libuv's uv_stream_set_blocking: clears or sets O_NONBLOCK on the socket (shared with children). */
	setBlocking?(blocking: boolean): number;
};

/**
Node has no API that holds a listening socket without accepting on it (`net.Server` accepts as
soon as the event loop polls) or that waits for a pending connection without accepting it. So a
small Node process does both jobs, with only public `net` calls on its side:

- `relay`: the socket descriptors it inherited come back to the supervisor over the IPC channel as
  bare handles (SCM_RIGHTS, received close-on-exec). The supervisor's `net.Server` is closed in the
  same tick it listened, before its loop ever polled it, so the supervisor never accepts.
- `wait`: a read on a listening socket fails (ENOTCONN, EINVAL for Unix sockets) exactly when a
  connection is pending, and failing does not accept it. The first such error is reported and the
  helper exits; the connection stays queued for the watcher's process to accept.

The helper exits when the supervisor goes away (its IPC channel closes), so it never outlives it;
a relay helper is killed as soon as the last handle has come (and waited for), so that it holds no
socket past the bind.
Sockets are its fd 4, 5, ... (fd 3 is the IPC channel). It starts through procui-exec, which closes
every other descriptor: a PTY's descriptors from openpty are not close-on-exec, and a waiting
helper that inherited one would keep that PTY from hanging up, so a stopped process's output
would never end (measured: stops took graceful_timeout until this was done).
*/
const helperScript = `
const net = require('net');
const [mode, count] = process.argv.slice(1);
process.title = mode === 'relay' ? 'procui: passing sockets' : 'procui: waiting for a connection';
const fds = Array.from({length: Number(count)}, (_, index) => 4 + index);
process.on('disconnect', () => process.exit(0));
if (mode === 'relay') {
	const handles = fds.map((fd) => new net.Socket({fd, readable: false, writable: false})._handle);
	const next = (index) => {
		if (index === handles.length) {
			process.disconnect();
			return;
		}
		process.send({index}, handles[index], () => next(index + 1));
	};
	next(0);
} else {
	fds.forEach((fd, index) => {
		const socket = new net.Socket({fd, readable: true, writable: false});
		socket.on('error', () => {
			process.send({ready: index}, () => process.exit(0));
		});
	});
}
`;

function spawnHelper(mode: 'relay' | 'wait', fds: readonly number[]): ChildProcess {
	// procui-exec also gives it its own session: a ^C meant for a foreground supervisor must not reach it.
	const child = childProcess.spawn(execHelperPath(), ['--keep', String(4 + fds.length), '--', process.execPath, 'node', '-e', helperScript, mode, String(fds.length)], {
		// Nothing on stdout or stderr: the supervisor's stderr may be a pipe nobody reads.
		stdio: ['ignore', 'ignore', 'ignore', 'ipc', ...fds],
		// No NODE_OPTIONS or other settings of the supervisor's environment.
		env: {},
	});
	// Node reaps it: the subreaper's reaper must not.
	trackChild(child);
	return child;
}

/** How long a relay may take before binding is abandoned. */
const relayTimeoutMs = 10_000;

/** Get bare handles for `fds` (which the caller then closes). Resolves in the order given. */
export async function relaySockets(fds: readonly number[]): Promise<RawSocketHandle[]> {
	const child = spawnHelper('relay', fds);
	return new Promise((resolve, reject) => {
		const handles: Array<RawSocketHandle | undefined> = fds.map(() => undefined);
		let received = 0;
		let done = false;
		const fail = (reason: string): void => {
			if (done) {
				return;
			}

			done = true;
			clearTimeout(timer);
			for (const handle of handles) {
				handle?.close();
			}

			child.kill('SIGKILL');
			reject(new Error(`could not take over the listening sockets: ${reason}`));
		};

		const timer = setTimeout(() => {
			fail(`no answer within ${relayTimeoutMs / 1000} s`);
		}, relayTimeoutMs);
		child.on('error', (error) => {
			fail(error.message);
		});
		child.on('message', (message: {index?: number}, handle: RawSocketHandle | undefined) => {
			if (done || typeof message.index !== 'number' || handle === undefined || handles[message.index] !== undefined) {
				handle?.close();
				return;
			}

			handles[message.index] = handle;
			received++;
			if (received === fds.length) {
				done = true;
				clearTimeout(timer);
				// Its copies of the sockets go with it, now rather than when its own exit comes round (a
				// quit right after a start found a listening socket still held by a helper that had not
				// yet exited, reparented to init): resolved once it is gone.
				child.once('exit', () => {
					resolve(handles as RawSocketHandle[]);
				});
				child.kill('SIGKILL');
			}
		});
		child.once('exit', (code, signal) => {
			fail(`the helper process ended early (${signal ?? `exit status ${code ?? 0}`})`);
		});
	});
}

/** A wait for a pending connection on some listening sockets. */
export type ConnectionWaiter = {
	/** Stop waiting; resolves once the helper (and its copies of the sockets) are gone. */
	cancel(): Promise<void>;
};

/**
Call `onReady` once a connection is pending on one of `fds`, without accepting it. `onLost` is
called instead if the helper ends without seeing one (it was killed).
*/
export function waitForConnection(fds: readonly number[], callbacks: {onReady: () => void; onLost: () => void}): ConnectionWaiter {
	const child = spawnHelper('wait', fds);
	let settled = false;
	let resolveGone!: () => void;
	const gone = new Promise<void>((resolve) => {
		resolveGone = resolve;
	});
	const end = (): void => {
		resolveGone();
		if (!settled) {
			settled = true;
			callbacks.onLost();
		}
	};

	// A failed spawn reports 'error' and may never report 'exit'.
	child.once('exit', end);
	child.once('error', end);
	child.on('message', (message: {ready?: number}) => {
		if (typeof message.ready === 'number' && !settled) {
			settled = true;
			callbacks.onReady();
		}
	});
	return {
		async cancel() {
			settled = true;
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGKILL');
			}

			await gone;
		},
	};
}
