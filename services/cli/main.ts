import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DistillGuardError } from '../common/errors.ts';
import { isModuleFile, MODULE_EXT } from '../common/runtime-paths.ts';

/** A subcommand module under ./commands/<name>.ts (.js in dist/) exports `summary`, `usage` and `run`. */
interface CommandModule {
  summary: string;
  /** What `distillguard <command> --help` (or -h) prints. */
  usage: string;
  run(argv: string[]): Promise<number | undefined>;
}

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter(isModuleFile)
    .map((f) => f.slice(0, -MODULE_EXT.length))
    .sort();
}

async function load(name: string): Promise<CommandModule> {
  return (await import(new URL(`./commands/${name}${MODULE_EXT}`, import.meta.url).href)) as CommandModule;
}

async function printHelp(): Promise<void> {
  console.log('usage: distillguard <command> [options]\n\ncommands:');
  for (const name of commandNames()) console.log(`  ${name.padEnd(12)} ${(await load(name)).summary}`);
  console.log('\n`distillguard <command> --help` shows the options of one command.');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    await printHelp();
    return name ? 0 : 2;
  }
  if (!commandNames().includes(name)) {
    console.error(`distillguard: unknown command '${name}'. Run 'distillguard help'.`);
    return 2;
  }
  const command = await load(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  return (await command.run(rest)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message =
      error instanceof DistillGuardError ? `${error.code}: ${error.message}` : String((error as Error)?.stack ?? error);
    console.error(`distillguard: ${message}`);
    process.exitCode = 1;
  },
);
