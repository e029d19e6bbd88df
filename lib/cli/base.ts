/**
 * `diff --base REF`: the output at a Git ref of the current repository. When the output folder is
 * committed at REF it is read from Git; otherwise REF is checked out in a temporary worktree
 * (sharing the project's node_modules) and synthesized with the app command of its cdk8s.yaml.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import { CliError } from './errors';

/** The output at a ref, in a temporary folder, and how to remove it. */
export interface BaseOutput {
  readonly dir: string;
  /** `read from Git` or `synthesized`. */
  readonly how: 'read' | 'synthesized';
  readonly cleanup: () => void;
}

function git(args: string[], cwd: string, input?: Buffer): Buffer {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30 });
  if (r.error) throw new CliError(`git ${args[0]}: cannot run git: ${r.error.message}`);
  if (r.status !== 0) throw new CliError(`git ${args.join(' ')}: ${r.stderr.toString().trim() || `exit code ${r.status}`}`);
  return r.stdout;
}

/**
 * The output folder `output` (a path in the working tree) as it is at `ref`.
 * @param app the synth command; default: the `app` of cdk8s.yaml at the ref.
 */
export function outputAtRef(ref: string, output: string, cwd: string = process.cwd(), app?: string): BaseOutput {
  const top = git(['rev-parse', '--show-toplevel'], cwd).toString().trim();
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top);
  const rel = path.relative(fs.realpathSync(top), path.resolve(fs.realpathSync(cwd), output)).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new CliError(`${output}: --base needs the output folder inside the Git repository ${top}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-base-'));
  const remove = () => fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const committed = rel !== '' && git(['ls-tree', '-r', '--name-only', ref, '--', rel], top).toString().trim() !== '';
    if (committed) {
      const tar = git(['archive', '--format=tar', ref, '--', rel], top);
      execFileSync('tar', ['-x', '-C', tmp], { input: tar });
      return { dir: path.join(tmp, rel), how: 'read', cleanup: remove };
    }
    return synthesizeAt(ref, rel, top, path.relative(top, fs.realpathSync(cwd)), tmp, app);
  } catch (e) {
    remove();
    throw e;
  }
}

function synthesizeAt(ref: string, rel: string, top: string, cwdRel: string, tmp: string, app: string | undefined): BaseOutput {
  const tree = path.join(tmp, 'tree');
  git(['worktree', 'add', '--detach', '--quiet', tree, ref], top);
  const cleanup = () => {
    spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: top });
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const projectDir = path.join(tree, cwdRel);
    const modules = nearestNodeModules(path.join(top, cwdRel));
    if (modules && !fs.existsSync(path.join(projectDir, 'node_modules'))) fs.symlinkSync(modules, path.join(projectDir, 'node_modules'), 'dir');
    const command = app ?? appCommand(projectDir, ref);
    const outdir = path.join(tree, rel);
    const env = { ...process.env, CDK8S_OUTDIR: outdir };
    const r = spawnSync(command, { cwd: projectDir, shell: true, encoding: 'utf8', env, maxBuffer: 1 << 28 });
    if (r.status !== 0) {
      const tail = (r.stderr || r.stdout || '').trim().split('\n').slice(-20).join('\n');
      throw new CliError(`synthesizing ${ref} with "${command}" failed (exit code ${r.status}):\n${tail}`);
    }
    if (!fs.existsSync(outdir)) throw new CliError(`synthesizing ${ref} with "${command}" wrote nothing to ${rel}`);
    return { dir: outdir, how: 'synthesized', cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** The node_modules the project resolves packages from: its own, or the nearest one above it. */
function nearestNodeModules(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'node_modules');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}

function appCommand(projectDir: string, ref: string): string {
  const file = path.join(projectDir, 'cdk8s.yaml');
  if (!fs.existsSync(file)) throw new CliError(`${ref}: the output is not committed and there is no cdk8s.yaml to synthesize it; pass --app COMMAND`);
  let config: any;
  try {
    config = jsyaml.load(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`cdk8s.yaml at ${ref}: invalid YAML: ${(e as Error).message}`);
  }
  if (typeof config?.app !== 'string' || config.app === '') {
    throw new CliError(`cdk8s.yaml at ${ref}: app is missing: it must be the command that synthesizes the app`);
  }
  return config.app;
}

/** The output folder a project's cdk8s.yaml names (`output`, default `dist`). */
export function defaultOutput(cwd: string = process.cwd()): string {
  const file = path.join(cwd, 'cdk8s.yaml');
  if (!fs.existsSync(file)) return 'dist';
  try {
    const config: any = jsyaml.load(fs.readFileSync(file, 'utf8'));
    return typeof config?.output === 'string' ? config.output : 'dist';
  } catch {
    return 'dist';
  }
}
