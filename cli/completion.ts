/**
 * `gennaker completion bash|zsh`: a completion script made from the commands and options themselves,
 * so it cannot drift from them. It completes `npx gennaker ...` (how the README runs it: npm install
 * puts no `gennaker` on PATH) as well as `gennaker ...`, and the values of options and arguments
 * that have a fixed set (`-o json|yaml|table`, `--status`, `completion bash|zsh`). zsh loads it
 * through bashcompinit.
 */
import type { Command } from 'commander';

interface CompletionWords {
  /** "gennaker executions list" → the words that may follow it (subcommands, fixed argument values, options). */
  readonly words: Map<string, string[]>;
  /** "gennaker executions list --status" → the values that option takes. */
  readonly values: Map<string, string[]>;
}

function completionWords(program: Command): CompletionWords {
  const words = new Map<string, string[]>();
  const values = new Map<string, string[]>();
  const visit = (command: Command, path: string) => {
    const options = command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
    const argumentValues = command.registeredArguments.flatMap((a) => a.argChoices ?? []);
    words.set(path, [...command.commands.map((c) => c.name()), ...argumentValues, ...options, '--help']);
    for (const o of command.options.filter((o) => o.argChoices)) {
      for (const flag of [o.long, o.short]) if (flag) values.set(`${path} ${flag}`, [...o.argChoices!]);
    }
    for (const sub of command.commands) visit(sub, `${path} ${sub.name()}`);
  };
  visit(program, program.name());
  return { words, values };
}

export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const name = program.name();
  const { words, values } = completionWords(program);
  const table = (map: Map<string, string[]>) => [...map].map(([path, list]) => `  ["${path}"]="${list.join(' ')}"`);
  return [
    `# ${name} completion for ${shell}: eval "$(npx ${name} completion ${shell})" in your shell's rc file`,
    ...(shell === 'zsh' ? ['autoload -U +X bashcompinit && bashcompinit'] : []),
    `declare -A _${name}_words=(`,
    ...table(words),
    ')',
    `declare -A _${name}_values=(`,
    ...table(values),
    ')',
    `_${name}_complete() {`,
    `  local key="${name}" first=1 word i`,
    '  if [[ "${COMP_WORDS[0]}" == npx ]]; then',
    `    if (( COMP_CWORD == 1 )); then COMPREPLY=( $(compgen -W "${name}" -- "\${COMP_WORDS[1]}") ); return; fi`,
    `    [[ "\${COMP_WORDS[1]}" == ${name} ]] || { COMPREPLY=(); return; }`,
    '    first=2',
    '  fi',
    '  for (( i = first; i < COMP_CWORD; i++ )); do',
    '    word="${COMP_WORDS[i]}"',
    `    [[ -n "\${_${name}_words[$key $word]+set}" ]] && key="$key $word"`,
    '  done',
    '  local previous="${COMP_WORDS[COMP_CWORD-1]}"',
    `  if [[ -n "\${_${name}_values[$key $previous]+set}" ]]; then`,
    `    COMPREPLY=( $(compgen -W "\${_${name}_values[$key $previous]}" -- "\${COMP_WORDS[COMP_CWORD]}") )`,
    '  else',
    `    COMPREPLY=( $(compgen -W "\${_${name}_words[$key]}" -- "\${COMP_WORDS[COMP_CWORD]}") )`,
    '  fi',
    '}',
    `complete -o default -F _${name}_complete ${name}`,
    `complete -o default -F _${name}_complete npx`,
    '',
  ].join('\n');
}
