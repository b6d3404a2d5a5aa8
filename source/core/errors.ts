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
