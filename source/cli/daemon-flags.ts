/** The flags of `procui daemon` and `procui check`, as meow reads them; also what shell completion offers. */
export const daemonFlags = {
	command: {type: 'string', shortFlag: 'c', isMultiple: true},
	endpoint: {type: 'string'},
	detach: {type: 'boolean', shortFlag: 'd', default: false},
	pidfile: {type: 'string'},
	logLevel: {type: 'string'},
	logOutput: {type: 'string'},
} as const;
