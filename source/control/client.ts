/**
A client of a running supervisor's control endpoint: `procui ctl`, `procui attach`, `procui logs`.
Requests carry an id and replies are matched by it, so calls may overlap on one connection.
*/
import net from 'node:net';
import type {Duplex} from 'node:stream';
import {isSshUrl, toEndpoint, type Endpoint} from './endpoint.js';
import {ControlConnectionError, ControlTimeoutError, errorCode, errorMessage} from './errors.js';
import {LineSplitter} from './line-splitter.js';
import type {SshEndpoint} from './ssh-endpoint.js';
import {droppedEvent, isErrorReply, topicMatches, type EventMessage, type Properties, type Reply} from './protocol.js';
import {checkSocketToTrust} from './socket-file.js';
import {TypedEmitter} from './typed-emitter.js';

/**
Request ids: 32 hex digits, as circusctl's uuid4().hex, from a random prefix and a count. The server
sends a reply only on the connection the request came on, so an id need only differ from the others
pending there; node:crypto (19 modules, ~5 ms of `procui ctl`'s start) is not loaded for it.
*/
const idPrefix = Array.from({length: 4}, () => Math.floor(Math.random() * 0x1_00_00_00).toString(16).padStart(6, '0')).join('');
let idCount = 0;
function nextId(): string {
	idCount = (idCount + 1) % 0x1_00_00_00_00;
	return idPrefix + idCount.toString(16).padStart(8, '0');
}

/** circusctl's default `--timeout`. */
const defaultTimeoutMs = 5000;
/** A reply or event longer than this ends the connection: the server never sends one, so it is not a procui. */
const maxIncomingLineBytes = 64 * 1024 * 1024;

type SocketClientOptions = {
	/** How long to wait for the connection and for each reply, in milliseconds. Default 5000, as circusctl's `--timeout 5`. */
	readonly timeoutMs?: number;
};

type CallOptions = {
	/** This call's timeout, in milliseconds, instead of the client's. */
	readonly timeoutMs?: number;
};

type SocketClientEvents = {
	/** Any event received after a `subscribe`, `dropped` notices included. */
	event: [event: EventMessage];
	/** The server dropped `count` events because this client read too slowly. */
	dropped: [count: number];
	/** The connection ended; `error` says why, unless it was `close()`. */
	close: [error: ControlConnectionError | undefined];
};

/** A live subscription; `unsubscribe()` stops it. */
export type Subscription = {
	/** The topic patterns it receives. */
	readonly topics: readonly string[];
	unsubscribe(): Promise<void>;
};

/** A call waiting for its reply. */
type Pending = {
	/** The command sent, for error messages. */
	readonly command: string;
	readonly resolve: (reply: Reply) => void;
	readonly reject: (error: Error) => void;
};

/** One `subscribe()`: its topics and where its events go. */
type SubscriptionEntry = {
	readonly topics: readonly string[];
	readonly onEvent: (event: EventMessage) => void;
};

export class SocketClient extends TypedEmitter<SocketClientEvents> {
	/** The endpoint this client is connected to. */
	readonly endpoint: Endpoint | SshEndpoint;
	/** A socket, or an `ssh` child's stdio for an ssh:// endpoint. */
	readonly #socket: net.Socket | Duplex;
	readonly #timeoutMs: number;
	readonly #pending = new Map<string, Pending>();
	readonly #subscriptions = new Set<SubscriptionEntry>();
	readonly #closed: Promise<void>;
	#isClosed = false;
	#closing = false;
	/** Why the connection failed: a socket error, or an error the server sent without an id (such as a refusal). */
	#failure: string | undefined;

	/** Connect to a supervisor. Rejects with a `ControlConnectionError` that says what to do when none is there. */
	static async connect(endpoint: Endpoint | string, options: SocketClientOptions = {}): Promise<SocketClient> {
		if (typeof endpoint === 'string' && isSshUrl(endpoint)) {
			// Loaded only here: `procui ctl` on a local socket starts without the ssh transport's modules.
			const [{parseSshEndpoint}, {openSshStream}] = await Promise.all([import('./ssh-endpoint.js'), import('./ssh-transport.js')]);
			const remote = parseSshEndpoint(endpoint);
			const timeoutMs = checkTimeout(options.timeoutMs ?? defaultTimeoutMs);
			return new SocketClient(remote, await openSshStream(remote, timeoutMs), timeoutMs);
		}

		const target = toEndpoint(endpoint);
		const timeoutMs = checkTimeout(options.timeoutMs ?? defaultTimeoutMs);
		if (target.transport === 'ipc') {
			try {
				await checkSocketToTrust(target.path);
			} catch (error) {
				throw new ControlConnectionError(errorMessage(error));
			}
		}

		const socket = await new Promise<net.Socket>((resolve, reject) => {
			const socket = target.transport === 'ipc'
				? net.connect({path: target.path})
				: net.connect({host: target.host, port: target.port});
			const timer = setTimeout(() => {
				socket.destroy();
				reject(new ControlConnectionError(`cannot connect to ${target.url}: no answer within ${timeoutMs} ms`));
			}, timeoutMs);
			const onError = (error: Error) => {
				clearTimeout(timer);
				reject(new ControlConnectionError(connectErrorMessage(target, error)));
			};

			socket.once('error', onError);
			socket.once('connect', () => {
				clearTimeout(timer);
				socket.off('error', onError);
				resolve(socket);
			});
		});
		return new SocketClient(target, socket, timeoutMs);
	}

	private constructor(endpoint: Endpoint | SshEndpoint, socket: net.Socket | Duplex, timeoutMs: number) {
		super();
		this.endpoint = endpoint;
		this.#socket = socket;
		this.#timeoutMs = timeoutMs;
		if (socket instanceof net.Socket && endpoint.transport === 'tcp') {
			socket.setNoDelay(true);
		}

		const splitter = new LineSplitter({
			maxLineBytes: maxIncomingLineBytes,
			onLine: line => {
				this.#onLine(line);
			},
			onOversized: () => {
				this.#failure = `a message longer than ${maxIncomingLineBytes} bytes arrived; is ${endpoint.url} a procui?`;
				socket.destroy();
			},
		});
		socket.on('data', (chunk: Buffer) => {
			splitter.push(chunk);
		});
		socket.on('error', error => {
			this.#failure ??= errorMessage(error);
		});
		this.#closed = new Promise(resolve => {
			socket.once('close', () => {
				this.#onClose();
				resolve();
			});
		});
	}

	/** Has the connection ended? */
	get closed(): boolean {
		return this.#isClosed;
	}

	/** Send a command and wait for its reply (an error reply resolves too: check `isErrorReply`).
	Rejects with `ControlTimeoutError` when no reply comes in time, `ControlConnectionError` when the connection ends first. */
	async call(command: string, properties: Properties = {}, options: CallOptions = {}): Promise<Reply> {
		const timeoutMs = checkTimeout(options.timeoutMs ?? this.#timeoutMs);
		if (this.#isClosed || this.#closing) {
			throw new ControlConnectionError(`cannot send \`${command}\`: the connection to ${this.endpoint.url} is closed`);
		}

		const id = nextId();
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#pending.delete(id);
				reject(new ControlTimeoutError(command, timeoutMs, this.endpoint.url));
			}, timeoutMs);
			this.#pending.set(id, {
				command,
				resolve(reply) {
					clearTimeout(timer);
					resolve(reply);
				},
				reject(error) {
					clearTimeout(timer);
					reject(error);
				},
			});
			this.#send({id, command, properties});
		});
	}

	/** Send a command without waiting: the server runs it and sends no reply, errors included (Circus's `cast`). */
	cast(command: string, properties: Properties = {}): void {
		if (this.#isClosed || this.#closing) {
			throw new ControlConnectionError(`cannot send \`${command}\`: the connection to ${this.endpoint.url} is closed`);
		}

		this.#send({id: nextId(), command, properties, msg_type: 'cast'});
	}

	/** Receive events whose topic matches one of `topics` (`watcher.web.*`, `logs.web`, `stats`), and `dropped` notices. */
	async subscribe(topics: readonly string[], onEvent: (event: EventMessage) => void): Promise<Subscription> {
		const entry: SubscriptionEntry = {topics: [...topics], onEvent};
		// Registered before the request goes out: the first events can arrive in the same read as the reply.
		this.#subscriptions.add(entry);
		try {
			const reply = await this.call('subscribe', {topics: entry.topics});
			if (isErrorReply(reply)) {
				throw new Error(`cannot subscribe to ${topics.join(', ')}: ${reply.reason}`);
			}
		} catch (error) {
			this.#subscriptions.delete(entry);
			throw error;
		}

		return {
			topics: entry.topics,
			unsubscribe: async () => this.#unsubscribe(entry),
		};
	}

	/** End the connection once what was sent has been written; calls still waiting reject with a `ControlConnectionError`. */
	async close(): Promise<void> {
		if (!this.#isClosed) {
			this.#closing = true;
			// Not waiting for the server's side: replies still to come have nobody to go to.
			this.#socket.end(() => this.#socket.destroy());
			await this.#closed;
		}
	}

	async #unsubscribe(entry: SubscriptionEntry): Promise<void> {
		if (!this.#subscriptions.delete(entry) || this.#isClosed || this.#closing) {
			return;
		}

		const stillWanted = new Set([...this.#subscriptions].flatMap(other => other.topics));
		const topics = entry.topics.filter(topic => !stillWanted.has(topic));
		if (topics.length > 0) {
			await this.call('unsubscribe', {topics});
		}
	}

	#send(message: Readonly<Record<string, unknown>>): void {
		this.#socket.write(`${JSON.stringify(message)}\n`);
	}

	#onLine(line: Buffer): void {
		let message: unknown;
		try {
			message = JSON.parse(line.toString('utf8'));
		} catch {
			return;
		}

		if (typeof message !== 'object' || message === null) {
			return;
		}

		if ('event' in message && typeof message.event === 'string') {
			this.#onEvent(message as EventMessage);
			return;
		}

		const reply = message as Reply;
		if (typeof reply.id === 'string') {
			const pending = this.#pending.get(reply.id);
			this.#pending.delete(reply.id);
			pending?.resolve(reply);
		} else if (isErrorReply(reply)) {
			// Not an answer to any call: a refusal, or a complaint about a line this client sent.
			this.#failure = reply.reason;
		}
	}

	#onEvent(event: EventMessage): void {
		const dropped = event.event === droppedEvent;
		for (const entry of [...this.#subscriptions]) {
			if (dropped || entry.topics.some(pattern => topicMatches(pattern, event.event))) {
				entry.onEvent(event);
			}
		}

		this.emit('event', event);
		if (dropped) {
			this.emit('dropped', Number(event.data.count) || 0);
		}
	}

	#onClose(): void {
		this.#isClosed = true;
		const reason = this.#failure === undefined ? '' : `: ${this.#failure}`;
		for (const [id, pending] of this.#pending) {
			this.#pending.delete(id);
			pending.reject(new ControlConnectionError(`the connection to ${this.endpoint.url} closed before \`${pending.command}\` was answered${reason}`));
		}

		this.#subscriptions.clear();
		this.emit('close', this.#closing ? undefined : new ControlConnectionError(`the connection to ${this.endpoint.url} closed${reason}`));
	}
}

function checkTimeout(timeoutMs: number): number {
	if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
		throw new TypeError(`Expected \`timeoutMs\` to be a positive finite number, got \`${timeoutMs}\` (${typeof timeoutMs})`);
	}

	return timeoutMs;
}

/** Why a connection to `endpoint` failed, said for a person: for every client, local or through `procui proxy`. */
export function connectErrorMessage(endpoint: Endpoint, error: unknown): string {
	switch (errorCode(error)) {
		case 'ENOENT':
		case 'ECONNREFUSED': {
			return `cannot connect to ${endpoint.url}: no procui is running there (start one with \`procui daemon\`)`;
		}

		case 'EACCES': {
			return `cannot connect to ${endpoint.url}: permission denied (the socket belongs to another user)`;
		}

		default: {
			return `cannot connect to ${endpoint.url}: ${errorMessage(error)}`;
		}
	}
}
