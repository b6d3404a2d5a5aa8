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
type SocketRow = {
	readonly local: string;
	readonly remote: string;
	/** The `st` column, two hex digits. */
	readonly state: string;
	readonly uid: number;
	/** 0 for a socket no process holds any more. */
	readonly inode: number;
};

/** The verdict on a peer: its uid, or why it cannot be known (`again`: a fresh read of the tables may tell). */
export type PeerOwner = {readonly uid: number} | {readonly unknown: string; readonly again?: boolean};

/** The row of a /proc/net/tcp(6) line, or undefined for the header or a line of another shape. */
function parseRow(line: string): SocketRow | undefined {
	const fields = line.trim().split(/\s+/);
	if (fields.length < 10) {
		return undefined;
	}

	const uid = Number(fields[7]);
	const inode = Number(fields[9]);
	if (!Number.isInteger(uid) || !Number.isInteger(inode)) {
		return undefined;
	}

	return {local: fields[1]!, remote: fields[2]!, state: fields[3]!, uid, inode};
}

/**
Rows of the tables' `texts` on lines containing `needle` that `keep` accepts. Only those lines
are parsed: a table holds every TCP socket on the machine, and a flood makes it long. The
kernel writes a table a page at a time, so a read while sockets come and go can show a row
twice (or miss one): a repeated row is kept once.
*/
function findRows(texts: readonly string[], needle: string, keep: (row: SocketRow) => boolean): SocketRow[] {
	const rows: SocketRow[] = [];
	const seen = new Set<string>();
	for (const text of texts) {
		for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
			const start = text.lastIndexOf('\n', at) + 1;
			const end = text.indexOf('\n', at);
			const row = parseRow(text.slice(start, end === -1 ? text.length : end));
			const key = row === undefined ? '' : `${row.local} ${row.remote} ${row.inode}`;
			if (row !== undefined && keep(row) && !seen.has(key)) {
				seen.add(key);
				rows.push(row);
			}
		}
	}

	return rows;
}

/** Who owns the other end of our socket `inode`, judged from the text of the socket tables (see the rules above). */
export function peerOwner(tables: readonly string[], inode: number): PeerOwner {
	const own = findRows(tables, ` ${inode} `, row => row.inode === inode);
	if (own.length !== 1) {
		return {unknown: 'the connection is not in the kernel\'s socket table', again: true};
	}

	const {local, remote} = own[0]!;
	const peers = findRows(tables, `${remote} ${local} `, row => row.local === remote && row.remote === local);
	if (peers.length !== 1) {
		return {unknown: `${peers.length} sockets match its addresses`, again: true};
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

/** The text of both socket tables. */
async function readSocketTables(): Promise<string[]> {
	const texts: string[] = [];
	for (const table of socketTables) {
		try {
			texts.push(await readFile(table, 'latin1'));
		} catch (error) {
			if (errorCode(error) !== 'ENOENT') {
				throw error;
			}
			// No IPv6 on this machine: no tcp6 table, and nothing to find in it.
		}
	}

	return texts;
}

/** Least time between the starts of two table reads: under a flood, reads are what costs (a table lists every TCP socket). */
const minReadIntervalMs = 25;

/**
Reads the socket tables for many connections at once: a lookup waits for the next read that
starts after it was asked (a read already under way may predate the connection), and every
lookup waiting then shares that read. Reads start at most every `minReadIntervalMs`, so a
flood of connections costs a bounded number of reads, not one each.
*/
export class PeerTables {
	#reading = false;
	#lastReadStart = Number.NEGATIVE_INFINITY;
	#timer: NodeJS.Timeout | undefined;
	#waiting: Array<{resolve: (texts: string[]) => void; reject: (error: unknown) => void}> = [];

	/** Lookups waiting for a read. */
	get waiting(): number {
		return this.#waiting.length;
	}

	async read(): Promise<string[]> {
		const texts = new Promise<string[]>((resolve, reject) => {
			this.#waiting.push({resolve, reject});
		});
		this.#next();
		return texts;
	}

	#next(): void {
		if (this.#reading || this.#timer !== undefined || this.#waiting.length === 0) {
			return;
		}

		const wait = this.#lastReadStart + minReadIntervalMs - performance.now();
		if (wait > 0) {
			this.#timer = setTimeout(() => {
				this.#timer = undefined;
				this.#next();
			}, wait);
			return;
		}

		this.#lastReadStart = performance.now();
		this.#reading = true;
		const batch = this.#waiting;
		this.#waiting = [];
		void readSocketTables().then(texts => {
			for (const waiter of batch) {
				waiter.resolve(texts);
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
