import {waitForConnection, type ConnectionWaiter} from './socket-helper.js';
import {bindSockets, type BoundSocket, type SocketSpec} from './sockets.js';

export type {ConnectionWaiter} from './socket-helper.js';

/**
The `[socket:NAME]` sockets the supervisor holds, by name: bound before any watcher starts, handed
to the watchers that use them, watched for `on_demand`, rebound by `reloadconfig`, closed on quit.
*/
export class SocketSet {
	readonly #bound = new Map<string, BoundSocket>();
	readonly #warn: (message: string) => void;

	constructor(warn: (message: string) => void) {
		this.#warn = warn;
	}

	/** Bind `specs` (names not held yet). All or nothing; a SocketError says which and why. */
	async bind(specs: readonly SocketSpec[]): Promise<void> {
		for (const socket of await bindSockets(specs, this.#warn)) {
			this.#bound.get(socket.name)?.close();
			this.#bound.set(socket.name, socket);
		}
	}

	/** Close these (their watchers are stopped); they are no longer handed out. */
	close(names: Iterable<string>): void {
		for (const name of names) {
			this.#bound.get(name)?.close();
			this.#bound.delete(name);
		}
	}

	closeAll(): void {
		this.close([...this.#bound.keys()]);
	}

	/** The supervisor's descriptor of each socket, by name. */
	fds(): Readonly<Record<string, number>> {
		return Object.fromEntries([...this.#bound.values()].map((socket) => [socket.name, socket.fd]));
	}

	/** Circus's `listsockets`: sorted by fd. */
	list(): Array<Readonly<Record<string, string | number>>> {
		return [...this.#bound.values()].sort((a, b) => a.fd - b.fd).map((socket) => socket.description);
	}

	/** Wait for a connection on any of `fds` without accepting it (see socket-helper.ts). */
	waitForConnection(fds: readonly number[], callbacks: {onReady: () => void; onLost: () => void}): ConnectionWaiter {
		const sockets = [...this.#bound.values()].filter((socket) => fds.includes(socket.fd));
		return waitForConnection(fds, {
			onReady: () => {
				for (const socket of sockets) {
					socket.restoreBlocking();
				}

				callbacks.onReady();
			},
			onLost: callbacks.onLost,
		});
	}
}
