import fs from 'node:fs';

/** uid -> user name through /etc/passwd, read once and again only for an unknown uid. */
export class UserNames {
	readonly #passwdFile: string;
	readonly #names = new Map<number, string>();

	constructor(passwdFile = '/etc/passwd') {
		this.#passwdFile = passwdFile;
	}

	/** The name of `uid`, or the number as text when /etc/passwd has none (as `ls` shows it). */
	name(uid: number): string {
		let name = this.#names.get(uid);
		if (name === undefined) {
			// A user added since the last read: read again, once per unknown uid.
			this.#load();
			name = this.#names.get(uid) ?? String(uid);
			this.#names.set(uid, name);
		}

		return name;
	}

	#load(): void {
		let text = '';
		try {
			text = fs.readFileSync(this.#passwdFile, 'utf8');
		} catch {
			// No database (a minimal container): numbers it is.
		}

		for (const line of text.split('\n')) {
			const [name, , uid] = line.split(':');
			if (name !== undefined && name.length > 0 && uid !== undefined && /^\d+$/.test(uid)) {
				if (!this.#names.has(Number(uid))) {
					this.#names.set(Number(uid), name);
				}
			}
		}
	}
}
