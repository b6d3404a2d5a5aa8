/**
The UI's client to a supervisor that is still starting. The UI is drawn first (its layout
needs nothing from the supervisor) and the supervisor starts behind it; until it has started,
commands and subscriptions wait, and the UI shows its layout with "connecting…".
*/
import type {SupervisorClient} from '../control/supervisor-client.js';

type PendingClient = {
	readonly client: SupervisorClient;
	/** The supervisor started: pass everything waiting, and everything after, to this client. */
	ready(client: SupervisorClient): void;
};

export function pendingClient(endpoint: () => string): PendingClient {
	let resolveReady: (client: SupervisorClient) => void = () => undefined;
	// Never rejects: a supervisor that cannot start ends the process, and what waits waits for nothing.
	const started = new Promise<SupervisorClient>((resolve) => {
		resolveReady = resolve;
	});
	return {
		client: {
			get endpoint() {
				return endpoint();
			},
			call: async (command, properties) => (await started).call(command, properties),
			subscribe: async (topics, onEvent) => (await started).subscribe(topics, onEvent),
			close: async () => (await started).close(),
		},
		ready(client) {
			resolveReady(client);
		},
	};
}
