/**
Copying to the system clipboard through the terminal: OSC 52 (`ESC ] 52 ; c ; BASE64 BEL`), which
xterm, iTerm2, kitty, WezTerm, foot, Windows Terminal and others honour, over SSH too, since it
travels with the screen's output.

Inside tmux, two ways lead out and tmux's defaults close both: tmux takes the sequence itself
(makes a buffer and sets the outer terminal's clipboard) only with `set-clipboard on`, and passes
it through untouched only when wrapped in its passthrough (`ESC P tmux; … ESC \`, each ESC inside
doubled) with `allow-passthrough on` (tmux 3.3 and later). Both are sent, so either setting works;
where both are on, the clipboard is set twice to the same text.
*/

/** The sequence(s) that put `text` on the clipboard, for the terminal described by `env`. */
export function osc52(text: string, env: NodeJS.ProcessEnv): string {
	const sequence = `\u001B]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
	if (env.TMUX === undefined || env.TMUX === '') {
		return sequence;
	}

	return `${sequence}\u001BPtmux;${sequence.replaceAll('\u001B', '\u001B\u001B')}\u001B\\`;
}
