/**
An attached UI's client that outlives its connection: when the daemon goes away it says so,
tries again with back-off on the same endpoint, and once a daemon answers there it subscribes
again to everything the UI had subscribed to and says it is back. The UI keeps the same client
object throughout; nothing above it holds a dead connection.
*/
import type {EventMessage, Properties, Reply} from '../../control/protocol.js';
import type {Subscription, SupervisorClient} from '../../control/supervisor-client.js';

/** One connection to a supervisor, and a way to hear that it ended. */
export type Connection = SupervisorClient & {
	/** Called once, when the connection ends by itself (not after `close()`), with why. */
	onClose(listener: (reason: string) => void): void;
};

type ConnectionListener = {
	/** The connection ended; retrying. */
	lost(reason: string): void;
	/** A new connection is up and every subscription is back. */
	restored(): void;
};

/** First wait before trying again, and the longest; each failure doubles the wait. */
const firstRetryMs = 250;
const maxRetryMs = 5000;

type Entry = {
	readonly topics: readonly string[];
	readonly onEvent: (event: EventMessage) => void;
	/** The subscription on the current connection, once made. */
	inner: Subscription | undefined;
};

export class ReconnectingClient implements SupervisorClient {
	readonly endpoint: string;
	readonly #connect: () => Promise<Connection>;
	readonly #entries = new Set<Entry>();
	readonly #listeners = new Set<ConnectionListener>();
	#connection: Connection | undefined;
	#closed = false;
	#timer: NodeJS.Timeout | undefined;
	#lastReason = '';

	/** `first`: the connection already made (a failure there is the caller's to report); `connect` makes the next ones. */
	constructor(endpoint: string, first: Connection, connect: () => Promise<Connection>) {
		this.endpoint = endpoint;
		this.#connect = connect;
		this.#adopt(first);
	}

	/** Is a connection up now? */
	get connected(): boolean {
		return this.#connection !== undefined;
	}

	/** Hear about losing and regaining the connection; returns the function that stops listening. */
	watch(listener: ConnectionListener): () => void {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	}

	async call(command: string, properties: Properties = {}): Promise<Reply> {
		const connection = this.#connection;
		if (connection === undefined) {
			throw new Error(`disconnected from ${this.endpoint}, retrying (${this.#lastReason})`);
		}

		return connection.call(command, properties);
	}

	async subscribe(topics: readonly string[], onEvent: (event: EventMessage) => void): Promise<Subscription> {
		const entry: Entry = {topics, onEvent, inner: undefined};
		this.#entries.add(entry);
		const connection = this.#connection;
		if (connection !== undefined) {
			try {
				entry.inner = await connection.subscribe(topics, onEvent);
			} catch (error) {
				// Lost meanwhile: the reconnection subscribes it again. Anything else is the caller's.
				if (this.#connection === connection) {
					this.#entries.delete(entry);
					throw error;
				}
			}
		}

		return {
			topics,
			unsubscribe: async () => {
				this.#entries.delete(entry);
				const inner = entry.inner;
				entry.inner = undefined;
				await inner?.unsubscribe().catch(() => undefined);
			},
		};
	}

	async close(): Promise<void> {
		this.#closed = true;
		clearTimeout(this.#timer);
		const connection = this.#connection;
		this.#connection = undefined;
		await connection?.close();
	}

	#adopt(connection: Connection): void {
		this.#connection = connection;
		connection.onClose((reason) => {
			if (this.#connection !== connection || this.#closed) {
				return;
			}

			this.#connection = undefined;
			this.#lastReason = reason;
			for (const entry of this.#entries) {
				entry.inner = undefined;
			}

			for (const listener of this.#listeners) {
				listener.lost(reason);
			}

			this.#retry(firstRetryMs);
		});
	}

	#retry(waitMs: number): void {
		this.#timer = setTimeout(() => {
			void this.#attempt(waitMs);
		}, waitMs);
	}

	async #attempt(waitMs: number): Promise<void> {
		if (this.#closed) {
			return;
		}

		let connection: Connection;
		try {
			connection = await this.#connect();
		} catch (error) {
			this.#lastReason = error instanceof Error ? error.message : String(error);
			this.#retry(Math.min(maxRetryMs, waitMs * 2));
			return;
		}

		if (this.#closed) {
			await connection.close().catch(() => undefined);
			return;
		}

		this.#adopt(connection);
		try {
			for (const entry of this.#entries) {
				entry.inner = await connection.subscribe(entry.topics, entry.onEvent);
			}
		} catch {
			// The new daemon went away again at once: its close starts the next round.
			return;
		}

		if (this.#connection === connection) {
			for (const listener of this.#listeners) {
				listener.restored();
			}
		}
	}
}
