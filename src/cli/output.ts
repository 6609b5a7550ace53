// Standard output and standard error, one line at a time. src/cli/ is the only folder that writes
// to them (../shared/design.md); everything else returns values and the commands here print them.

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
