/**
Who is on the other end of a loopback TCP connection.

Node.js offers no SO_PEERCRED, so the peer's uid is read from the kernel's socket tables,
/proc/net/tcp and /proc/net/tcp6. The accepted socket is found there by its own inode (read
from /proc/self/fd), which gives the connection's exact addresses; the peer is the row with
those addresses swapped. A peer is trusted only when that row is unambiguous and says who
owns it:
- exactly one row matches (any other count refuses, never admits);
- its inode is not 0: a socket whose process closed it is orphaned, and the kernel then
  reports uid 0 for it, so a client that sends and closes at once would read as root's;
- its state is ESTABLISHED, or FIN_WAIT1/FIN_WAIT2 (the client half-closed after sending but
  still holds the socket, so its inode and uid are still its own). TIME_WAIT, CLOSE and the
  rest refuse;
- its uid is the expected one.
Linux-only, like the rest of procui's /proc use.

Reading the tables costs a pass over every TCP socket on the machine, so lookups are batched:
one read serves every connection accepted before it started (see PeerTables).

Unix sockets need none of this: the socket is 0600 in a 0700 directory, so only its owner can
connect.
*/
import {readdir, readFile, readlink} from 'node:fs/promises';
import type net from 'node:net';
import {errorCode} from './errors.js';

const socketTables = ['/proc/net/tcp', '/proc/net/tcp6'] as const;

/** `st` column values (include/net/tcp_states.h) in which a peer still holds its socket. */
const trustedStates = new Map([['01', 'ESTABLISHED'], ['04', 'FIN_WAIT1'], ['05', 'FIN_WAIT2']]);

/** One row of /proc/net/tcp(6); addresses are kept as the kernel's hex text, compared as is. */
export type SocketRow = {
	readonly local: string;
	readonly remote: string;
	/** The `st` column, two hex digits. */
	readonly state: string;
	readonly uid: number;
	/** 0 for a socket no process holds any more. */
	readonly inode: number;
};

/** The verdict on a peer: its uid, or why it cannot be known. */
export type PeerOwner = {readonly uid: number} | {readonly unknown: string};

/** Rows of one /proc/net/tcp(6) table. */
export function parseSocketTable(table: string): SocketRow[] {
	const rows: SocketRow[] = [];
	for (const line of table.split('\n').slice(1)) {
		const fields = line.trim().split(/\s+/);
		if (fields.length < 10) {
			continue;
		}

		const uid = Number(fields[7]);
		const inode = Number(fields[9]);
		if (Number.isInteger(uid) && Number.isInteger(inode)) {
			rows.push({local: fields[1]!, remote: fields[2]!, state: fields[3]!, uid, inode});
		}
	}

	return rows;
}

/** Who owns the other end of our socket `inode`, judged from `rows` (see the rules above). */
export function peerOwner(rows: readonly SocketRow[], inode: number): PeerOwner {
	const own = rows.filter(row => row.inode === inode);
	if (own.length !== 1) {
		return {unknown: 'the connection is no longer in the kernel\'s socket table'};
	}

	const {local, remote} = own[0]!;
	const peers = rows.filter(row => row.local === remote && row.remote === local);
	if (peers.length !== 1) {
		return {unknown: `${peers.length} sockets match its addresses`};
	}

	const peer = peers[0]!;
	if (peer.inode === 0) {
		return {unknown: 'it closed its socket before it could be checked'};
	}

	if (!trustedStates.has(peer.state)) {
		return {unknown: `its socket is in TCP state ${peer.state}`};
	}

	return {uid: peer.uid};
}

/** The inode of a connected socket's file descriptor (`socket:[INODE]` in /proc/self/fd), or undefined. */
export async function socketInode(socket: net.Socket): Promise<number | undefined> {
	// Node.js keeps the descriptor on its internal handle; there is no public accessor.
	const fd = (socket as unknown as {_handle?: {fd?: unknown}})._handle?.fd;
	if (typeof fd !== 'number' || fd < 0) {
		return undefined;
	}

	try {
		const match = /^socket:\[(\d+)]$/.exec(await readlink(`/proc/self/fd/${fd}`));
		return match ? Number(match[1]) : undefined;
	} catch {
		return undefined;
	}
}

/** Both socket tables, parsed. */
export async function readSocketTables(): Promise<SocketRow[]> {
	const rows: SocketRow[] = [];
	for (const table of socketTables) {
		try {
			rows.push(...parseSocketTable(await readFile(table, 'utf8')));
		} catch (error) {
			if (errorCode(error) !== 'ENOENT') {
				throw error;
			}
			// No IPv6 on this machine: no tcp6 table, and nothing to find in it.
		}
	}

	return rows;
}

/**
Reads the socket tables for many connections at once: a lookup waits for the next read that
starts after it was asked (a read already under way may predate the connection), and every
lookup waiting then shares that read.
*/
export class PeerTables {
	#reading = false;
	#waiting: Array<{resolve: (rows: SocketRow[]) => void; reject: (error: unknown) => void}> = [];

	/** Lookups waiting for a read. */
	get waiting(): number {
		return this.#waiting.length;
	}

	async read(): Promise<SocketRow[]> {
		const rows = new Promise<SocketRow[]>((resolve, reject) => {
			this.#waiting.push({resolve, reject});
		});
		this.#next();
		return rows;
	}

	#next(): void {
		if (this.#reading || this.#waiting.length === 0) {
			return;
		}

		this.#reading = true;
		const batch = this.#waiting;
		this.#waiting = [];
		void readSocketTables().then(rows => {
			for (const waiter of batch) {
				waiter.resolve(rows);
			}
		}, (error: unknown) => {
			for (const waiter of batch) {
				waiter.reject(error);
			}
		}).finally(() => {
			this.#reading = false;
			this.#next();
		});
	}
}

/** Can the peer uid of TCP connections be checked here? (The server refuses TCP endpoints otherwise.) */
export async function canCheckTcpPeers(): Promise<boolean> {
	try {
		await readFile(socketTables[0], 'utf8');
		await readdir('/proc/self/fd');
		return true;
	} catch {
		return false;
	}
}
