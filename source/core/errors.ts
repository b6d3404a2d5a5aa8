import {ConfigError} from '../config/issues.js';

/** What kind of failure a command met; the control layer maps it to Circus's errno. */
type CommandErrorKind = 'message' | 'command' | 'os' | 'busy';

/** An expected failure of a command: a reply with a reason, never a crash. */
export class CommandError extends Error {
	readonly kind: CommandErrorKind;

	constructor(message: string, kind: CommandErrorKind) {
		super(message);
		this.name = 'CommandError';
		this.kind = kind;
	}
}

/** Run a config validation for a command (`set`, `add`); its errors become one reply naming each bad option. */
export function validated<T>(build: () => T): T {
	try {
		return build();
	} catch (error) {
		if (error instanceof ConfigError) {
			throw new CommandError(error.issues.filter((issue) => issue.severity === 'error').map((issue) => issue.message).join('; '), 'message');
		}

		throw error;
	}
}
