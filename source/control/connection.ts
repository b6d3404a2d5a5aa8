/**
One client connection on the server side: framing, flow control and the subscriber's queue.

Memory per connection is bounded on every path:
- input: a line is at most `maxMessageBytes` while it is buffered (see LineSplitter); a longer
  one gets an error reply and the connection is closed;
- replies are never dropped, so reading stops while `maxInFlight` requests are running or
  while more than `maxPendingReplyBytes` of replies wait to be written, and resumes on drain;
  a client that floods requests without reading replies is slowed, not served into memory;
- events are dropped once more than `maxQueuedBytes` wait to be written, counted, and
  announced with one `dropped` event when the socket has drained.
*/
import type net from 'node:net';
import {LineSplitter} from './line-splitter.js';
import {droppedEvent, errno, errorReply, nowSeconds, topicMatches, type Reply, type Request} from './protocol.js';

/** How long a connection being closed with a last message gets to write it. */
const closeGraceMs = 1000;
/** The longest delay `setTimeout` takes as given. */
const maxTimerMs = 2 ** 31 - 1;

/** What a request handler learns about the connection a request came on. */
export type ConnectionInfo = {
	/** Sequence number of the connection within this server, for logs. */
	readonly id: number;
	/** The peer, for logs: `unix#3` or `127.0.0.1:53412`. */
	readonly peer: string;
	/** Aborted when the connection closes: work whose reply nobody will read can stop. */
	readonly signal: AbortSignal;
};

export type ConnectionLimits = {
	/** Longest request line, in bytes. */
	readonly maxMessageBytes: number;
	/** Outgoing bytes beyond which events for this subscriber are dropped. */
	readonly maxQueuedBytes: number;
	/** Outgoing bytes beyond which the connection's requests are no longer read. */
	readonly maxPendingReplyBytes: number;
	/** Requests running at once for one connection before its reading pauses. */
	readonly maxInFlight: number;
	/** A connection that sends nothing for this long, with no request running and no subscription, is closed. */
	readonly idleTimeoutMs: number;
};

type ConnectionOptions = ConnectionLimits & {
	readonly id: number;
	readonly peer: string;
	readonly socket: net.Socket;
	readonly onLine: (connection: Connection, line: Buffer) => void;
	readonly onError: (connection: Connection, error: Error) => void;
};

export class Connection {
	readonly info: ConnectionInfo;
	/** Settles when the socket has closed. */
	readonly closed: Promise<void>;
	readonly #socket: net.Socket;
	readonly #limits: ConnectionLimits;
	readonly #splitter: LineSplitter;
	readonly #abort = new AbortController();
	#topics: readonly string[] = [];
	#inFlight = 0;
	#started = false;
	#peerEnded = false;
	/** Events dropped since the last `dropped` notice. */
	#dropped = 0;
	/** When the peer last sent something (or the connection opened), from `performance.now()`. */
	#lastHeard = performance.now();
	readonly #idleTimer: NodeJS.Timeout;

	constructor(options: ConnectionOptions) {
		const {socket} = options;
		this.#socket = socket;
		this.#limits = options;
		this.info = {id: options.id, peer: options.peer, signal: this.#abort.signal};
		this.#splitter = new LineSplitter({
			maxLineBytes: options.maxMessageBytes,
			onLine: line => {
				options.onLine(this, line);
			},
			onOversized: () => {
				// No procui client sends such a line: whatever sent it is not worth more memory.
				this.close(errorReply(null, `message longer than ${options.maxMessageBytes} bytes: closing the connection`, errno.messageError));
			},
		});
		// Node.js fires a longer timer at once: a longer timeout is checked every 2^31 - 1 ms instead.
		this.#idleTimer = setTimeout(() => {
			this.#onIdleTimer();
		}, Math.min(options.idleTimeoutMs, maxTimerMs));
		this.#idleTimer.unref();
		this.closed = new Promise(resolve => {
			socket.once('close', () => {
				clearTimeout(this.#idleTimer);
				this.#abort.abort();
				resolve();
			});
		});
		socket.on('data', chunk => {
			this.#lastHeard = performance.now();
			if (!socket.writableEnded) {
				this.#splitter.push(chunk);
			}
		});
		socket.on('end', () => {
			if (!socket.writableEnded) {
				// `printf '{"command": "status"}' | nc -U`: the request ends with the input.
				this.#splitter.end();
			}

			this.#peerEnded = true;
			this.#finishIfDone();
		});
		socket.on('drain', () => {
			this.#sendDropNotice();
			this.#updateFlow();
		});
		socket.on('error', error => {
			options.onError(this, error);
		});
	}

	/** Bytes written to the socket and not yet taken by the kernel. */
	get queuedBytes(): number {
		return this.#socket.writableLength;
	}

	get isSubscriber(): boolean {
		return this.#topics.length > 0;
	}

	/** Neither a request running nor a subscription: closing it loses nothing but the socket. */
	get isIdle(): boolean {
		return this.#inFlight === 0 && this.#topics.length === 0;
	}

	/** When the peer last sent something, from `performance.now()`. */
	get lastHeard(): number {
		return this.#lastHeard;
	}

	/** Start reading requests (a TCP connection waits until its peer's uid has been checked). */
	start(): void {
		this.#started = true;
		this.#updateFlow();
	}

	/** Send one error (without an id: it answers no request) and close, dropping replies still to come. */
	close(reply: Reply): void {
		endWith(this.#socket, reply, true);
	}

	/** Write a reply. Replies are never dropped; their volume is bounded by pausing reading. */
	sendReply(reply: Reply): void {
		if (this.#write(`${JSON.stringify(reply)}\n`)) {
			this.#updateFlow();
		}
	}

	/** Count a request as running until `work` settles (`work` must not reject). */
	track(work: Promise<void>): void {
		this.#inFlight++;
		this.#updateFlow();
		void work.finally(() => {
			this.#inFlight--;
			this.#updateFlow();
			this.#finishIfDone();
		});
	}

	/** Does this connection subscribe to `topic`? */
	wants(topic: string): boolean {
		return this.#topics.some(pattern => topicMatches(pattern, topic));
	}

	/** Queue an event line, or drop it if the subscriber is too far behind. Returns whether it was queued. */
	pushEvent(line: string): boolean {
		if (this.#dropped > 0 && this.#socket.writableLength === 0) {
			// Already drained without a 'drain' event (nothing was ever refused by write()): announce now.
			this.#sendDropNotice();
		}

		// Once dropping has started it continues until the socket drains, so the notice arrives
		// in order: after the events before the gap, before the events after it.
		if (this.#dropped > 0 || this.#socket.writableLength > this.#limits.maxQueuedBytes) {
			this.#dropped++;
			return false;
		}

		return this.#write(line);
	}

	/** Apply a `subscribe` or `unsubscribe` request; the server answers both itself. */
	updateSubscription(request: Request): Reply {
		const topics = topicsOf(request.properties);
		if (typeof topics === 'string') {
			return errorReply(request.id, topics, errno.messageError);
		}

		if (request.command === 'subscribe') {
			if (topics === undefined || topics.length === 0) {
				return errorReply(request.id, '`subscribe` needs `topics`, a list such as ["watcher.web.*", "logs.web"]', errno.messageError);
			}

			this.#topics = [...new Set([...this.#topics, ...topics])];
		} else {
			this.#topics = topics === undefined ? [] : this.#topics.filter(topic => !topics.includes(topic));
		}

		return {id: request.id, status: 'ok', time: nowSeconds(), topics: this.#topics};
	}

	/** Close after what is queued has been written. */
	end(): void {
		this.#socket.end();
	}

	destroy(): void {
		this.#socket.destroy();
	}

	#write(data: string): boolean {
		const socket = this.#socket;
		if (socket.destroyed || socket.writableEnded) {
			return false;
		}

		socket.write(data);
		return true;
	}

	#sendDropNotice(): void {
		if (this.#dropped === 0) {
			return;
		}

		const count = this.#dropped;
		this.#dropped = 0;
		this.#write(`${JSON.stringify({event: droppedEvent, data: {count}, time: nowSeconds()})}\n`);
	}

	#updateFlow(): void {
		const socket = this.#socket;
		if (socket.destroyed) {
			return;
		}

		const read = this.#started
			&& !this.#peerEnded
			&& !socket.writableEnded
			&& this.#inFlight < this.#limits.maxInFlight
			&& socket.writableLength <= this.#limits.maxPendingReplyBytes;
		if (read && socket.isPaused()) {
			socket.resume();
		} else if (!read && !socket.isPaused()) {
			socket.pause();
		}
	}

	#onIdleTimer(): void {
		const quietMs = performance.now() - this.#lastHeard;
		if (!this.isIdle || quietMs < this.#limits.idleTimeoutMs) {
			// Busy, or heard from since the timer was set: look again a full period after the last word.
			this.#idleTimer.refresh();
			return;
		}

		const seconds = this.#limits.idleTimeoutMs / 1000;
		this.close(errorReply(null, `closing the connection: nothing received for ${seconds} s (procui.client_idle_timeout)`, errno.messageError));
	}

	/** A peer that half-closed gets its outstanding replies, then the connection ends (subscriptions with it). */
	#finishIfDone(): void {
		if (this.#peerEnded && this.#inFlight === 0 && !this.#socket.writableEnded) {
			this.#socket.end();
		}
	}
}

/**
Write `reply` and close the socket. With `drain`, what the peer still sends is read and thrown
away until it closes its side too (destroying a socket with unread input would reset the
connection, and the peer could lose the reply); without, nothing is read and the socket is
destroyed once the reply is written. Either way it is gone after a grace period.
*/
export function endWith(socket: net.Socket, reply: Reply, drain = false): void {
	if (socket.destroyed || socket.writableEnded) {
		return;
	}

	const timer = setTimeout(() => socket.destroy(), closeGraceMs).unref();
	socket.once('close', () => {
		clearTimeout(timer);
	});
	const line = `${JSON.stringify(reply)}\n`;
	if (drain) {
		socket.end(line);
		socket.resume();
	} else {
		socket.pause();
		socket.end(line, () => socket.destroy());
	}
}

function topicsOf(properties: Request['properties']): readonly string[] | undefined | string {
	const topics = properties?.topics ?? properties?.topic;
	if (topics === undefined) {
		return undefined;
	}

	const list = typeof topics === 'string' ? [topics] : topics;
	if (!Array.isArray(list) || !list.every(topic => typeof topic === 'string')) {
		return `Expected \`topics\` to be a list of strings, got \`${JSON.stringify(topics)}\``;
	}

	return list as string[];
}
