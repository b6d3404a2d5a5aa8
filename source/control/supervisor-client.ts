import type {EventMessage, Properties, Reply} from './protocol.js';

/** A live subscription; `unsubscribe()` stops it. */
export type Subscription = {
	readonly topics: readonly string[];
	unsubscribe(): Promise<void>;
};

/**
What the UI and the CLI talk to: a supervisor in this process or across a socket. Both behave the
same, so `procui` and `procui attach` are one UI.
*/
export type SupervisorClient = {
	/** The control endpoint, as a URL. */
	readonly endpoint: string;
	/** Send a command; error replies resolve too (check `status`). */
	call(command: string, properties?: Properties): Promise<Reply>;
	subscribe(topics: readonly string[], onEvent: (event: EventMessage) => void): Promise<Subscription>;
	close(): Promise<void>;
};
