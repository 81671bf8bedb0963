/**
 * `gennaker completion bash|zsh`: a completion script made from the commands and options themselves,
 * so it cannot drift from them. zsh loads it through bashcompinit.
 */
import type { Command } from 'commander';

/** "gennaker executions list" → the words that may follow it (subcommands and options). */
function completionWords(program: Command): Map<string, string[]> {
  const words = new Map<string, string[]>();
  const visit = (command: Command, path: string) => {
    const options = command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
    words.set(path, [...command.commands.map((c) => c.name()), ...options, '--help']);
    for (const sub of command.commands) visit(sub, `${path} ${sub.name()}`);
  };
  visit(program, program.name());
  return words;
}

export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const name = program.name();
  const entries = [...completionWords(program)].map(([path, list]) => `  ["${path}"]="${list.join(' ')}"`);
  return [
    `# ${name} completion for ${shell}: eval "$(${name} completion ${shell})" in your shell's rc file`,
    ...(shell === 'zsh' ? ['autoload -U +X bashcompinit && bashcompinit'] : []),
    `declare -A _${name}_words=(`,
    ...entries,
    ')',
    `_${name}_complete() {`,
    `  local key="${name}" word`,
    '  for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do',
    `    [[ -n "\${_${name}_words[$key $word]+set}" ]] && key="$key $word"`,
    '  done',
    `  COMPREPLY=( $(compgen -W "\${_${name}_words[$key]}" -- "\${COMP_WORDS[COMP_CWORD]}") )`,
    '}',
    `complete -o default -F _${name}_complete ${name}`,
    '',
  ].join('\n');
}
