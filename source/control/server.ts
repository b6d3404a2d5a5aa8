/**
The control endpoint: newline-delimited JSON over a Unix socket or loopback TCP.

The server owns framing, request validation, subscriptions and flow control; what a command
does is the handler's business, so this file knows nothing of watchers. Requests on one
connection run concurrently (replies carry the request's id); a `cast` runs without a reply.
Nothing a client does (garbage, resets, half-closes, never reading) stops the server or the
other clients.

Who gets a connection, and what it may cost:
- over TCP, only a peer of our uid (see gate.ts); nothing is read from a socket until then.
- at most `maxConnections` at once, all the owner's. When full, the connection that has been
  quiet longest with nothing running and no subscription makes way; when none can, the new
  one gets "too many connections (limit N)" and is closed.
- a connection that sends nothing for `idleTimeoutMs`, with nothing running and no
  subscription, is closed; a line longer than `maxMessageBytes` closes its connection.
*/
import net from 'node:net';
import {tcpEndpointOf, toEndpoint, type Endpoint} from './endpoint.js';
import {errorCode, errorMessage} from './errors.js';
import {Connection, type ConnectionInfo, type ConnectionLimits} from './connection.js';
import {Gate} from './gate.js';
import {canCheckTcpPeers} from './peer-uid.js';
import {errno, errorReply, isErrorReply, maxMessageBytes, nowSeconds, type EventMessage, type Reply, type Request} from './protocol.js';
import {parseRequestLine} from './request-parse.js';
import {prepareSocketPath, removeSocketFile, secureSocketFile} from './socket-file.js';

/** Outgoing bytes a subscriber may fall behind by before its events are dropped. */
export const defaultMaxQueuedBytes = 1024 * 1024;
/** Outgoing bytes of replies after which a connection's requests stop being read until it drains. */
const defaultMaxPendingReplyBytes = 8 * 1024 * 1024;
/** Requests running at once for one connection before its reading pauses. */
const defaultMaxInFlight = 64;
/** Connections at once; each is bounded, so this bounds the server. */
const defaultMaxConnections = 1024;
/** How long a connection may stay silent with nothing running and no subscription (`procui.client_idle_timeout`). */
const defaultIdleTimeoutMs = 60_000;
/** How long `close()` lets connections flush before cutting them. */
const closeGraceMs = 1000;

type ControlLogLevel = 'debug' | 'info' | 'warning';
type ControlLog = (level: ControlLogLevel, message: string) => void;

/** Runs a command. `undefined` means a bare `ok`. A throw becomes an error reply (errno 5) with its message. */
export type RequestHandler = (request: Request, connection: ConnectionInfo) => Promise<Reply | undefined>;

export type ControlServerOptions = Partial<ConnectionLimits> & {
	/** Where to listen: `ipc:///abs/path.sock` or `tcp://127.0.0.1:PORT` (port 0: any free port). */
	readonly endpoint: Endpoint | string;
	readonly handle: RequestHandler;
	/** Connections at once (default 1024). */
	readonly maxConnections?: number;
	/** Where the server's own notes go (refused peers, client errors). Silent by default. */
	readonly log?: ControlLog;
	/** Called after a client subscribed or unsubscribed, and after a subscriber's connection closed:
	the moment to ask `wants` again (to start or stop producing a topic). */
	readonly onSubscriptionsChanged?: () => void;
};

export type ControlServerStats = {
	/** Open connections. */
	readonly connections: number;
	/** Connections with at least one subscription. */
	readonly subscribers: number;
	/** Bytes written to connections and not yet taken by the kernel, summed. */
	readonly queuedBytes: number;
	/** Events dropped for slow subscribers since the server started. */
	readonly droppedEvents: number;
	/** Connections refused since the server started: other uids, unknown owners, over the limit. */
	readonly refusedConnections: number;
	/** Idle connections closed to make room for a new one since the server started. */
	readonly evictedConnections: number;
	/** TCP connections waiting for their peer's uid to be checked. */
	readonly uncheckedConnections: number;
};

export class ControlServer {
	readonly #endpoint: Endpoint;
	readonly #handle: RequestHandler;
	readonly #log: ControlLog;
	readonly #onSubscriptionsChanged: () => void;
	readonly #limits: ConnectionLimits;
	readonly #connections = new Set<Connection>();
	readonly #gate: Gate;
	readonly #maxConnections: number;
	#server: net.Server | undefined;
	/** Connections accepted before `open()`, when listening `held`. */
	#held: net.Socket[] | undefined;
	#bound: Endpoint | undefined;
	#socketInode: number | undefined;
	#nextConnectionId = 0;
	#droppedEvents = 0;
	#evicted = 0;

	constructor(options: ControlServerOptions) {
		this.#endpoint = toEndpoint(options.endpoint);
		this.#handle = options.handle;
		this.#log = options.log ?? (() => undefined);
		this.#onSubscriptionsChanged = options.onSubscriptionsChanged ?? (() => undefined);
		this.#limits = {
			maxMessageBytes: options.maxMessageBytes ?? maxMessageBytes,
			maxQueuedBytes: options.maxQueuedBytes ?? defaultMaxQueuedBytes,
			maxPendingReplyBytes: options.maxPendingReplyBytes ?? defaultMaxPendingReplyBytes,
			maxInFlight: options.maxInFlight ?? defaultMaxInFlight,
			idleTimeoutMs: options.idleTimeoutMs ?? defaultIdleTimeoutMs,
		};
		this.#maxConnections = options.maxConnections ?? defaultMaxConnections;
		this.#gate = new Gate(message => {
			this.#log('warning', message);
		});
	}

	/** The endpoint being served (with the real port when 0 was asked for); before `listen()`, the one configured. */
	get endpoint(): Endpoint {
		return this.#bound ?? this.#endpoint;
	}

	/**
	Bind the endpoint. Throws a plain-English Error when it is taken, unsafe or unusable. `held`:
	connections wait, paused and unread, until `open()` (the supervisor opens once its boot has
	queued its first start, so that no request is answered from the state before the boot).
	*/
	async listen(options: {held?: boolean} = {}): Promise<Endpoint> {
		if (this.#server !== undefined) {
			throw new Error(`The control server is already listening on ${this.endpoint.url}`);
		}

		const endpoint = this.#endpoint;
		if (endpoint.transport === 'ipc') {
			await prepareSocketPath(endpoint.path);
		} else if (!await canCheckTcpPeers()) {
			throw new Error(`Cannot serve ${endpoint.url}: refusing other users' TCP connections needs /proc/net/tcp, which is not readable here. Use an ipc:// endpoint`);
		}

		if (options.held) {
			this.#held = [];
		}

		const server = net.createServer({allowHalfOpen: true, pauseOnConnect: true}, socket => {
			if (this.#held) {
				socket.on('error', ignoreError);
				this.#held.push(socket);
				return;
			}

			this.#accept(socket);
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			const address = endpoint.transport === 'ipc' ? {path: endpoint.path} : {host: endpoint.host, port: endpoint.port};
			server.listen(address, () => {
				server.off('error', reject);
				resolve();
			});
		}).catch((error: unknown) => {
			throw new Error(listenErrorMessage(endpoint, error));
		});
		server.on('error', error => {
			this.#log('warning', `control server on ${endpoint.url}: ${errorMessage(error)}`);
		});
		this.#server = server;
		if (endpoint.transport === 'ipc') {
			this.#socketInode = await secureSocketFile(endpoint.path);
			this.#bound = endpoint;
		} else {
			const {port} = server.address() as net.AddressInfo;
			this.#bound = tcpEndpointOf(endpoint.host, port);
		}

		return this.#bound;
	}

	/** Read the connections held since `listen({held: true})`, and those to come. */
	open(): void {
		const held = this.#held ?? [];
		this.#held = undefined;
		for (const socket of held) {
			if (!socket.destroyed && this.#server !== undefined) {
				this.#accept(socket);
			}
		}
	}

	/** Stop listening, let connections flush for a moment, then cut them; removes the socket file. Replies to requests still running are not sent. */
	async close(): Promise<void> {
		for (const socket of this.#held ?? []) {
			socket.destroy();
		}

		this.#held = undefined;
		const server = this.#server;
		if (server === undefined) {
			return;
		}

		this.#server = undefined;
		const stopped = new Promise<void>(resolve => {
			server.close(() => {
				resolve();
			});
		});
		this.#gate.closeUnchecked();

		const connections = [...this.#connections];
		for (const connection of connections) {
			connection.end();
		}

		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			Promise.all(connections.map(async connection => connection.closed)),
			new Promise(resolve => {
				timer = setTimeout(resolve, closeGraceMs);
			}),
		]);
		clearTimeout(timer);
		for (const connection of connections) {
			connection.destroy();
		}

		await stopped;
		if (this.#endpoint.transport === 'ipc' && this.#socketInode !== undefined) {
			await removeSocketFile(this.#endpoint.path, this.#socketInode);
		}
	}

	/** Send an event to every connection subscribed to its topic (`event.event`). Never blocks: slow subscribers lose events, counted. */
	publish(event: EventMessage): void {
		let line: string | undefined;
		for (const connection of this.#connections) {
			if (!connection.wants(event.event)) {
				continue;
			}

			line ??= `${JSON.stringify(event)}\n`;
			if (!connection.pushEvent(line)) {
				this.#droppedEvents++;
			}
		}
	}

	/** Is anyone subscribed to `topic`? Lets a producer skip building events nobody reads. */
	wants(topic: string): boolean {
		for (const connection of this.#connections) {
			if (connection.wants(topic)) {
				return true;
			}
		}

		return false;
	}

	stats(): ControlServerStats {
		let subscribers = 0;
		let queuedBytes = 0;
		for (const connection of this.#connections) {
			subscribers += connection.isSubscriber ? 1 : 0;
			queuedBytes += connection.queuedBytes;
		}

		return {
			connections: this.#connections.size,
			subscribers,
			queuedBytes,
			droppedEvents: this.#droppedEvents,
			refusedConnections: this.#gate.refused,
			evictedConnections: this.#evicted,
			uncheckedConnections: this.#gate.unchecked,
		};
	}

	#accept(socket: net.Socket): void {
		// Until admitted, the socket stays paused (pauseOnConnect): not a byte is read from it.
		socket.on('error', ignoreError);
		if (this.#endpoint.transport === 'ipc') {
			this.#admit(socket, `unix#${this.#nextConnectionId + 1}`);
			return;
		}

		this.#gate.checkTcp(socket, (admitted, peer) => {
			admitted.setNoDelay(true);
			this.#admit(admitted, peer);
		}, () => this.#server !== undefined);
	}

	#admit(socket: net.Socket, peer: string): void {
		if (this.#connections.size >= this.#maxConnections && !this.#evictIdlest()) {
			const reason = `too many connections (limit ${this.#maxConnections})`;
			this.#gate.refuse(socket, reason, `refused control connection from ${peer}: ${reason}, none of them idle`);
			return;
		}

		const id = ++this.#nextConnectionId;
		socket.off('error', ignoreError);
		const connection = new Connection({
			...this.#limits,
			id,
			peer,
			socket,
			onLine: (from, line) => {
				this.#onLine(from, line);
			},
			onError: (from, error) => {
				// Resets, EPIPE and the like: the client's business, the connection's end.
				this.#log('debug', `control connection ${from.info.peer}: ${errorMessage(error)}`);
			},
		});
		this.#connections.add(connection);
		void connection.closed.then(() => {
			this.#connections.delete(connection);
			if (connection.isSubscriber) {
				this.#onSubscriptionsChanged();
			}
		});
		connection.start();
	}

	/** Close the connection quiet for longest with nothing running and no subscription, if any, to make room. */
	#evictIdlest(): boolean {
		let idlest: Connection | undefined;
		for (const connection of this.#connections) {
			if (connection.isIdle && (idlest === undefined || connection.lastHeard < idlest.lastHeard)) {
				idlest = connection;
			}
		}

		if (idlest === undefined) {
			return false;
		}

		this.#evicted++;
		this.#connections.delete(idlest);
		idlest.close(errorReply(null, `closing the connection: too many connections (limit ${this.#maxConnections}), and this one was idle longest`, errno.osError));
		return true;
	}

	#onLine(connection: Connection, line: Buffer): void {
		const parsed = parseRequestLine(line);
		if (parsed.kind === 'blank') {
			return;
		}

		if (parsed.kind === 'invalid') {
			if (!parsed.cast) {
				connection.sendReply(parsed.reply);
			}

			return;
		}

		connection.track(this.#serve(connection, parsed.request));
	}

	async #serve(connection: Connection, request: Request): Promise<void> {
		const reply = await this.#reply(connection, request);
		if (request.msg_type !== 'cast') {
			connection.sendReply(reply);
		} else if (isErrorReply(reply)) {
			this.#log('debug', `cast \`${request.command}\` from ${connection.info.peer} failed: ${reply.reason}`);
		}
	}

	async #reply(connection: Connection, request: Request): Promise<Reply> {
		if (request.command === 'subscribe' || request.command === 'unsubscribe') {
			const reply = connection.updateSubscription(request);
			this.#onSubscriptionsChanged();
			return reply;
		}

		try {
			const reply = await this.#handle(request, connection.info);
			if (reply === undefined) {
				return {id: request.id, status: 'ok', time: nowSeconds()};
			}

			if (typeof reply !== 'object' || reply === null || typeof reply.status !== 'string') {
				// Circus's answer to a handler result that is not a reply.
				return errorReply(request.id, 'server error', errno.badMessageData);
			}

			return {...reply, id: request.id};
		} catch (error) {
			return errorReply(request.id, errorMessage(error), errno.commandError);
		}
	}
}

function ignoreError(): void {
	// An unadmitted socket's reset or EPIPE: it is closed either way, and nobody waits on it.
}

function listenErrorMessage(endpoint: Endpoint, error: unknown): string {
	switch (errorCode(error)) {
		case 'EADDRINUSE': {
			return endpoint.transport === 'ipc'
				? `another procui is already listening on ${endpoint.url}`
				: `Cannot listen on ${endpoint.url}: another process is using that port. Choose another port`;
		}

		case 'EACCES': {
			return `Cannot listen on ${endpoint.url}: permission denied`;
		}

		case 'EADDRNOTAVAIL': {
			return `Cannot listen on ${endpoint.url}: this machine has no such loopback address`;
		}

		default: {
			return `Cannot listen on ${endpoint.url}: ${errorMessage(error)}`;
		}
	}
}
