import type {CompletionModel} from './completion-model.js';

/**
The bash completion script (zsh loads the same through bashcompinit). Watcher names come from
the running daemon: `procui ctl list`, with a 1 s timeout and stderr discarded, so that no
daemon means no names rather than an error or a wait.
*/
export function bashScript(model: CompletionModel): string {
	const words = (list: readonly string[]): string => list.join(' ');
	const ctlCases = model.ctl.map(command =>
		`\t\t${command.name}) options="${words(command.options)}"; values="${words(command.valueOptions)}"; watcher=${command.takesWatcher ? 1 : 0} ;;`).join('\n');
	return `# bash completion for procui. Load it with:  source <(procui completion bash)
# or save it:  procui completion bash > ~/.local/share/bash-completion/completions/procui

# One reply per line of compgen's output, so that file names with spaces stay whole.
_procui_reply() {
	local line
	while IFS= read -r line; do
		COMPREPLY+=("$line")
	done < <(compgen "$@" 2>/dev/null)
}

_procui_watchers() {
	local endpoint=() i
	for ((i = 2; i < COMP_CWORD; i++)); do
		if [[ \${COMP_WORDS[i]} == --endpoint ]]; then
			endpoint=(--endpoint "\${COMP_WORDS[i + 1]}")
		fi
	done
	local names name
	names=$("\${COMP_WORDS[0]}" ctl "\${endpoint[@]}" --timeout 1 list 2>/dev/null) || return 0
	# Not compgen -W, which expands each word (a watcher named $(…) would run), nor an unquoted
	# split, which globs: the names are read as data and compared as strings.
	# (A loop rather than read -a, which zsh spells -A.)
	names+=,
	while [[ -n $names ]]; do
		name=\${names%%,*}
		names=\${names#*,}
		if [[ -n $name && $name == "$1"* ]]; then
			COMPREPLY+=("$name")
		fi
	done
}

_procui_ctl() {
	local cur=$1 prev=$2 i=2 command=""
	while ((i < COMP_CWORD)); do
		case \${COMP_WORDS[i]} in
		--endpoint | --timeout) ((i += 2)) ;;
		-*) ((i += 1)) ;;
		*) command=\${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $command ]]; then
		case $prev in --endpoint | --timeout) return 0 ;; esac
		if [[ $cur == -* ]]; then
			_procui_reply -W "${words(model.ctlGlobalFlags)}" -- "$cur"
		else
			_procui_reply -W "${words(model.ctl.map(command => command.name))} help" -- "$cur"
		fi
		return 0
	fi

	local options="" values="" watcher=0
	case $command in
${ctlCases}
		help) [[ $((COMP_CWORD - i)) == 1 ]] && _procui_reply -W "${words(model.ctl.map(command => command.name))}" -- "$cur"; return 0 ;;
		*) return 0 ;;
	esac
	case $prev in
	--match) _procui_reply -W "simple glob regex" -- "$cur"; return 0 ;;
	esac
	if [[ " $values " == *" $prev "* ]]; then
		return 0
	fi
	if [[ $cur == -* ]]; then
		_procui_reply -W "$options" -- "$cur"
		return 0
	fi
	local positional=0 j
	for ((j = i + 1; j < COMP_CWORD; j++)); do
		if [[ " $values " == *" \${COMP_WORDS[j]} "* ]]; then
			((j += 1))
		elif [[ \${COMP_WORDS[j]} != -* ]]; then
			((positional += 1))
		fi
	done
	if ((watcher && positional == 0)); then
		_procui_watchers "$cur"
	fi
}

_procui() {
	local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		if [[ $cur == -* ]]; then
			_procui_reply -W "--help --version" -- "$cur"
		else
			_procui_reply -W "${words(model.subcommands.map(([name]) => name))}" -- "$cur"
			_procui_reply -f -- "$cur"
		fi
		return 0
	fi
	case \${COMP_WORDS[1]} in
	daemon | check)
		case $prev in
		--endpoint | --command | -c) return 0 ;;
		--log-level) _procui_reply -W "${words(model.logLevels)}" -- "$cur"; return 0 ;;
		--pidfile | --log-output) _procui_reply -f -- "$cur"; return 0 ;;
		esac
		if [[ $cur == -* && \${COMP_WORDS[1]} == check ]]; then
			_procui_reply -W "${words(model.checkFlags)}" -- "$cur"
		elif [[ $cur == -* ]]; then
			_procui_reply -W "${words(model.daemonFlags)}" -- "$cur"
		else
			_procui_reply -f -- "$cur"
		fi
		;;
	attach)
		[[ $prev == --endpoint ]] || _procui_reply -W "${words(model.attachFlags)}" -- "$cur"
		;;
	logs)
		case $prev in --endpoint | -n | --lines) return 0 ;; esac
		if [[ $cur == -* ]]; then
			_procui_reply -W "${words(model.logsFlags)}" -- "$cur"
		else
			_procui_watchers "$cur"
		fi
		;;
	ctl)
		_procui_ctl "$cur" "$prev"
		;;
	export)
		if ((COMP_CWORD == 2)); then
			_procui_reply -W "${words(model.exportFormats)}" -- "$cur"
		elif [[ $prev == --out ]]; then
			_procui_reply -d -- "$cur"
		elif [[ $cur == -* ]]; then
			_procui_reply -W "${words(model.exportFlags)}" -- "$cur"
		else
			_procui_reply -f -- "$cur"
		fi
		;;
	completion)
		((COMP_CWORD == 2)) && _procui_reply -W "${words(model.shells)}" -- "$cur"
		;;
	*)
		_procui_reply -f -- "$cur"
		;;
	esac
	return 0
}

complete -o filenames -F _procui procui
`;
}

/** zsh: the bash script through zsh's bashcompinit. */
export function zshScript(model: CompletionModel): string {
	return `# zsh completion for procui. Load it with:  source <(procui completion zsh)
autoload -U +X compinit && { (( $+functions[compdef] )) || compinit; }
autoload -U +X bashcompinit && bashcompinit

${bashScript(model).split('\n').filter(line => !line.startsWith('# ')).join('\n')}`;
}
