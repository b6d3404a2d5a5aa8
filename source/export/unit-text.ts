import type {Origin} from '../config/types.js';

/** Something the target format cannot say, named where the configuration says it. */
export type ExportWarning = {
	readonly origin: Origin;
	readonly message: string;
};

/** One generated file. */
export type ExportFile = {
	/** File name, no folder (`web@.service`). */
	readonly name: string;
	readonly text: string;
};

/**
A unit file being written: sections in order, each a list of `Key=value` lines and `# comments`.
A gap (an option with no equivalent) is a comment in the unit, and a warning too when the
configuration sets that option itself: a default it never mentioned is only a comment.
*/
export class UnitText {
	readonly #sections = new Map<string, string[]>();
	readonly #header: string[] = [];
	readonly #warnings: ExportWarning[];
	readonly #origin: Origin;
	readonly #subject: string;

	/** `subject` prefixes warnings (`watcher web`). */
	constructor(subject: string, origin: Origin, warnings: ExportWarning[]) {
		this.#subject = subject;
		this.#origin = origin;
		this.#warnings = warnings;
	}

	comment(line: string): void {
		this.#header.push(`# ${line}`);
	}

	set(section: string, key: string, value: string): void {
		this.#lines(section).push(`${key}=${value}`);
	}

	note(section: string, text: string): void {
		this.#lines(section).push(`# ${text}`);
	}

	/** An option without an equivalent: a comment, and a warning when `warn`. */
	gap(section: string, text: string, warn: boolean): void {
		this.note(section, text);
		if (warn) {
			this.warn(text);
		}
	}

	warn(text: string): void {
		this.#warnings.push({origin: this.#origin, message: `${this.#subject}: ${text}`});
	}

	render(): string {
		const blocks = [this.#header.join('\n')];
		for (const [section, lines] of this.#sections) {
			blocks.push([`[${section}]`, ...lines].join('\n'));
		}

		return `${blocks.filter(block => block !== '').join('\n\n')}\n`;
	}

	#lines(section: string): string[] {
		let lines = this.#sections.get(section);
		if (lines === undefined) {
			lines = [];
			this.#sections.set(section, lines);
		}

		return lines;
	}
}
